#!/bin/sh
# The README's first command: install the dependencies, build, and show
# the main job with the seed policies. At this stage of the project that is
# loading deploy/policies (the five seed documents) and printing every
# pool, group and program the ledger will enforce.
set -eu
cd "$(dirname "$0")/.."
deploy/install-deps.sh
deploy/build.sh build/demo -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
echo
echo "== vouchd check-policy deploy/policies"
build/demo/daemon/vouchd check-policy deploy/policies
