#!/bin/sh
# vouchd check-policy: exit 0 with the tables on the seed policies, exit 1
# with every error as file:line: reason on a bad one, exit 2 on bad usage.
set -u
VOUCHD=$1
SRC=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$VOUCHD" check-policy "$SRC/deploy/policies") || fail "seed policies refused"
echo "$out" | grep -q "^policy: 5 files, 6 pools, 4 groups, 11 programs" ||
	fail "summary line missing"
echo "$out" | grep -q "yuxi-compute  *yuxi  *yuxi  *consumer" || fail "yuxi row missing"

err=$("$VOUCHD" check-policy "$SRC/tests/data/bad-policy" 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 1 ] || fail "bad policy exit status $rc, want 1"
echo "$err" | grep -qx "$SRC/tests/data/bad-policy/city.ini:9: '0.005%' for 'rate' is finer than 0.01%" ||
	fail "rate error not reported: $err"
echo "$err" | grep -qx "$SRC/tests/data/bad-policy/city.ini:11: unknown key 'colour' in \[program city-compute\]" ||
	fail "unknown key not reported: $err"
echo "$err" | grep -qx "policy refused: 2 errors" || fail "no summary: $err"

"$VOUCHD" check-policy >/dev/null 2>&1
[ $? -eq 2 ] || fail "usage error should exit 2"
# the example configuration loads (the start then stops at the store)
err=$("$VOUCHD" run --config "$SRC/deploy/vouchd.conf.example" --data /nonexistent/vd 2>&1)
echo "$err" | grep -q "no vouchd store here" || fail "example config refused: $err"
echo "check_policy: 4 passed, 0 failed"
