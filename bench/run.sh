#!/bin/sh
# bench/run.sh [--full] [--records N]
#
# vouchd side by side with PostgreSQL 15, Redis 7 and the machine's
# limits, in one run on this machine. Installs what it needs (Debian
# packages), builds build/bench (Release, -DBENCH=ON), runs every
# measurement on stores in a temporary directory, prints a markdown table
# and writes it to bench/results.md. --records sets the ingest size
# (default 1,000,000); --full adds the growth point at 10^7 records.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
. bench/lib.sh
N=1000000
FULL=0
while [ $# -gt 0 ]; do
	case $1 in
	--full) FULL=1 ;;
	--records) N=$2; shift ;;
	*) echo "usage: bench/run.sh [--full] [--records N]" >&2; exit 2 ;;
	esac
	shift
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
# PostgreSQL refuses to run as root: its steps run as the postgres user
aspg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
deploy/install-deps.sh
need=
for p in postgresql-15 redis-server redis-tools libpq-dev libhiredis-dev lmdb-utils; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
deploy/build.sh build/bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DBENCH=ON
BIN=$ROOT/build/bench
VOUCHD=$BIN/daemon/vouchd
VDLOAD=$BIN/bench/vdload
PG=/usr/lib/postgresql/15/bin

W=$(mktemp -d /var/tmp/vouchd-bench.XXXXXX)
chmod 755 "$W"
VPID=
cleanup() {
	[ -n "$VPID" ] && kill "$VPID" 2>/dev/null
	[ -f "$W/rdb/r.pid" ] && kill "$(cat "$W/rdb/r.pid")" 2>/dev/null
	[ -d "$W/pg/data" ] && aspg "$PG/pg_ctl" -D "$W/pg/data" -m fast stop >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
LOG=$W/log
: > "$LOG"
say() { printf '%s\n' "$*" | tee -a "$LOG" >&2; }

# one vouchd on a fresh store: start_vouchd NAME
start_vouchd() { vouchd_up "$VOUCHD" "$VDLOAD" "$W/$1"; }
stop_vouchd() { vouchd_down; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$VPID/status"; }
mib() { echo $(( $1 / 1024 )); }

CORES=$(nproc)
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
MEM=$(free -g | awk '/^Mem:/ {print $2}')
DISK=$(df -h "$W" | awk 'NR == 2 {print $1 " (" $2 ", " $5 " used)"}')
FS=$(df -T "$W" | awk 'NR == 2 {print $2}')
say "machine: $CORES cores ($CPU), $MEM GiB, $DISK $FS; records N=$N"

say "== limits"
ED=$("$BIN/bench/limits" ed25519 --seconds 5)
ED1=$("$BIN/bench/limits" ed25519 --threads 1 --seconds 5)
say "ed25519 all cores: $ED"
say "ed25519 one core: $ED1"
LM=$("$BIN/bench/limits" lmdb "$W/lmdb" --records "$N")
say "raw lmdb: $LM"
rm -rf "$W/lmdb"

say "== vouchd, batch-signed ingest"
start_vouchd batch
VB=$("$VDLOAD" ingest --addr "$ADDR" --mode batch --records "$N" --conns 16 --depth 4)
say "vouchd batch: $VB"
VB_RSS=$(rss)
VB_ANON=$(anon)
# the store's size: LMDB's file ends at its last page in use
VB_BYTES=$(stat -c %s "$W/batch/data/data.mdb")
say "vouchd RSS after $N records: $(mib "$VB_RSS") MiB (anonymous $(mib "$VB_ANON") MiB), store $VB_BYTES bytes ($((VB_BYTES / N)) per record)"
# growth point 10^6: a window of 10^5 more records on the full store
G6=$("$VDLOAD" ingest --addr "$ADDR" --mode batch --records 100000 --start "$N" --conns 16 --depth 4)
G6_RSS=$(rss)
say "growth at $N stored: $G6, RSS $(mib "$G6_RSS") MiB"

say "== vouchd, reads"
BAL1=$("$VDLOAD" balance --addr "$ADDR" --bureau-key "$W/batch/bureau.pem" --conns 50 --requests 200000 --depth 1)
say "BALANCE, 50 connections: $BAL1"
BAL16=$("$VDLOAD" balance --addr "$ADDR" --bureau-key "$W/batch/bureau.pem" --conns 50 --requests 1000000 --depth 16)
say "BALANCE, 50 connections, pipelined 16: $BAL16"
stop_vouchd
rm -rf "$W/batch"

say "== vouchd, one signature per record"
start_vouchd usage
VU=$("$VDLOAD" ingest --addr "$ADDR" --mode usage --records "$N" --conns 16 --depth 256)
say "vouchd usage: $VU"
# a billing system posting each bill as it closes: single signed lines,
# paced at 80% of the peak just measured, on the same store
UPACE=$(( $(get "$VU" rate) * 8 / 10 ))
VUL=$("$VDLOAD" ingest --addr "$ADDR" --mode usage --records 100000 --start "$N" --conns 16 --depth 256 --rate "$UPACE")
say "vouchd usage at $UPACE records/s: $VUL"
stop_vouchd
rm -rf "$W/usage"

say "== vouchd, growth from an empty store"
start_vouchd growth
"$VDLOAD" ingest --addr "$ADDR" --mode batch --records 10000 --conns 16 --depth 4 >/dev/null
G4=$("$VDLOAD" ingest --addr "$ADDR" --mode batch --records 100000 --start 10000 --conns 16 --depth 4)
G4_RSS=$(rss)
say "growth at 10^4 stored: $G4, RSS $(mib "$G4_RSS") MiB"
# p99 at 80% of the peak just measured, on the same store, for as many
# records again: the rate the store sustains at this size, not past it
PACE=$(( $(get "$G4" rate) * 8 / 10 ))
VL=$("$VDLOAD" ingest --addr "$ADDR" --mode batch --records 100000 --start 110000 --conns 16 --depth 4 --rate "$PACE")
say "vouchd batch at $PACE records/s: $VL"
# the floor under any latency: one BATCH at a time on one connection, so
# each is a commit of its own (apply 1,000 records, write, sync)
V1=$("$VDLOAD" ingest --addr "$ADDR" --mode batch --records 30000 --start 210000 --conns 1 --depth 1)
say "vouchd batch, one at a time: $V1"
G7=
if [ "$FULL" -eq 1 ]; then
	"$VDLOAD" ingest --addr "$ADDR" --mode batch --records 9760000 --start 240000 --conns 16 --depth 4 >/dev/null
	G7=$("$VDLOAD" ingest --addr "$ADDR" --mode batch --records 100000 --start 10000000 --conns 16 --depth 4)
	G7_RSS=$(rss)
	say "growth at 10^7 stored: $G7, RSS $(mib "$G7_RSS") MiB"
fi
stop_vouchd
rm -rf "$W/growth"

say "== PostgreSQL 15 (synchronous_commit = on)"
mkdir -p "$W/pg"
$SUDO chown postgres "$W/pg"
aspg "$PG/initdb" -D "$W/pg/data" -A trust -U bench >/dev/null
aspg "$PG/pg_ctl" -D "$W/pg/data" -l "$W/pg/log" -o \
	"-k $W/pg -p 5433 -c listen_addresses='' -c synchronous_commit=on -c fsync=on -c max_connections=64 -c shared_buffers=512MB" \
	start >/dev/null
aspg "$PG/createdb" -h "$W/pg" -p 5433 -U bench bench
CI="host=$W/pg port=5433 user=bench dbname=bench"
"$BIN/bench/pgload" setup --conninfo "$CI" >/dev/null 2>&1
PGR=$("$BIN/bench/pgload" ingest --conninfo "$CI" --records "$N" --conns 16)
say "postgresql: $PGR"
aspg "$PG/pg_ctl" -D "$W/pg/data" -m fast stop >/dev/null
rm -rf "$W/pg"

say "== Redis 7 (appendonly yes, appendfsync always)"
mkdir -p "$W/rdb"
redis-server --port 0 --unixsocket "$W/rdb/r.sock" --dir "$W/rdb" --appendonly yes \
	--appendfsync always --save "" --daemonize yes --pidfile "$W/rdb/r.pid" \
	--logfile "$W/rdb/log"
i=0
while [ ! -S "$W/rdb/r.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
RD=$("$BIN/bench/redisload" --socket "$W/rdb/r.sock" --records "$N" --conns 16 --depth 100)
say "redis script per record, pipelined 100: $RD"
RD1=$("$BIN/bench/redisload" --socket "$W/rdb/r.sock" --records 100000 --conns 16 --depth 1)
say "redis script per record, not pipelined (100,000 more, duplicates): $RD1"
rb() { redis-benchmark -s "$W/rdb/r.sock" -c 50 "$@" -t get --csv | sed -n 's/^"GET","\([0-9.]*\)","[0-9.]*","[0-9.]*","\([0-9.]*\)","[0-9.]*","\([0-9.]*\)".*/rate=\1 p50_ms=\2 p99_ms=\3/p'; }
RG1=$(rb -n 200000)
RG16=$(rb -n 2000000 -P 16)
say "redis GET, 50 connections: $RG1"
say "redis GET, 50 connections, pipelined 16: $RG16"
kill "$(cat "$W/rdb/r.pid")"

# the table
r() { get "$1" rate; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t ? "met" : "missed") }'; }
verdict_le() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "met" : "missed") }'; }
VBR=$(r "$VB"); VUR=$(r "$VU"); PGRR=$(r "$PGR"); RDR=$(r "$RD"); LMR=$(r "$LM"); EDR=$(r "$ED")
B1=$(r "$BAL1"); B16=$(r "$BAL16"); G1=$(r "$RG1"); G16=$(r "$RG16")
G4R=$(r "$G4"); G6R=$(r "$G6")
{
echo "# vouchd benchmarks"
echo
echo "Machine: $CORES cores ($CPU), $MEM GiB RAM, disk $DISK, $FS. $(date -u +%Y-%m-%d)."
echo "Command: \`bench/run.sh$( [ "$FULL" -eq 1 ] && echo " --full")$( [ "$N" -ne 1000000 ] && echo " --records $N")\`;"
echo "every store on that disk, every commit synced. Records: $N usage records from 50 providers"
echo "for 10,000 orgs under the five seed policies, 16 connections; vouchd over a Unix socket."
echo
echo "| measurement | figure | p50 / p99 ms | vouchd / this | target | |"
echo "|---|---:|---:|---:|---|---|"
echo "| vouchd, BATCH of 1,000 signed once, durable | $VBR rec/s | $(get "$VB" p50_ms) / $(get "$VB" p99_ms) | 1 | | |"
echo "| PostgreSQL 15, batches of 1,000, same crypto | $PGRR rec/s | $(get "$PGR" p50_ms) / $(get "$PGR" p99_ms) | $(ratio "$VBR" "$PGRR") | vouchd >= 4x | $(verdict "$(ratio "$VBR" "$PGRR")" 4) |"
echo "| Redis 7, AOF always, script per record, pipelined 100 | $RDR rec/s | $(get "$RD" p50_ms) / $(get "$RD" p99_ms) | $(ratio "$VBR" "$RDR") | vouchd >= 1x | $(verdict "$(ratio "$VBR" "$RDR")" 1) |"
echo "| Redis 7, same, not pipelined | $(r "$RD1") rec/s | $(get "$RD1" p50_ms) / $(get "$RD1" p99_ms) | $(ratio "$VBR" "$(r "$RD1")") | | |"
echo "| raw LMDB, insert + read-modify-write, 1,000 per synced commit | $LMR rec/s | | $(ratio "$VBR" "$LMR") | vouchd >= 0.75x | $(verdict "$(ratio "$VBR" "$LMR")" 0.75) |"
echo "| vouchd, USAGE signed per record, pipelined | $VUR rec/s | $(get "$VU" p50_ms) / $(get "$VU" p99_ms) | 1 | | |"
echo "| Ed25519 verifications, OpenSSL, $CORES cores | $EDR /s | | $(ratio "$VUR" "$EDR") | vouchd >= 0.8x | $(verdict "$(ratio "$VUR" "$EDR")" 0.8) |"
echo "| vouchd USAGE paced at 80% of its peak above ($UPACE rec/s), 16 connections | $(r "$VUL") rec/s | $(get "$VUL" p50_ms) / $(get "$VUL" p99_ms) | | p99 <= 20 ms | $(verdict_le "$(get "$VUL" p99_ms)" 20) |"
FLOOR2=$(awk -v f="$(get "$V1" p99_ms)" 'BEGIN { printf "%.3f", 2 * f }')
echo "| vouchd BATCH paced at 80% of its peak on that store ($PACE rec/s) | $(r "$VL") rec/s | $(get "$VL" p50_ms) / $(get "$VL" p99_ms) | | p99 <= 2x the floor below ($FLOOR2 ms) | $(verdict_le "$(get "$VL" p99_ms)" "$FLOOR2") |"
echo "| vouchd BATCH one at a time, 1 connection (each its own commit) | $(r "$V1") rec/s | $(get "$V1" p50_ms) / $(get "$V1" p99_ms) | | (the floor: its p99) | |"
echo "| vouchd BALANCE, 50 connections | $B1 req/s | $(get "$BAL1" p50_ms) / $(get "$BAL1" p99_ms) | 1 | | |"
echo "| Redis GET, 50 connections | $G1 req/s | $(get "$RG1" p50_ms) / $(get "$RG1" p99_ms) | $(ratio "$B1" "$G1") | vouchd >= 0.5x | $(verdict "$(ratio "$B1" "$G1")" 0.5) |"
echo "| vouchd BALANCE, 50 connections, pipelined 16 | $B16 req/s | $(get "$BAL16" p50_ms) / $(get "$BAL16" p99_ms) | 1 | | |"
echo "| Redis GET, 50 connections, pipelined 16 | $G16 req/s | $(get "$RG16" p50_ms) / $(get "$RG16" p99_ms) | $(ratio "$B16" "$G16") | vouchd >= 0.5x | $(verdict "$(ratio "$B16" "$G16")" 0.5) |"
echo "| growth: BATCH rate at 10^4 stored | $G4R rec/s | $(get "$G4" p50_ms) / $(get "$G4" p99_ms) | | | |"
echo "| growth: BATCH rate at $N stored | $G6R rec/s | $(get "$G6" p50_ms) / $(get "$G6" p99_ms) | $(ratio "$G6R" "$G4R") of 10^4 | | |"
if [ -n "$G7" ]; then
echo "| growth: BATCH rate at 10^7 stored | $(r "$G7") rec/s | $(get "$G7" p50_ms) / $(get "$G7" p99_ms) | $(ratio "$(r "$G7")" "$G4R") of 10^4 | >= 0.8 of 10^4 | $(verdict "$(ratio "$(r "$G7")" "$G4R")" 0.8) |"
else
echo "| growth: BATCH rate at 10^7 stored | (run with --full) | | | >= 0.8 of 10^4 | not run |"
fi
echo "| vouchd RSS at 10^4 / $N stored | $(mib "$G4_RSS") / $(mib "$G6_RSS") MiB | | | (the mapped store: page cache) | |"
echo "| vouchd anonymous RSS after $N records | $(mib "$VB_ANON") MiB | | | <= 64 MiB | $(verdict_le "$(mib "$VB_ANON")" 64) |"
echo "| store, bytes per record at $N | $((VB_BYTES / N)) bytes | | | <= 400 | $(verdict_le "$((VB_BYTES / N))" 400) |"
echo
echo "Ratios are vouchd's figure over the row's. Programs: bench/vdload.c (vouchd), bench/pgload.c,"
echo "bench/redisload.c, bench/limits.c; \`redis-benchmark -c 50 -t get [-P 16]\` for GET."
echo "What each does, and what it leaves out, is in bench/README.md."
echo
echo "## Log"
echo
echo '```'
cat "$LOG"
echo '```'
} > "$W/results.md"
cp "$W/results.md" bench/results.md
cat bench/results.md
