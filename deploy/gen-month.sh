#!/bin/sh
# A provider's billing export for one month, as CSV with a header:
#   deploy/gen-month.sh PROVIDER-PREFIX YEAR-MONTH ORG[:YUAN_PER_DAY[:KIND]] ...
# One line per org and day at 08:00 Beijing time (00:00Z), days 1 to 28 (a
# day every month has), qty in GPU-hours (one per 20 yuan). Deterministic,
# so a demo shows the same numbers whatever the month.
set -eu
prefix=$1
month=$2
shift 2
echo "id,org,at,amount,qty,unit,kind"
for spec in "$@"; do
	org=${spec%%:*}
	rest=${spec#*:}
	[ "$rest" = "$spec" ] && rest=1000
	perday=${rest%%:*}
	kind=${rest#*:}
	[ "$kind" = "$rest" ] && kind=training
	awk -v p="$prefix" -v m="$month" -v o="$org" -v y="$perday" -v k="$kind" 'BEGIN {
		for (d = 1; d <= 28; d++) {
			# amounts vary by day: +0% .. +9% of the daily rate, to the fen
			fen = y * 100 + (y * d * 3) % (y * 10 + 1)
			printf "%s-%s-%02d-%s,%s,%s-%02dT00:00:00Z,%d.%02d,%d,gpu-hour,%s\n",
			    p, m, d, o, o, m, d, fen / 100, fen % 100, fen / 2000, k
		}
	}'
done
