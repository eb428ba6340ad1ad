#!/bin/bash
# Presenter mode at a step's measurement, at 100x30 and at 80x24: the race lesson's answer step shows its
# figures as a table in large letters, a group a line, the rate now and what it was before ("T 18.9M
# WAS 99.4M"), in place of the long lines of words; the headline keeps to one line; the groups' counter
# and lost updates below stay in large digits.  Without --big the figures stay lines of words.  At --speed 2:
# each measurement lasts 1.5 s instead of the lesson's 3 (lesson_present judges how long one lasts), and what is
# judged here is how the figures are drawn.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

trap 'rc=$?; (exit $rc); e2e_cleanup' EXIT INT TERM

# A measurement of 1.5 s as the caption words it: 1.5, or a little more on a busy machine.
OVER='(1\.[5-9]|[2-9](\.[0-9])?)'

# Rows of large letters as the half-block font draws them (src/view/letters.c): the top row of
# "T " and "P ", of the word "was" and of a million's M.
T_TOP='^  ▀█▀ '
P_TOP='^  █▀█ '
WAS_TOP='█   █ █▀█ █▀▀'
M_TOP='█▄ ▄█'
# A row of large digits at the start of the left column's box: blocks and spaces only.
LARGE='^│ [▀▄█][▀▄█ ]+│'

# Ctrl-C: the immediate, clean way out; then every worker is gone.
lesson_leave() {
	lesson_collect
	keys C-c
	lesson_wait_end 10
	t kill-server 2>/dev/null
	lesson_none_left
	PID=""
}

# The row under the first row matching $1.
under() { cap | grep -a -A1 -- "$1" | sed -n 2p; }

for size in 100x30 80x24; do
	E2E_W=${size%x*}
	E2E_H=${size#*x}
	lesson_start "$PTVIZ" --lesson race --big --from 3 --seed 3 --speed 2
	wait_for 'step 3 of 5 +1-3: predict' 30
	keys 3
	wait_for 'step 3 of 5 +Space: next' 30
	wait_for "increments per second over $OVER s . was: the measurement before, over [0-9.]+ s"
	wait_for ' RIGHT +3\. none are lost'
	screen=$(cap)
	# The figures in letters: a line for T, then one for P, each with its rate before after "was".
	echo "$screen" | grep -A1 'was: the measurement before' | sed -n 2p | grep -Eq -- "$T_TOP" ||
		fail "$size: the threads' figures are not in large letters under the words"
	echo "$screen" | grep -Eq -- "$P_TOP.*$WAS_TOP" || fail "$size: the processes' figures are not in large letters"
	[ "$(echo "$screen" | grep -c -- "$WAS_TOP")" = 2 ] || fail "$size: not two lines with 'was' in large letters"
	echo "$screen" | grep -- "$T_TOP" | grep -q -- "$M_TOP" || fail "$size: no million (M) in the threads' line"
	# The long wording is gone: no line of words for the figures, and no line that says "before:".
	echo "$screen" | grep -q -E "▸ increments per second over $OVER s: " && fail "$size: the figures are still words"
	echo "$screen" | grep -q '▸ before:' && fail "$size: the figures before are still words"
	# The headline is one line or none: never two lines of letters.
	[ "$(echo "$screen" | grep -c '^  █▀█ █▀▄ █▀▀ █▀▄')" -le 1 ] || fail "$size: the headline takes two lines"
	# The groups below keep their large digits: the shared counter and the lost updates.
	under 'the one shared counter' | grep -Eq -- "$LARGE" || fail "$size: the counter is not in large digits: $(under 'the one shared counter')"
	under 'lost updates' | grep -Eq -- "$LARGE" || fail "$size: the lost updates are not in large digits"
	[ "$(cap | wc -l)" -le "$E2E_H" ] || fail "$size: more rows than the terminal"
	lesson_leave
done

# Without --big the figures stay words: the step's, then the one before.
E2E_W=100
E2E_H=30
lesson_start "$PTVIZ" --lesson race --from 3 --seed 3 --speed 2
wait_for 'step 3 of 5 +1-3: predict' 30
keys 3
wait_for "▸ increments per second over $OVER s: T [0-9.]+ (million|thousand|billion)" 30
wait_for '▸ before: increments per second over'
cap | grep -q -- "$WAS_TOP" && fail "without --big the figures are in large letters"
lesson_leave
exit 0
