#!/bin/sh
# Install every build and test dependency of vouchd from Debian 12 packages.
# Idempotent: when everything is installed already it changes nothing and
# needs no network. Run as root, or as a user with sudo.
#   deploy/install-deps.sh           what building and the demo need
#   deploy/install-deps.sh --tests   and what the tests need besides:
#                                    Debian's chromium (the bureau page's
#                                    end-to-end test opens the page in it,
#                                    headless) and a CJK font for its
#                                    screenshot
set -eu

PKGS="build-essential cmake pkg-config \
libevent-dev liblmdb-dev libssl-dev libcmocka-dev libinih-dev libjansson-dev"
case "${1:-}" in
--tests) PKGS="$PKGS chromium fonts-wqy-microhei" ;;
"") ;;
*) echo "usage: deploy/install-deps.sh [--tests]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all dependencies are installed"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
fi

echo "install-deps: installing$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is wanted
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
