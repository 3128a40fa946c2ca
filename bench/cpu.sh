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
. bench/lib.sh
V=${1:-$PWD/build/bench/daemon/vouchd}
N=${2:-200000}
CONNS=${CONNS:-16}
DEPTH=${DEPTH:-4}
WARM=${3:-100000}
L=$PWD/build/bench/bench/vdload
W=$(mktemp -d /var/tmp/vouchd-cpu.XXXXXX)
VPID=
trap '[ -n "$VPID" ] && kill "$VPID" 2>/dev/null; rm -rf "$W"' EXIT
vouchd_up "$V" "$L" "$W"
"$L" ingest --addr "$ADDR" --records "$WARM" --conns 16 --depth 4 >/dev/null
snap > "$W/a"
WB0=$(sed -n "s/^write_bytes: //p" /proc/"$VPID"/io)
WC0=$(sed -n "s/^wchar: //p" /proc/"$VPID"/io)
PP=
if [ -n "${PERF:-}" ]; then perf record --call-graph dwarf,16384 -F 499 -o perf.data -p "$VPID" >/dev/null 2>&1 & PP=$!; fi
"$L" ingest --addr "$ADDR" --records "$N" --start "$WARM" --conns "$CONNS" --depth "$DEPTH"
[ -n "$PP" ] && { kill -INT "$PP"; wait "$PP" || true; }
snap > "$W/b"
WB1=$(sed -n "s/^write_bytes: //p" /proc/"$VPID"/io)
WC1=$(sed -n "s/^wchar: //p" /proc/"$VPID"/io)
# utime and stime are in clock ticks (100 per second on Linux)
join "$W/a" "$W/b" | awk '{printf "thread %s user %.2fs sys %.2fs\n", $1, ($4 - $2) / 100, ($5 - $3) / 100}'
echo "written: $(( (WC1 - WC0) / 1048576 )) MiB by write calls, $(( (WB1 - WB0) / 1048576 )) MiB to the disk; per record $(( (WC1 - WC0) / N )) and $(( (WB1 - WB0) / N )) bytes"
vouchd_down
