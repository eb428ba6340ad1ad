#!/bin/bash
# q, SIGTERM and SIGHUP each leave no worker behind; without a terminal ptviz says what to do.
. "$(dirname "$0")/lib.sh"

out=$("$PTVIZ" </dev/null 2>&1 >/dev/null); rc=$?
[ "$rc" = 2 ] || fail "without a terminal: exit $rc, expected 2"
echo "$out" | grep -q -- "-c" || fail "without a terminal, no pointer to -c: $out"

for how in q TERM HUP; do
	e2e_start
	wait_for '4/4 alive.*4/4 alive'
	e2e_collect
	[ "$(echo $WORKERS | wc -w)" -ge 5 ] || fail "expected 5 children (host + 4 processes), saw:$WORKERS"
	case $how in
	q) keys q ;;
	*) kill -"$how" "$PID" ;;
	esac
	all_gone "after $how" "$PID" $WORKERS
	t kill-server 2>/dev/null
	PID=""
	WORKERS=""
done
exit 0
