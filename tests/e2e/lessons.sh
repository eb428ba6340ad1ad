#!/bin/bash
# A built-in lesson plays to its end under --autoplay without an error, with a bounded number of
# workers, and leaves none behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

E2E_W=100
E2E_H=30
# Sixteen times as fast: what is judged is that every step runs without an error, not what it measures.
SPEED=${LESSON_SPEED:-16}
# Usage: lessons.sh PTVIZ [NAME...]; without names, every lesson ptviz --lessons lists.
shift
names="$*"
if [ -z "$names" ]; then
	names=$("$PTVIZ" --lessons | awk 'NR > 1 { print $1 }')
	[ -n "$names" ] || fail "ptviz --lessons listed nothing"
fi

for name in $names; do
	WORKERS=""
	# A server of its own for each lesson: a new server on a socket being shut down may die with it.
	SOCK="ptviz-e2e-$$-$name"
	lesson_start "$PTVIZ" --lesson "$name" --autoplay --speed "$SPEED" --seed 1 --max-threads 8 --max-processes 8
	lesson_wait_end 90 16
	if echo "$SCREENS" | grep -q ' STOPPED '; then
		lesson_stopped_unanswered "$name" ||
			fail "lesson $name stopped on an error: $(echo "$SCREENS" | grep -A3 ' STOPPED ' | head -4)"
		t kill-server 2>/dev/null
		lesson_none_left
		continue
	fi
	echo "$SCREENS" | grep -Eq 'step ([0-9]+) of \1 +the end' ||
		fail "lesson $name never reached its end: $(echo "$SCREENS" | grep -E 'step [0-9]+ of' | tail -1)"
	[ "$STATUS" = 0 ] || fail "lesson $name ended with status '$STATUS'"
	t kill-server 2>/dev/null
	lesson_none_left
	echo "ok: $name"
done
PID=""
exit 0
