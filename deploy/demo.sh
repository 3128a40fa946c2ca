#!/bin/sh
# The README's first command: install the dependencies, build, and run the
# main job on the seed policies with an embedded LMDB store in a temporary
# directory. The three journeys, each through vouchctl:
#   bureau:   registers three providers (in Xinxing, in Yuxi, outside)
#             and three orgs of different kinds in two cities;
#   provider: reports a generated month of usage from a CSV export
#             (and again: all duplicates), redeems part of a voucher,
#             is paid, then voids the bill (the redemption is undone);
#   org:      reads its balance;
#   bureau:   grants Yinchuan's model subsidy, capped per model (a
#             project); previews and settles Yuxi's annual program (a cash
#             reimbursement), pays out part of the firm's entitlement
#             (a provider cannot redeem it), revokes it and records the
#             firm's repayment, watches the pools; the bureau exports the
#             journal and audits it offline.
# Then the daemon stops and the store is verified offline. The bureau's
# page of the pools is served while it runs (http = 127.0.0.1:7413, or
# $VOUCHD_DEMO_HTTP); the demo ends by printing its URL, and with
# VOUCHD_DEMO_KEEP=1 it starts vouchd again on the store and leaves it
# running, so that the page can be opened in a browser.
set -eu
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh build/demo -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
VOUCHD=$PWD/build/demo/daemon/vouchd
VOUCHCTL=$PWD/build/demo/client/vouchctl
step() { printf '\n== %s\n' "$*"; }
show() { printf '$ vouchctl %s\n' "$*" | sed "s|$DIR|\$D|g"; "$VOUCHCTL" "$@"; }

# The demo bills the month before last, so that it runs the same on any
# date: never in the future, never past late_days. M is that month, Y its
# year (the period), NEXT the first day of the month after it.
now_y=$(date -u +%Y)
now_m=$(date -u +%m | sed 's/^0//')
if [ "$now_m" -gt 2 ]; then Y=$now_y; MM=$((now_m - 2)); else Y=$((now_y - 1)); MM=$((now_m + 10)); fi
M=$(printf '%d-%02d' "$Y" "$MM")
if [ "$MM" -lt 12 ]; then NEXT=$(printf '%d-%02d-01' "$Y" $((MM + 1))); else NEXT=$(printf '%d-01-01' $((Y + 1))); fi

DIR=$(mktemp -d /tmp/vouchd-demo.XXXXXX)
HTTP=${VOUCHD_DEMO_HTTP:-127.0.0.1:7413}
KEEP=${VOUCHD_DEMO_KEEP:-}
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$KEEP" ] || rm -rf "$DIR"' EXIT

step "the seed policies load (vouchd check-policy deploy/policies)"
"$VOUCHD" check-policy deploy/policies | head -n 12
echo "   ..."

step "vouchd init: a store, the server key and the first bureau key in \$D=$DIR"
"$VOUCHD" init --data "$DIR/data" --bureau-key "$DIR/bureau.pem"
"$VOUCHD" run --data "$DIR/data" --policies deploy/policies \
	--listen "unix:$DIR/vouchd.sock" --http "$HTTP" --log-level warn &
PID=$!
i=0
while [ ! -S "$DIR/vouchd.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export VOUCHD_ADDR="unix:$DIR/vouchd.sock"
as() { VOUCHD_ID=$1 VOUCHD_KEY=$DIR/$1.pem; export VOUCHD_ID VOUCHD_KEY; }

step "bureau: register principals with their cities (regions): a Xinxing compute centre, a Yuxi one, an outside cloud; a school and a hospital in Xinxing, a firm in Yuxi"
for p in dc-xinxing dc-yuxi cloud-east school-7 corp-9 hosp-3 modelco; do
	"$VOUCHCTL" keygen --out "$DIR/$p.pem" > "$DIR/$p.pub"
done
as bureau
show register dc-xinxing --role provider --pubkey "$(cat "$DIR/dc-xinxing.pub")" --local --region xinjiang.xinxing
show register dc-yuxi --role provider --pubkey "$(cat "$DIR/dc-yuxi.pub")" --region yunnan.yuxi >/dev/null
show register cloud-east --role provider --pubkey "$(cat "$DIR/cloud-east.pub")" >/dev/null
show register school-7 --role org --kind school --region xinjiang.xinxing --pubkey "$(cat "$DIR/school-7.pub")" >/dev/null
show register hosp-3 --role org --kind medical --region xinjiang.xinxing --pubkey "$(cat "$DIR/hosp-3.pub")" >/dev/null
show register corp-9 --role org --kind enterprise --region yunnan.yuxi --pubkey "$(cat "$DIR/corp-9.pub")" >/dev/null
show register modelco --role org --kind enterprise --region ningxia.yinchuan --pubkey "$(cat "$DIR/modelco.pub")" >/dev/null

step "provider: $M's billing export from each provider (CSV, amounts in yuan)"
deploy/gen-month.sh dc "$M" school-7:12000 hosp-3:3000:inference > "$DIR/dc-month.csv"
deploy/gen-month.sh yx "$M" corp-9:12000 > "$DIR/yx-month.csv"
deploy/gen-month.sh ce "$M" corp-9:5000 > "$DIR/ce-month.csv"
# one line with a fraction of a fen, as billing systems sometimes write
echo "dc-$M-28-hosp-3b,hosp-3,$M-28T00:00:00Z,3000.125,150,gpu-hour,inference" >> "$DIR/dc-month.csv"
head -n 3 "$DIR/dc-month.csv"
echo "... $(wc -l < "$DIR/dc-month.csv") lines"
as dc-xinxing
show report "$DIR/dc-month.csv" || echo "(exit $?: a line was refused, the rest went in)"
echo "-- the same file again, as after an interrupted run: nothing counts twice"
show report "$DIR/dc-month.csv" || echo "(exit $?)"
as dc-yuxi
show report "$DIR/yx-month.csv"
as cloud-east
show report "$DIR/ce-month.csv"

step "org: the school's vouchers (Xinxing pays 3% of bills from compute within Xinxing at once)"
as school-7
show balance
show accrual --period "$Y"
VOUCHER=$(echo BALANCE | "$VOUCHCTL" raw | sed -n 's/^VOUCHER id=\([^ ]*\) program=xinxing-demand .*/\1/p')
step "org: the Yuxi firm: only Yuxi's programs count it; the outside cloud's bills count for none"
as corp-9
show accrual --period "$Y"

step "provider: redeem 5,000 yuan of the school's voucher against a bill, twice with the same ref"
as dc-xinxing
show redeem --voucher "$VOUCHER" --record "dc-$M-05-school-7" --amount 5000 --ref "redeem-$M-05"
show redeem --voucher "$VOUCHER" --record "dc-$M-05-school-7" --amount 5000 --ref "redeem-$M-05"
show receivables
step "bureau: pay the provider what it redeemed"
as bureau
show pay --provider dc-xinxing --amount 5000 --ref "pay-$M"
step "provider: the bill the voucher paid 5,000 yuan of is voided: the redemption is undone, and the provider owes back what it was paid"
as dc-xinxing
show void "dc-$M-05-school-7" --reason "billed twice"
show receivables

step "bureau: the hospital is suspended (失信, an open investigation): a bill accepted meanwhile earns it nothing, even after reinstatement"
as bureau
show suspend hosp-3 --reason "invoices under investigation"
printf 'id,org,at,amount,qty,unit,kind\ndc-%s-hosp-3,hosp-3,%sT00:00:00Z,3000.00,150,gpu-hour,inference\n' "$NEXT" "$NEXT" > "$DIR/dc-next.csv"
as dc-xinxing
show report "$DIR/dc-next.csv"
as bureau
show reinstate hosp-3
printf '$ vouchctl records --org hosp-3 --limit 1000 | tail -n 2\n'
"$VOUCHCTL" records --org hosp-3 --limit 1000 | tail -n 2

step "bureau: Yinchuan pays 30% of a model's compute cost, at most 5,000,000 yuan per model (per = project): model m1 reaches its cap on the second application, model m2 has a cap of its own"
show issue --program yinchuan-model --org modelco --project m1 --need 12000000 --ref yc-m1-1
show issue --program yinchuan-model --org modelco --project m1 --need 10000000 --ref yc-m1-2
show issue --program yinchuan-model --org modelco --project m2 --need 2000000 --ref yc-m2-1
show balance --org modelco

step "bureau: preview Yuxi's $Y settlement (30% of local spend net of vouchers, once over 300,000 yuan), then settle (--force: before the year is over)"
as bureau
show settle --program yuxi-compute --period "$Y" --dry-run
show settle --program yuxi-compute --period "$Y" --force
show balance --org corp-9
CASH=$(echo "BALANCE org=corp-9" | "$VOUCHCTL" raw | sed -n 's/^VOUCHER id=\([^ ]*\) program=yuxi-compute .*/\1/p')

step "bureau: pay out 20,000 yuan of the firm's Yuxi reimbursement (先用后补: cash, not a voucher), twice with the same ref"
show payout --voucher "$CASH" --amount 20000 --ref "yx-$Y-corp-9-1"
show payout --voucher "$CASH" --amount 20000 --ref "yx-$Y-corp-9-1"
step "provider: a cash entitlement cannot be redeemed against a bill"
as dc-yuxi
show redeem --voucher "$CASH" --record "yx-$M-06-corp-9" --amount 100 --ref "redeem-$M-06" || echo "(exit $?: refused)"

step "bureau: the entitlement is revoked after a finding: the rest returns to the pool, what was paid out is owed back (追回); the firm repays 5,000 yuan"
as bureau
show revoke "$CASH" --reason "invoices under review"
show repay --voucher "$CASH" --amount 5000 --ref "yx-$Y-corp-9-back-1"
show balance --org corp-9 --period "$Y"
step "bureau: the pools, and the same by program"
show pool --period "$Y"
show pool --period "$Y" --by-program
step "bureau: export the journal, take a signed checkpoint, audit both offline"
"$VOUCHCTL" checkpoint --json > "$DIR/checkpoint.json"
printf '$ vouchctl checkpoint --json > checkpoint.json\n'
cat "$DIR/checkpoint.json"
printf '$ vouchctl journal > journal.ndjson\n'
"$VOUCHCTL" journal > "$DIR/journal.ndjson"
head -n 2 "$DIR/journal.ndjson" | cut -c 1-160
show audit "$DIR/journal.ndjson" --checkpoint "$DIR/checkpoint.json"
echo "-- one byte changed in the export (the first entry with an amount):"
L=$(grep -n '"amount":' "$DIR/journal.ndjson" | head -n 1 | cut -d: -f1)
awk -v L="$L" 'NR == L { i = index($0, "\"amount\":") + 9; d = substr($0, i, 1);
	$0 = substr($0, 1, i - 1) ((d + 1) % 10) substr($0, i + 1) } { print }' \
	"$DIR/journal.ndjson" > "$DIR/tampered.ndjson"
echo "line $L: $(sed -n "${L}s/.*\\(\"amount\":[0-9]*\\).*/\\1/p" "$DIR/journal.ndjson") became $(sed -n "${L}s/.*\\(\"amount\":[0-9]*\\).*/\\1/p" "$DIR/tampered.ndjson")"
show audit "$DIR/tampered.ndjson" --checkpoint "$DIR/checkpoint.json" || echo "(exit $?: refused)"

if command -v curl >/dev/null 2>&1; then
	step "bureau: the pools' figures behind the page (数据局看板), as CSV"
	printf '$ curl http://%s/pools.csv\n' "$HTTP"
	curl -s "http://$HTTP/pools.csv"
fi

kill "$PID"
wait "$PID" || true
PID=
step "vouchd check --data (offline: hash chain and every figure rebuilt from the journal)"
"$VOUCHD" check --data "$DIR/data"

if [ -n "$KEEP" ]; then
	"$VOUCHD" run --data "$DIR/data" --policies deploy/policies \
		--listen "unix:$DIR/vouchd.sock" --http "$HTTP" --log-level warn &
	step "the bureau's page of the pools (数据局看板): http://$HTTP/"
	echo "vouchd keeps running (pid $!) on the store in $DIR; stop it with: kill $!"
else
	step "the bureau's page of the pools (数据局看板) was at http://$HTTP/ while vouchd ran"
	echo "to open it in a browser: VOUCHD_DEMO_KEEP=1 sh deploy/demo.sh"
fi
