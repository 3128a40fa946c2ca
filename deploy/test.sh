#!/bin/sh
# The README's second command and what CI runs: install the dependencies,
# build twice (optimised, and with AddressSanitizer + UBSan), and run every
# test in both trees. Exits non-zero when any build step or test fails.
set -eu
cd "$(dirname "$0")/.."
deploy/install-deps.sh

deploy/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON
ctest --test-dir build/release --output-on-failure -j"$(nproc)"

deploy/build.sh build/asan -DCMAKE_BUILD_TYPE=Debug -DASAN=ON -DBUILD_TESTING=ON
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build/asan --output-on-failure -j"$(nproc)"
