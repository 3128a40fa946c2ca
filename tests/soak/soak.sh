#!/bin/sh
# The kill -9 soak (tests/soak/README.md): rounds of mixed load against a
# Release vouchd on one persistent store, each ended by SIGKILL, then
# `vouchd check` on the store as the kill left it, a restart, and
# `soakload verify` of every write the round's clients saw acknowledged.
# Stops at the first failure and keeps the store and the logs.
#
#   tests/soak/soak.sh [--rounds N] [--seed S] [--dir DIR] [--build DIR]
#                      [--min-ms MS] [--max-ms MS]
#
# --build: a build tree with vouchd and soakload (default build/rel, as
# `deploy/build.sh build/rel -DCMAKE_BUILD_TYPE=Release`). --dir: the
# state (store, keys, policy, model, logs); a new temporary directory by
# default; a directory from an earlier run goes on after its last
# verified round. Each round's load lasts MS milliseconds, drawn from the
# seed between --min-ms and --max-ms (default 1000 to 3000).
set -u

rounds=20
seed=1
dir=
build=build/rel
min_ms=1000
max_ms=3000
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2 ;;
	--seed) seed=$2 ;;
	--dir) dir=$2 ;;
	--build) build=$2 ;;
	--min-ms) min_ms=$2 ;;
	--max-ms) max_ms=$2 ;;
	*)
		echo "usage: $0 [--rounds N] [--seed S] [--dir DIR] [--build DIR] [--min-ms MS] [--max-ms MS]" >&2
		exit 2
		;;
	esac
	shift 2
done

src=$(cd "$(dirname "$0")" && pwd)
vouchd=$build/daemon/vouchd
soakload=$build/tests/soak/soakload
for b in "$vouchd" "$soakload"; do
	[ -x "$b" ] || {
		echo "soak: $b: not built (deploy/build.sh $build -DCMAKE_BUILD_TYPE=Release)" >&2
		exit 2
	}
done
[ -n "$dir" ] || dir=$(mktemp -d /tmp/vd_soak_XXXXXX)
mkdir -p "$dir/rounds" "$dir/policies"
dir=$(cd "$dir" && pwd)
pid=
t0=$(date +%s)
restarts=0

fail() {
	echo "soak: FAIL in round $r: $*" >&2
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid"
	fi
	echo "soak: the store, the model and the logs are in $dir (rounds/$r.*, vouchd.log)" >&2
	exit 1
}

start() {
	"$vouchd" run --data "$dir/data" --policies "$dir/policies" \
		--listen "unix:$dir/vouchd.sock" --log-level warn \
		>>"$dir/vouchd.log" 2>&1 &
	pid=$!
}

# milliseconds of load for round $1
load_ms() {
	awk -v s="$seed" -v r="$1" -v a="$min_ms" -v b="$max_ms" \
		'BEGIN { srand(s * 100003 + r); printf "%d", a + int(rand() * (b - a + 1)) }'
}

r=0
if [ -f "$dir/model.txt" ]; then
	first=$(sed -n '1s/.* round=\([0-9]*\) .*/\1/p' "$dir/model.txt")
	first=$((first + 1))
	start
	restarts=$((restarts + 1))
else
	cp "$src/soak.ini" "$dir/policies/soak.ini"
	"$soakload" policy --dir "$dir" || fail "cannot write the pool's policy"
	"$vouchd" init --data "$dir/data" --bureau-key "$dir/bureau.pem" \
		>"$dir/init.log" 2>&1 || fail "vouchd init: $(cat "$dir/init.log")"
	start
	"$soakload" setup --dir "$dir" >"$dir/rounds/0.out" 2>&1 ||
		fail "setup: $(cat "$dir/rounds/0.out")"
	"$soakload" verify --dir "$dir" --round 0 >>"$dir/rounds/0.out" 2>&1 ||
		fail "$(tail -n 3 "$dir/rounds/0.out")"
	first=1
fi
last=$((first + rounds - 1))
echo "soak: rounds $first to $last, seed $seed, state in $dir"

r=$first
while [ "$r" -le "$last" ]; do
	ms=$(load_ms "$r")
	out=$dir/rounds/$r.out
	"$soakload" load --dir "$dir" --round "$r" --seed "$seed" --pid "$pid" \
		--max-secs 120 >"$out" 2>&1 &
	lpid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -0 "$pid" 2>/dev/null || fail "vouchd exited during the load: $(tail -n 3 "$dir/vouchd.log")"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null # the shell would say "Killed"
	pid=
	wait "$lpid" || fail "the load saw the daemon misbehave: $(tail -n 5 "$out")"
	"$vouchd" check --data "$dir/data" >"$dir/rounds/$r.check" 2>&1 ||
		fail "vouchd check after the kill: $(tail -n 3 "$dir/rounds/$r.check")"
	start
	restarts=$((restarts + 1))
	"$soakload" verify --dir "$dir" --round "$r" >>"$out" 2>&1 ||
		fail "$(tail -n 3 "$out")"
	kill -0 "$pid" 2>/dev/null || fail "vouchd did not stay up after the restart: $(tail -n 3 "$dir/vouchd.log")"
	if [ $((r % 10)) -eq 0 ] || [ "$r" -eq "$last" ]; then
		echo "round $r: load ${ms} ms; $(tail -n 1 "$out" | cut -c 1-160)"
	fi
	# keep the logs of the last rounds only (a failure keeps its own)
	old=$((r - 5))
	rm -f "$dir/rounds/$old.log" "$dir/rounds/$old.out" "$dir/rounds/$old.check"
	r=$((r + 1))
done
r=final
"$soakload" final --dir "$dir" >"$dir/final.out" 2>&1 || fail "$(tail -n 3 "$dir/final.out")"
kill -TERM "$pid"
wait "$pid" || fail "vouchd did not stop cleanly on SIGTERM"
pid=
"$vouchd" check --data "$dir/data" >"$dir/final.check" 2>&1 ||
	fail "vouchd check at the end: $(tail -n 3 "$dir/final.check")"
t1=$(date +%s)
echo "soak: PASS"
echo "rounds run: $rounds ($first to $last), kill -9: $rounds, restarts: $restarts, wall time: $((t1 - t0)) s"
cat "$dir/final.out"
"$soakload" summary --dir "$dir"
echo "state kept in $dir"
