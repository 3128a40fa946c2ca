#!/bin/sh
# bench/cpu.sh [VOUCHD] [RECORDS] [WARM]: one BATCH window with the CPU time of
# each vouchd thread, for before/after comparisons that the machine's
# noise would hide in a rate alone. A fresh store, vdload setup, WARM
# (default 100,000) records to fill it, then RECORDS (default 200,000) more (16 connections,
# 4 frames in flight); prints vdload's line and, per thread, the user and
# system seconds it used during the window (the busiest is the commit
# thread) and the bytes it wrote to the disk. CONNS and DEPTH (default 16
# and 4) shape the load. PERF=1 also records `perf record --call-graph dwarf` of the
# window into perf.data. Needs build/bench (bench/run.sh builds it).
set -eu
cd "$(dirname "$0")/.."
V=${1:-$PWD/build/bench/daemon/vouchd}
N=${2:-200000}
CONNS=${CONNS:-16}
DEPTH=${DEPTH:-4}
WARM=${3:-100000}
L=$PWD/build/bench/bench/vdload
W=$(mktemp -d /var/tmp/vouchd-cpu.XXXXXX)
P=
trap '[ -n "$P" ] && kill "$P" 2>/dev/null; rm -rf "$W"' EXIT
"$V" init --data "$W/data" --bureau-key "$W/bureau.pem" >/dev/null
printf '[server]\nlisten = unix:%s/s.sock\nlog_level = warn\n' "$W" > "$W/conf"
"$V" run --config "$W/conf" --data "$W/data" --policies deploy/policies > "$W/log" 2>&1 &
P=$!
i=0
while [ ! -S "$W/s.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$L" setup --addr "unix:$W/s.sock" --bureau-key "$W/bureau.pem" >/dev/null
"$L" ingest --addr "unix:$W/s.sock" --records "$WARM" --conns 16 --depth 4 >/dev/null
snap() { for t in /proc/"$P"/task/*; do echo "$(basename "$t") $(awk '{print $14 " " $15}' "$t/stat")"; done; }
snap > "$W/a"
WB0=$(sed -n "s/^write_bytes: //p" /proc/"$P"/io)
WC0=$(sed -n "s/^wchar: //p" /proc/"$P"/io)
PP=
if [ -n "${PERF:-}" ]; then perf record --call-graph dwarf,16384 -F 499 -o perf.data -p "$P" >/dev/null 2>&1 & PP=$!; fi
"$L" ingest --addr "unix:$W/s.sock" --records "$N" --start "$WARM" --conns "$CONNS" --depth "$DEPTH"
[ -n "$PP" ] && { kill -INT "$PP"; wait "$PP" || true; }
snap > "$W/b"
WB1=$(sed -n "s/^write_bytes: //p" /proc/"$P"/io)
WC1=$(sed -n "s/^wchar: //p" /proc/"$P"/io)
# utime and stime are in clock ticks (100 per second on Linux)
join "$W/a" "$W/b" | awk '{printf "thread %s user %.2fs sys %.2fs\n", $1, ($4 - $2) / 100, ($5 - $3) / 100}'
echo "written: $(( (WC1 - WC0) / 1048576 )) MiB by write calls, $(( (WB1 - WB0) / 1048576 )) MiB to the disk; per record $(( (WC1 - WC0) / N )) and $(( (WB1 - WB0) / N )) bytes"
kill "$P"
wait "$P" || true
P=
