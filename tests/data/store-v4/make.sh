#!/bin/sh
# How tests/data/store-v4 was made: a store of schema 4 written by the
# vouchd of commit a117ea8 (the last of schema 4) through vouchctl, with
# every kind of row that schema has (immediate grants on both sides, cash
# entitlements, a grant application, an annual settlement on the net
# basis, redemptions, a payment, a void after redemption, a payout, a
# revoke and a repayment, budgets fixed per period), and the balances that
# vouchd answered on it, which an upgraded store must answer unchanged.
#   tests/data/store-v4/make.sh VOUCHD VOUCHCTL OUTDIR
# OUTDIR gets data.mdb, policies/ (the files it ran with) and expected/
# (vouchctl --json of balance, accrual, pool, receivables). Not run by
# the tests: its output is checked in (the code that wrote it is gone).
set -eu
VOUCHD=$1
VOUCHCTL=$2
OUT=$3
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
W=$(mktemp -d /tmp/vd-v4.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT
mkdir -p "$OUT/expected" "$OUT/policies"
cp "$SRC"/deploy/policies/*.ini "$OUT/policies/"
"$VOUCHD" init --data "$W/data" --bureau-key "$W/bureau.pem" >/dev/null
"$VOUCHD" run --data "$W/data" --policies "$OUT/policies" \
	--listen "unix:$W/s.sock" --log-level warn &
PID=$!
i=0
while [ ! -S "$W/s.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export VOUCHD_ADDR="unix:$W/s.sock"
as() { VOUCHD_ID=$1 VOUCHD_KEY=$W/$1.pem; export VOUCHD_ID VOUCHD_KEY; }
ctl() { "$VOUCHCTL" "$@" >/dev/null; }

as bureau
for p in dc ce corp school hosp lab; do
	"$VOUCHCTL" keygen --out "$W/$p.pem" > "$W/$p.pub"
done
ctl register dc --role provider --pubkey "$(cat "$W/dc.pub")" --local
ctl register ce --role provider --pubkey "$(cat "$W/ce.pub")"
ctl register corp --role org --kind enterprise --pubkey "$(cat "$W/corp.pub")"
ctl register school --role org --kind school --pubkey "$(cat "$W/school.pub")"
ctl register hosp --role org --kind medical --pubkey "$(cat "$W/hosp.pub")"
ctl register lab --role org --kind startup --pubkey "$(cat "$W/lab.pub")"

cat > "$W/dc.csv" <<CSV
id,org,at,amount,qty,unit,kind
dc-1,corp,2026-03-05T00:00:00Z,400000,20000,gpu-hour,training
dc-2,school,2026-03-06T00:00:00Z,50000,2500,gpu-hour,training
dc-3,hosp,2026-03-07T00:00:00Z,20000.55,1000,gpu-hour,inference
dc-4,corp,2026-03-08T00:00:00Z,1000,50,gpu-hour,api
CSV
cat > "$W/ce.csv" <<CSV
id,org,at,amount,qty,unit,kind
ce-1,corp,2026-04-01T00:00:00Z,80000,4000,gpu-hour,finetune
CSV
as dc
ctl report "$W/dc.csv"
as ce
ctl report "$W/ce.csv"

# corp's Xinxing voucher: 3% of its local bills (12,030 yuan)
as corp
V_CORP=$(echo BALANCE | "$VOUCHCTL" raw | sed -n 's/^VOUCHER id=\([^ ]*\) program=xinxing-demand .*/\1/p')
as school
V_SCHOOL=$(echo BALANCE | "$VOUCHCTL" raw | sed -n 's/^VOUCHER id=\([^ ]*\) program=xinxing-demand .*/\1/p')
as dc
ctl redeem --voucher "$V_CORP" --record dc-1 --amount 10000 --ref r-1
ctl redeem --voucher "$V_SCHOOL" --record dc-2 --amount 500 --ref r-2
as bureau
ctl pay --provider dc --amount 5000 --ref p-1
# the bill voided after the redemption was paid: the redemption is
# undone, dc owes back 5,000
as dc
ctl void dc-1 --reason "billing error"
as bureau
ctl issue --program datong-pool-grant --org lab --need 100000 --ref app-1
ctl settle --program yuxi-compute --period 2026 --force
# the school's voucher revoked after 500 of it was redeemed: 500 owed back,
# 200 of it repaid
ctl revoke "$V_SCHOOL" --reason "suspected fraud"
ctl repay --voucher "$V_SCHOOL" --amount 200 --ref back-1
# dc's Xinxing supply entitlement (2% of its local bills, cash): part
# paid out
V_DC=$(echo "BALANCE org=dc" | "$VOUCHCTL" raw | sed -n 's/^VOUCHER id=\([^ ]*\) program=xinxing-supply .*/\1/p')
ctl payout --voucher "$V_DC" --amount 100 --ref out-1

for o in corp school hosp lab; do
	"$VOUCHCTL" balance --org "$o" --json > "$OUT/expected/balance-$o.json"
	"$VOUCHCTL" accrual --org "$o" --period 2026 --json > "$OUT/expected/accrual-$o.json"
done
"$VOUCHCTL" pool --period 2026 --json > "$OUT/expected/pool-2026.json"
"$VOUCHCTL" pool --period 2026 --pool xinxing --json > "$OUT/expected/pool-xinxing.json"
for p in dc ce; do
	"$VOUCHCTL" balance --org "$p" --json > "$OUT/expected/balance-$p.json"
done
"$VOUCHCTL" receivables --json > "$OUT/expected/receivables.json"
"$VOUCHCTL" pool --period 2026 --by-program --json > "$OUT/expected/pool-by-program.json"
kill "$PID"
wait "$PID" || true
PID=
"$VOUCHD" check --data "$W/data" > "$OUT/expected/check.txt"
cp "$W/data/data.mdb" "$OUT/data.mdb"
