#!/bin/sh
# The README's first command: install the dependencies, build, and run the
# main job on the seed policies with an embedded LMDB store in a temporary
# directory: a bureau registers a provider and two orgs, the provider
# reports signed usage, an org reads its balance, the provider redeems,
# the bureau settles Yuxi's annual program and reads its pools; then the
# daemon stops and the store is verified offline.
set -eu
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh build/demo -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
VOUCHD=$PWD/build/demo/daemon/vouchd
VOUCHCTL=$PWD/build/demo/client/vouchctl

echo
echo "== the seed policies (vouchd check-policy deploy/policies)"
"$VOUCHD" check-policy deploy/policies | head -n 20
echo "   ..."

DIR=$(mktemp -d /tmp/vouchd-demo.XXXXXX)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT
echo
echo "== vouchd init (store, server key, first bureau key) in $DIR"
"$VOUCHD" init --data "$DIR/data" --bureau-key "$DIR/bureau.pem"
"$VOUCHD" run --data "$DIR/data" --policies deploy/policies \
	--listen "unix:$DIR/vouchd.sock" --log-level warn &
PID=$!
ADDR="unix:$DIR/vouchd.sock"
i=0
while [ ! -S "$DIR/vouchd.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

DC=$("$VOUCHCTL" keygen --out "$DIR/dc.pem")
SCHOOL=$("$VOUCHCTL" keygen --out "$DIR/school.pem")
CORP=$("$VOUCHCTL" keygen --out "$DIR/corp.pem")

echo
echo "== bureau: register a local compute centre, a school and a firm"
"$VOUCHCTL" raw --addr "$ADDR" --id bureau --key "$DIR/bureau.pem" <<EOT
REGISTER id=dc-xinxing role=provider key=$DC local=1
REGISTER id=school-7 role=org key=$SCHOOL kind=school
REGISTER id=corp-9 role=org key=$CORP kind=enterprise
EOT

echo
echo "== provider: signed usage records (amounts in fen)"
"$VOUCHCTL" raw --addr "$ADDR" --id dc-xinxing --key "$DIR/dc.pem" <<EOT
USAGE provider=dc-xinxing id=inv-0001 org=school-7 at=2026-03-01T08:00:00Z amount=10000000 qty=3600 unit=gpu-hour kind=inference
USAGE provider=dc-xinxing id=inv-0002 org=corp-9 at=2026-04-01T08:00:00Z amount=60000000 qty=20000 unit=gpu-hour kind=training
USAGE provider=dc-xinxing id=inv-0003 org=corp-9 at=2026-05-01T08:00:00Z amount=50000000 qty=15000 unit=gpu-hour kind=inference
USAGE provider=dc-xinxing id=inv-0001 org=school-7 at=2026-03-01T08:00:00Z amount=10000000 qty=3600 unit=gpu-hour kind=inference
EOT

echo
echo "== org: the school's balance (3% of 100,000 yuan from Xinxing)"
"$VOUCHCTL" balance --addr "$ADDR" --id school-7 --key "$DIR/school.pem"
VOUCHER=$("$VOUCHCTL" raw --addr "$ADDR" --id school-7 --key "$DIR/school.pem" <<EOT | sed -n 's/^VOUCHER id=\([^ ]*\) program=xinxing-demand.*/\1/p'
BALANCE
EOT
)

echo
echo "== provider: redeem 100,000 fen of the school's voucher against inv-0001"
"$VOUCHCTL" raw --addr "$ADDR" --id dc-xinxing --key "$DIR/dc.pem" <<EOT
REDEEM voucher=$VOUCHER record=inv-0001 amount=100000 ref=redeem-1
RECEIVABLES
EOT

echo
echo "== bureau: settle Yuxi's annual program for 2026 (forced: the year is not over) and watch the pools"
"$VOUCHCTL" raw --addr "$ADDR" --id bureau --key "$DIR/bureau.pem" <<EOT
SETTLE program=yuxi-compute period=2026 force=1
CHECKPOINT
EOT
"$VOUCHCTL" balance --addr "$ADDR" --id bureau --key "$DIR/bureau.pem" --org corp-9
echo
"$VOUCHCTL" pool --addr "$ADDR" --id bureau --key "$DIR/bureau.pem" --period 2026

kill "$PID"
wait "$PID" || true
echo
echo "== vouchd check --data (offline: hash chain and every figure)"
"$VOUCHD" check --data "$DIR/data"
