#!/bin/sh
# bench/balance.sh [VOUCHD] [REQUESTS]: pipelined BALANCE on its own, for
# before/after comparisons of the read path. A fresh store, vdload setup,
# 100,000 records by BATCH, then REQUESTS (default 1,000,000) BALANCE
# requests as the bureau over 50 connections, 16 in flight each (the
# pipelined line of run.sh); prints vdload's line. Needs build/bench
# (bench/run.sh builds it).
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
"$L" balance --addr "$ADDR" --bureau-key "$W/bureau.pem" --conns 50 --requests "$N" --depth 16
vouchd_down
