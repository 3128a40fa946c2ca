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
V=${1:-$PWD/build/bench/daemon/vouchd}
K=${2:-4}
L=$PWD/build/bench/bench/vdload
W=$(mktemp -d /var/tmp/vouchd-windows.XXXXXX)
P=
trap '[ -n "$P" ] && kill "$P" 2>/dev/null; rm -rf "$W"' EXIT
"$V" init --data "$W/data" --bureau-key "$W/bureau.pem" >/dev/null
printf '[server]\nlisten = unix:%s/s.sock\nlog_level = warn\n' "$W" > "$W/conf"
"$V" run --config "$W/conf" --data "$W/data" --policies deploy/policies > "$W/log" 2>&1 &
P=$!
i=0
while [ ! -S "$W/s.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$L" setup --addr "unix:$W/s.sock" --bureau-key "$W/bureau.pem" >/dev/null
i=0
while [ $i -lt "$K" ]; do
	"$L" ingest --addr "unix:$W/s.sock" --records 100000 --start $((i * 100000)) --conns 16 --depth 4
	i=$((i + 1))
done
echo "$(grep -E 'VmRSS|RssAnon' "/proc/$P/status" | tr -s ' \t\n' ' ') store $(du -sh "$W/data" | cut -f1)"
kill "$P"
wait "$P" || true
P=
