#!/bin/bash
# The help card's lesson row names what applies, on one line at 80 columns: without a lesson, how to play
# one; at a question, its own answer keys ("1-3 predict"); in a lesson with no question waiting, no
# answer keys at all; never the general "1-9".
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

trap 'rc=$?; (exit $rc); e2e_cleanup' EXIT INT TERM

lesson_leave() {
	lesson_collect
	keys C-c
	lesson_wait_end 10
	t kill-server 2>/dev/null
	lesson_none_left
	PID=""
}

# The card's lesson row is one line, the screen row right under it is the next row of the card, and
# it says $1 (an extended regular expression) and nothing of "1-9".
card_row() {
	local want=$1 screen row next
	keys F1
	wait_for '─ HELP ─'
	screen=$(cap)
	row=$(echo "$screen" | grep -E '^│ lesson ' | head -1)
	next=$(echo "$screen" | grep -E -A1 '^│ lesson ' | sed -n 2p)
	[ -n "$row" ] || fail "the card has no lesson row"
	echo "$row" | grep -Eq -- "$want" || fail "the lesson row does not say /$want/: $row"
	# (In a lesson its row comes first, under the title, where a short card still shows it.)
	echo "$next" | grep -Eq '^│ (screen|select) ' || fail "the lesson row takes more than one line: '$row' then '$next'"
	echo "$screen" | grep -q '1-9' && fail "the card names the general 1-9: $row"
	keys Escape
	wait_gone '─ HELP ─'
	sleep 0.3   # Esc and the next key apart, so the terminal does not read them as Alt and a key
}

# Without a lesson: how to play one.
lesson_start "$PTVIZ" --seed 3
wait_for 'THREADS T'
card_row '^│ lesson   ptviz --lesson NAME plays one, ptviz --lessons lists them +│$'
lesson_leave

# At the race lesson's question (three answers): its own keys; once predicted, none.
lesson_start "$PTVIZ" --lesson race --from 3 --seed 3
wait_for 'step 3 of 5 +1-3: predict'
card_row '^│ lesson   Space/Enter next  Bksp this step again  g go to step  1-3 predict +│$'
wait_for '1-3: predict'
keys 3
wait_for 'prediction: 3\.'
card_row '^│ lesson   Space/Enter next  Bksp this step again  g go to step +│$'
lesson_leave
exit 0
