#!/bin/sh
# `cmake --install` into a fresh prefix puts the unit and the sysusers
# file beside each other, and they agree: the unit runs as the user the
# sysusers file makes (which systemd-sysusers creates, where it is
# installed), with a descriptor limit above max_connections' default.
#   install.sh BUILD_DIR
set -eu
B=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cmake --install "$B" --prefix "$T/p" >/dev/null
unit=$T/p/lib/systemd/system/vouchd.service
users=$T/p/lib/sysusers.d/vouchd.conf
[ -f "$unit" ] || { echo "no unit installed"; exit 1; }
[ -f "$users" ] || { echo "no lib/sysusers.d/vouchd.conf installed"; exit 1; }
grep -qx 'User=vouchd' "$unit" || { echo "unit: User= is not vouchd"; exit 1; }
grep -qx 'LimitNOFILE=65536' "$unit" || { echo "unit: no LimitNOFILE"; exit 1; }
grep -q '^u vouchd - "[^"]*" /var/lib/vouchd$' "$users" ||
	{ echo "sysusers: no vouchd user with home /var/lib/vouchd"; exit 1; }
if command -v systemd-sysusers >/dev/null 2>&1; then
	mkdir -p "$T/root/etc"
	systemd-sysusers --root="$T/root" "$users" >/dev/null 2>&1
	grep -q '^vouchd:x:[0-9]*:[0-9]*:.*:/var/lib/vouchd:' "$T/root/etc/passwd" ||
		{ echo "systemd-sysusers made no vouchd user"; exit 1; }
	grep -q '^vouchd:x:' "$T/root/etc/group" ||
		{ echo "systemd-sysusers made no vouchd group"; exit 1; }
	echo "install: unit and sysusers agree; systemd-sysusers made the user"
else
	echo "install: unit and sysusers agree (no systemd-sysusers here)"
fi
