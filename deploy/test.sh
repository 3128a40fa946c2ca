#!/bin/sh
# The README's second command and what CI runs: install the dependencies,
# build twice (optimised, and with AddressSanitizer + UBSan), run every test
# in both trees, then each fuzzer for 30 s where clang is available. Exits
# non-zero when any build step, test or fuzzer fails.
set -eu
cd "$(dirname "$0")/.."
deploy/install-deps.sh --tests

deploy/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON
ctest --test-dir build/release --output-on-failure -j"$(nproc)"

deploy/build.sh build/asan -DCMAKE_BUILD_TYPE=Debug -DASAN=ON -DBUILD_TESTING=ON
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build/asan --output-on-failure -j"$(nproc)"

# The parsers' fuzzers, 30 seconds each (nine of them: 4.5 minutes),
# when clang with libFuzzer is here (deploy/install-deps.sh does not
# install clang: it is optional). Each has its own input bound: a request
# or reply line is at most 4 KiB, a policy source several files of a few
# KiB, a billing export and a journal export many lines (an export line
# may be 16 KiB).
fuzz_probe=$(mktemp -d)
if command -v clang >/dev/null 2>&1 &&
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$fuzz_probe/p.c" &&
	clang -fsanitize=fuzzer "$fuzz_probe/p.c" -o "$fuzz_probe/p" 2>/dev/null; then
	rm -rf "$fuzz_probe"
	deploy/build.sh build/fuzz -DCMAKE_C_COMPILER=clang -DFUZZ=ON \
		-DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	n=0
	for tl in req:4200 reply:4200 route:4200 httpd:9000 policy:16384 \
		config:4200 report:16384 audit:40000 recrow:2048; do
		t=${tl%%:*}
		mkdir -p "build/fuzz/corpus-$t"
		rc=0
		(cd build/fuzz && "tests/fuzz/fuzz_$t" -max_total_time=30 \
			-max_len="${tl#*:}" -print_final_stats=1 \
			-dict="../../tests/fuzz/$t.dict" "corpus-$t" \
			"../../tests/fuzz/corpus/$t" >"fuzz-$t.log" 2>&1) || rc=$?
		tail -n 12 "build/fuzz/fuzz-$t.log"
		if [ "$rc" -ne 0 ]; then
			echo "fuzz_$t failed (exit $rc): see build/fuzz/fuzz-$t.log" >&2
			exit 1
		fi
		n=$((n + 1))
	done
	echo "fuzz: $n passed, 0 failed"
else
	rm -rf "$fuzz_probe"
	echo "fuzz: clang with libFuzzer not found, fuzzers skipped"
fi
