#!/bin/sh
# bench/balance.sh [VOUCHD] [REQUESTS]: pipelined BALANCE on its own, for
# before/after comparisons of the read path. A fresh store, vdload setup,
# 100,000 records by BATCH, then REQUESTS (default 1,000,000) BALANCE
# requests as the bureau over 50 connections, 16 in flight each (the
# pipelined line of run.sh); prints vdload's line, then the event-loop
# thread's CPU (user and system, from /proc/PID/task/PID/stat) during
# the BALANCE window and per request: the rate moves with the machine's
# other load, the loop's CPU per request much less. PERF=1 also records
# the loop thread during the window with `perf record --call-graph
# dwarf` (PERF_FREQ samples a second, default 499) into ./perf.data.
# Needs build/bench (bench/run.sh builds it).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
V=${1:-$PWD/build/bench/daemon/vouchd}
N=${2:-1000000}
L=$PWD/build/bench/bench/vdload
W=$(mktemp -d /var/tmp/vouchd-bal.XXXXXX)
VPID=
trap '[ -n "$VPID" ] && kill "$VPID" 2>/dev/null; rm -rf "$W"' EXIT
vouchd_up "$V" "$L" "$W"
"$L" ingest --addr "$ADDR" --mode batch --records 100000 --conns 16 --depth 4 >/dev/null
# the loop is the main thread (its tid is the pid); utime and stime in
# clock ticks (100 per second on Linux)
loop() { awk '{print $14 " " $15}' /proc/"$VPID"/task/"$VPID"/stat; }
PP=
if [ -n "${PERF:-}" ]; then perf record --call-graph dwarf,16384 -F ${PERF_FREQ:-499} -o perf.data -t "$VPID" >/dev/null 2>&1 & PP=$!; sleep 0.5; fi
T0=$(loop)
"$L" balance --addr "$ADDR" --bureau-key "$W/bureau.pem" --conns 50 --requests "$N" --depth 16
T1=$(loop)
[ -n "$PP" ] && { kill -INT "$PP"; wait "$PP" || true; }
echo "$T0 $T1" | awk -v n="$N" '{ u = $3 - $1; s = $4 - $2; printf "loop thread: %.2f s CPU (user %.2f, sys %.2f), %.2f us per request\n", (u + s) / 100, u / 100, s / 100, (u + s) * 10000 / n }'
vouchd_down
