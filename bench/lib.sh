# bench/lib.sh: what the bench scripts share (sourced; run
# from the repository's top directory).

# vouchd_up VOUCHD VDLOAD DIR [CONF]: a fresh store in DIR, vouchd on it
# in the background on the Unix socket DIR/s.sock (its pid in VPID, the
# address in ADDR, its output in DIR/log), and the 50 providers and
# 10,000 orgs of `vdload setup` registered. CONF: more [server] lines
# ("commit_batch = 2048\n").
vouchd_up() {
	mkdir -p "$3"
	"$1" init --data "$3/data" --bureau-key "$3/bureau.pem" >/dev/null
	printf '[server]\nlisten = unix:%s/s.sock\nlog_level = warn\n%b' "$3" "${4:-}" > "$3/conf"
	"$1" run --config "$3/conf" --data "$3/data" --policies deploy/policies > "$3/log" 2>&1 &
	VPID=$!
	_up=0
	while [ ! -S "$3/s.sock" ] && [ $_up -lt 100 ]; do sleep 0.1; _up=$((_up + 1)); done
	ADDR=unix:$3/s.sock
	"$2" setup --addr "$ADDR" --bureau-key "$3/bureau.pem" >/dev/null
}

# vouchd_down: stop the vouchd of vouchd_up.
vouchd_down() { kill "$VPID"; wait "$VPID" || true; VPID=; }

# get LINE KEY: KEY's value in a "key=value ..." line of vdload's
get() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# anon: the vouchd's RssAnon, kB
anon() { sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$VPID/status"; }
# snap: each vouchd thread's id, user and system CPU (clock ticks)
snap() { for t in /proc/"$VPID"/task/*; do echo "$(basename "$t") $(awk '{print $14 " " $15}' "$t/stat")"; done; }
