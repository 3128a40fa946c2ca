#!/bin/sh
# bench/commit.sh [VOUCHD] ["conf lines"]
#
# The group commit's figures on a fresh store, as run.sh's growth steps
# take them: 10,000 records, then BATCH 100,000 at the peak (16
# connections, 4 frames of 1,000 in flight), 100,000 paced at 80% of that
# peak, 30,000 one frame at a time (the floor), and USAGE 100,000 at the
# peak (256 in flight per connection) then 60,000 paced at 80% of it;
# RssAnon after the BATCH peak. VOUCHD: a build to compare (default
# build/bench's); conf lines are added to [server] ("commit_batch =
# 2048\n"). One line of figures.
set -eu
cd "$(dirname "$0")/.."
deploy/build.sh build/bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DBENCH=ON >/dev/null
V=${1:-build/bench/daemon/vouchd}
EXTRA=${2:-}
L=build/bench/bench/vdload
. bench/lib.sh
W=$(mktemp -d /var/tmp/vouchd-commit.XXXXXX)
VPID=
trap '[ -n "$VPID" ] && kill "$VPID" 2>/dev/null; rm -rf "$W"' EXIT
vouchd_up "$V" "$L" "$W" "$EXTRA"
A=$ADDR
"$L" ingest --addr "$A" --mode batch --records 10000 --conns 16 --depth 4 >/dev/null
G=$("$L" ingest --addr "$A" --mode batch --records 100000 --start 10000 --conns 16 --depth 4)
AN="$(anon) kB"
PACE=$(( $(get "$G" rate) * 8 / 10 ))
VL=$("$L" ingest --addr "$A" --mode batch --records 100000 --start 110000 --conns 16 --depth 4 --rate "$PACE")
V1=$("$L" ingest --addr "$A" --mode batch --records 30000 --start 210000 --conns 1 --depth 1)
U=$("$L" ingest --addr "$A" --mode usage --records 100000 --start 240000 --conns 16 --depth 256)
UP=$(( $(get "$U" rate) * 8 / 10 ))
UL=$("$L" ingest --addr "$A" --mode usage --records 60000 --start 340000 --conns 16 --depth 256 --rate "$UP")
echo "batch peak $(get "$G" rate) | paced $PACE: p50 $(get "$VL" p50_ms) p99 $(get "$VL" p99_ms) | floor p50 $(get "$V1" p50_ms) p99 $(get "$V1" p99_ms) | anon $AN | usage peak $(get "$U" rate) | paced $UP: rate $(get "$UL" rate) p50 $(get "$UL" p50_ms) p99 $(get "$UL" p99_ms)"
