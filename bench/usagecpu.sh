#!/bin/sh
# bench/usagecpu.sh [VOUCHD]: single signed USAGE lines paced at PCT%
# (default 80) of their pipelined peak, with the CPU of each vouchd
# thread over the paced window. A fresh store, 10,000 records, 100,000
# USAGE at the peak (16 connections, 256 in flight each), then 60,000
# paced; prints both vdload lines and, per thread, the user and system
# seconds of the window (/proc/PID/task/*/stat). EXTRA adds [server]
# lines ("commit_wait_us = 2000\n"). Needs build/bench (bench/run.sh).
set -eu
cd "$(dirname "$0")/.."
V=${1:-$PWD/build/bench/daemon/vouchd}
L=$PWD/build/bench/bench/vdload
. bench/lib.sh
W=$(mktemp -d /var/tmp/vouchd-usagecpu.XXXXXX)
VPID=
trap '[ -n "$VPID" ] && kill "$VPID" 2>/dev/null; rm -rf "$W"' EXIT
vouchd_up "$V" "$L" "$W" "${EXTRA:-}"
"$L" ingest --addr "$ADDR" --records 10000 --conns 16 --depth 4 >/dev/null
U=$("$L" ingest --addr "$ADDR" --mode usage --records 100000 --start 10000 --conns 16 --depth 256)
echo "peak: $U"
UP=$(( $(get "$U" rate) * ${PCT:-80} / 100 ))
snap > "$W/a"
UL=$("$L" ingest --addr "$ADDR" --mode usage --records 60000 --start 110000 --conns 16 --depth 256 --rate "$UP")
snap > "$W/b"
echo "paced $UP: $UL"
echo "per thread over the window, seconds (the first is the event loop):"
join "$W/a" "$W/b" | awk '{u = ($4 - $2) / 100; s = ($5 - $3) / 100; if (u + s > 0.05) printf "  %s user %.2f sys %.2f\n", $1, u, s}'
