#!/bin/sh
# How tests/data/store-v6 (and, by 37b9ad8, store-v7: its README) was
# made: a store of schema 6 written by the
# vouchd of commit a8b65ee (the last of schema 6) through vouchctl, with
# every kind of row that schema has: what store-v5 has (immediate grants
# on both sides, cash entitlements, grant applications, an annual
# settlement on the net basis, redemptions, a payment, a void after
# redemption, a payout, a revoke and a repayment, budgets fixed per
# period, regions, amends, a suspension and the record it excluded, a
# rekey and a record signed with the new key, a bureau's void) and
# schema 6's: records naming a project for Mentougou's per-project
# programs (two projects of one firm, and one without), grant
# applications naming models for yinchuan-model (per project), the daily
# rollup; and the record rows schema 7 rewrites in every shape: records
# of BATCHes (a file reported twice: its second batch all duplicates, so
# those lines are no record's), a USAGE signed alone (its line and
# signature in its row), a provider's signed VOID. With the balances,
# accrual rows, records and pool figures that vouchd answered on it,
# which an upgraded store must answer unchanged.
#   tests/data/store-v6/make.sh VOUCHD VOUCHCTL OUTDIR
# OUTDIR gets data.mdb, policies/ (the files it ran with) and expected/
# (vouchctl --json of balance and accrual per principal, records per
# org, per provider and all of them, pool, receivables; what `vouchd
# check` printed). Every record, and dc's void, is dated in 2026; the
# journal's own times are when it ran, December 2026. Run it again before
# April 2027 only: xinxing.ini's late_days (90) then refuses 2026's
# records. Needs openssl (the USAGE signed alone). Not run by the tests:
# its output is checked in (the code that wrote it will be gone).
set -eu
VOUCHD=$1
VOUCHCTL=$2
OUT=$3
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
W=$(mktemp -d /tmp/vd-v6.XXXXXX)
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
# as ID [KEYNAME]: act as ID, signing with $W/KEYNAME.pem (default ID)
as() { VOUCHD_ID=$1 VOUCHD_KEY=$W/${2:-$1}.pem; export VOUCHD_ID VOUCHD_KEY; }
ctl() { "$VOUCHCTL" "$@" >/dev/null; }
voucher() { # voucher ORG PROGRAM: the id of ORG's voucher of PROGRAM
	echo "BALANCE org=$1" | "$VOUCHCTL" raw |
		sed -n "s/^VOUCHER id=\([^ ]*\) program=$2 .*/\1/p"
}
csv() { # csv FILE: a billing export from stdin, with the header
	{ echo "id,org,at,amount,qty,unit,kind"; cat; } > "$W/$1"
}
csvp() { # csvp FILE: the same with class and project columns
	{ echo "id,org,at,amount,qty,unit,kind,class,project"; cat; } > "$W/$1"
}

PROVIDERS="dc ce yx mg yinchuan-dc1"
ORGS="corp school hosp lab mover mtg firm yinco"
as bureau
for p in $PROVIDERS $ORGS ce-2; do
	"$VOUCHCTL" keygen --out "$W/$p.pem" > "$W/$p.pub"
done
# providers: one in each city whose programs count local compute (dc also
# local for programs without a region), the outside cloud ce in none
ctl register dc --role provider --pubkey "$(cat "$W/dc.pub")" \
	--region xinjiang.xinxing --local
ctl register ce --role provider --pubkey "$(cat "$W/ce.pub")"
ctl register yx --role provider --pubkey "$(cat "$W/yx.pub")" \
	--region yunnan.yuxi
ctl register mg --role provider --pubkey "$(cat "$W/mg.pub")" \
	--region beijing.mentougou
ctl register yinchuan-dc1 --role provider \
	--pubkey "$(cat "$W/yinchuan-dc1.pub")" --region ningxia.yinchuan
# orgs, each in the city whose programs it collects
ctl register corp --role org --kind enterprise \
	--pubkey "$(cat "$W/corp.pub")" --region xinjiang.xinxing
ctl register school --role org --kind school \
	--pubkey "$(cat "$W/school.pub")" --region xinjiang.xinxing
ctl register hosp --role org --kind medical \
	--pubkey "$(cat "$W/hosp.pub")" --region xinjiang.xinxing
ctl register lab --role org --kind startup \
	--pubkey "$(cat "$W/lab.pub")" --region shanxi.datong
ctl register mover --role org --kind enterprise \
	--pubkey "$(cat "$W/mover.pub")" --region shanxi.datong
ctl register mtg --role org --kind enterprise \
	--pubkey "$(cat "$W/mtg.pub")" --region beijing.mentougou
ctl register firm --role org --kind enterprise \
	--pubkey "$(cat "$W/firm.pub")" --region yunnan.yuxi
ctl register yinco --role org --kind enterprise \
	--pubkey "$(cat "$W/yinco.pub")" --region ningxia.yinchuan

csv dc.csv <<CSV
dc-1,corp,2026-03-05T00:00:00Z,400000,20000,gpu-hour,training
dc-2,school,2026-03-06T00:00:00Z,50000,2500,gpu-hour,training
dc-3,hosp,2026-03-07T00:00:00Z,20000.55,1000,gpu-hour,inference
dc-4,corp,2026-03-08T00:00:00Z,1000,50,gpu-hour,api
CSV
# ce, in no region: its bills count for programs that take any provider
# (Datong's, Mentougou's), not for Xinxing's or Yuxi's local compute
csv ce.csv <<CSV
ce-1,firm,2026-03-09T00:00:00Z,10000,500,gpu-hour,training
ce-2,lab,2026-04-10T00:00:00Z,300000,15000,gpu-hour,training
ce-3,mover,2026-03-20T00:00:00Z,250000,12500,gpu-hour,inference
CSV
# firm's Yuxi compute: 450,000 yuan counted (yx-3 voided by the bureau)
csv yx.csv <<CSV
yx-1,firm,2026-03-15T00:00:00Z,350000,17500,gpu-hour,training
yx-2,firm,2026-04-15T00:00:00Z,100000,5000,gpu-hour,inference
yx-3,firm,2026-05-15T00:00:00Z,20000,1000,gpu-hour,inference
CSV
# mtg's Mentougou training and api bills, per project (per = project):
# two models, and one api bill in none
csvp mg.csv <<CSV
mg-1,mtg,2026-02-10T00:00:00Z,500000,25000,gpu-hour,training,domestic,model-a
mg-2,mtg,2026-02-11T00:00:00Z,60000,3000,gpu-hour,api,,model-a
mg-4,mtg,2026-02-12T00:00:00Z,300000,15000,gpu-hour,training,,model-b
mg-5,mtg,2026-02-13T00:00:00Z,40000,2000,gpu-hour,api,,
CSV
# Yinchuan's power subsidy: 0.12 yuan per kWh to the certified centre
csv yinchuan-dc1.csv <<CSV
yc-1,yinco,2026-06-01T00:00:00Z,50000,100000,kWh,training
CSV
for p in dc ce yx mg yinchuan-dc1; do
	as "$p"
	ctl report "$W/$p.csv"
done
# dc's file again, as after an interruption: a batch of duplicates only
as dc
ctl report "$W/dc.csv"
# a USAGE signed alone (vouchctl report sends BATCHes): its line and
# signature are kept in its record's row
LINE="USAGE provider=dc id=dc-7 org=school at=2026-06-01T00:00:00Z amount=700000 qty=35 unit=gpu-hour kind=training"
printf '%s' "$LINE" > "$W/line"
SIG=$(openssl pkeyutl -sign -inkey "$W/dc.pem" -rawin -in "$W/line" |
	od -An -tx1 | tr -d ' \n')
echo "$LINE sig=$SIG" | "$VOUCHCTL" raw | grep -q "status=accepted"

# hosp suspended: dc's bill accepted meanwhile is stored excluded (hosp
# earns nothing from it, dc's supply side counts it), the one after the
# reinstatement counts
as bureau
ctl suspend hosp --reason "open investigation"
csv dc-5.csv <<CSV
dc-5,hosp,2026-05-10T00:00:00Z,30000,1500,gpu-hour,inference
CSV
as dc
ctl report "$W/dc-5.csv"
as bureau
ctl reinstate hosp
csv dc-6.csv <<CSV
dc-6,hosp,2026-05-20T00:00:00Z,10000,500,gpu-hour,inference
CSV
as dc
ctl report "$W/dc-6.csv"

# mover leaves Datong for Mentougou: its Datong bill keeps what it
# earned, its Mentougou api bill after the amend counts there
as bureau
ctl amend mover --region beijing.mentougou
csv mg-3.csv <<CSV
mg-3,mover,2026-07-01T00:00:00Z,50000,2500,gpu-hour,api
CSV
as mg
ctl report "$W/mg-3.csv"

# ce's key replaced; its next bill (a fine-tune for mtg, Mentougou api)
# is signed with the new one
as bureau
ctl rekey ce --pubkey "$(cat "$W/ce-2.pub")"
csv ce-4.csv <<CSV
ce-4,mtg,2026-08-01T00:00:00Z,80000,4000,gpu-hour,finetune
CSV
as ce ce-2
ctl report "$W/ce-4.csv"

# corp's and school's Xinxing vouchers (3% of their local bills)
as bureau
V_CORP=$(voucher corp xinxing-demand)
V_SCHOOL=$(voucher school xinxing-demand)
as dc
ctl redeem --voucher "$V_CORP" --record dc-1 --amount 10000 --ref r-1
ctl redeem --voucher "$V_SCHOOL" --record dc-2 --amount 500 --ref r-2
as bureau
ctl pay --provider dc --amount 5000 --ref p-1
# the bill voided after the redemption was paid: the redemption is
# undone, dc owes back 5,000
as dc
ctl void dc-1 --reason "billing error" --at 2026-09-01T00:00:00Z
# lab's Datong pool grant (30% of its declared need), part of it
# redeemed at ce against ce-2, which lowers ce-2's net basis for
# datong-compute; then lab is amended from startup to sme
as bureau
ctl issue --program datong-pool-grant --org lab --need 300000 --ref app-1
V_LAB=$(voucher lab datong-pool-grant)
as ce ce-2
ctl redeem --voucher "$V_LAB" --record ce-2 --amount 20000 --ref r-3
as bureau
ctl amend lab --kind sme
# a grant application in Yinchuan, a cash entitlement, part paid out
ctl issue --program yinchuan-model --org yinco --need 1000000 --ref app-2 \
	--project model-x
ctl issue --program yinchuan-model --org yinco --need 400000 --ref app-4 \
	--project model-y
V_YINCO=$(voucher yinco yinchuan-model | head -n 1)
ctl payout --voucher "$V_YINCO" --amount 50000 --ref out-2
# the bureau voids a Yuxi bill (unsigned, by=bureau), then the annual
# settlements: Yuxi's on the net basis, Mentougou's two, all forced
ctl void yx-3 --provider yx --reason "duplicate of yx-2"
ctl settle --program yuxi-compute --period 2026 --force
ctl settle --program mentougou-training --period 2026 --force
ctl settle --program mentougou-api --period 2026 --force
# the school's voucher revoked after 500 of it was redeemed: 500 owed
# back, 200 of it repaid
ctl revoke "$V_SCHOOL" --reason "suspected fraud"
ctl repay --voucher "$V_SCHOOL" --amount 200 --ref back-1
# dc's Xinxing supply entitlement (2% of its local bills, cash): part
# paid out
V_DC=$(voucher dc xinxing-supply)
ctl payout --voucher "$V_DC" --amount 100 --ref out-1

for o in $ORGS $PROVIDERS; do
	"$VOUCHCTL" balance --org "$o" --json > "$OUT/expected/balance-$o.json"
	"$VOUCHCTL" accrual --org "$o" --period 2026 --json \
		> "$OUT/expected/accrual-$o.json"
done
for o in $ORGS; do
	"$VOUCHCTL" records --org "$o" --all --json \
		> "$OUT/expected/records-$o.json"
done
for p in $PROVIDERS; do
	"$VOUCHCTL" records --provider "$p" --all --json \
		> "$OUT/expected/records-by-$p.json"
done
# every record, in (provider, id) order, two to a page: the cursors too
"$VOUCHCTL" records --all --limit 2 --json > "$OUT/expected/records-all.json"
"$VOUCHCTL" pool --period 2026 --json > "$OUT/expected/pool-2026.json"
"$VOUCHCTL" pool --period 2026 --pool xinxing --json > "$OUT/expected/pool-xinxing.json"
"$VOUCHCTL" receivables --json > "$OUT/expected/receivables.json"
"$VOUCHCTL" pool --period 2026 --by-program --json > "$OUT/expected/pool-by-program.json"
kill "$PID"
wait "$PID" || true
PID=
"$VOUCHD" check --data "$W/data" > "$OUT/expected/check.txt"
cp "$W/data/data.mdb" "$OUT/data.mdb"
