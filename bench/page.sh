#!/bin/sh
# The bureau page's render time (issue 15: "/ renders in under 50 ms server
# time for 20 pools x 365 days"). Builds build/bench-page (Release), makes a
# store with 20 pools of daily figures from 1 January of last year to
# yesterday (bench/pagegen.c: through the ledger's write path, each day at
# its own time), starts vouchd on it with `http = 127.0.0.1:PORT` and asks
# for / of last year (365 days of every pool) and of this year, N times
# each (default 50). Prints, per page: its size, the server's time (the
# Server-Timing header: gathering from the ledger and rendering, in the
# handler) and curl's total on loopback, as median / 95th percentile /
# max in ms.
#   bench/page.sh [N] [POOLS]
set -eu
cd "$(dirname "$0")/.."
N=${1:-50}
POOLS=${2:-20}
deploy/install-deps.sh
command -v curl >/dev/null 2>&1 || { echo "page.sh: needs curl" >&2; exit 1; }
deploy/build.sh build/bench-page -DCMAKE_BUILD_TYPE=Release -DBENCH=ON -DBUILD_TESTING=OFF
VOUCHD=$PWD/build/bench-page/daemon/vouchd
GEN=$PWD/build/bench-page/bench/pagegen
DIR=$(mktemp -d /tmp/vouchd-page.XXXXXX)
VPID=
trap '[ -n "$VPID" ] && kill "$VPID" 2>/dev/null; rm -rf "$DIR"' EXIT

Y=$(TZ=Asia/Shanghai date +%Y)
LAST=$((Y - 1))
YESTERDAY=$(TZ=Asia/Shanghai date -d yesterday +%Y-%m-%d)
mkdir -p "$DIR/policies"
"$VOUCHD" init --data "$DIR/data" --bureau-key "$DIR/bureau.pem" >/dev/null
"$GEN" policy "$DIR/policies" --pools "$POOLS"
echo "filling $POOLS pools, $LAST-01-01 to $YESTERDAY:"
"$GEN" fill --data "$DIR/data" --policies "$DIR/policies" --pools "$POOLS" \
	--from "$LAST-01-01" --to "$YESTERDAY"
PORT=$((20000 + $$ % 20000))
"$VOUCHD" run --data "$DIR/data" --policies "$DIR/policies" \
	--listen "unix:$DIR/s.sock" --http "127.0.0.1:$PORT" --log-level warn \
	>"$DIR/log" 2>&1 &
VPID=$!
i=0
while ! curl -sf -o /dev/null "http://127.0.0.1:$PORT/pools.csv" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done

# stats FILE: median, 95th percentile and max of a column of numbers
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		p = int(NR * 0.95 + 0.5); if (p < 1) p = 1
		printf "%.2f / %.2f / %.2f", v[int((NR + 1) / 2)], v[p], v[NR] }'
}

for q in "period=$LAST" "period=$Y"; do
	: >"$DIR/server"
	: >"$DIR/total"
	k=0
	while [ $k -lt "$N" ]; do
		curl -s -D "$DIR/h" -o "$DIR/body" -w '%{time_total}\n' \
			"http://127.0.0.1:$PORT/?$q" | awk '{ print $1 * 1000 }' >>"$DIR/total"
		sed -n 's/^Server-Timing: page;dur=\([0-9.]*\).*/\1/p' "$DIR/h" >>"$DIR/server"
		k=$((k + 1))
	done
	printf '/?%s  %d bytes  server ms %s  curl total ms %s  (median / p95 / max of %d)\n' \
		"$q" "$(wc -c <"$DIR/body")" "$(stats "$DIR/server")" "$(stats "$DIR/total")" "$N"
done
