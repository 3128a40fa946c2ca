#!/bin/sh
# bench/windows.sh [VOUCHD] [WINDOWS]: the before/after measurement of
# bench/README.md. A fresh store, the 50 providers and 10,000 orgs of
# vdload setup, then WINDOWS (default 4) windows of 100,000 BATCH records
# one after the other (16 connections, 4 frames in flight), the rate of
# each, and the daemon's RSS and store size at the end. VOUCHD defaults to
# build/bench/daemon/vouchd; give another build's binary to compare (for
# example one built from an older commit in a git worktree). Needs
# build/bench (bench/run.sh builds it).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
V=${1:-$PWD/build/bench/daemon/vouchd}
K=${2:-4}
L=$PWD/build/bench/bench/vdload
W=$(mktemp -d /var/tmp/vouchd-windows.XXXXXX)
VPID=
trap '[ -n "$VPID" ] && kill "$VPID" 2>/dev/null; rm -rf "$W"' EXIT
vouchd_up "$V" "$L" "$W"
i=0
while [ $i -lt "$K" ]; do
	"$L" ingest --addr "$ADDR" --records 100000 --start $((i * 100000)) --conns 16 --depth 4
	i=$((i + 1))
done
echo "$(grep -E 'VmRSS|RssAnon' "/proc/$VPID/status" | tr -s ' \t\n' ' ') store $(du -sh "$W/data" | cut -f1)"
vouchd_down
