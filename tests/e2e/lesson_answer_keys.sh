#!/bin/bash
# At a question the key bar names the answers' own keys (1-2 for two answers, 1-3 for three), never
# every digit; the help's card and its detail list g, the lesson player's go-to-a-step key, which
# works as the card says.  At 80x24.
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

DIR=$(mktemp -d)
trap 'rc=$?; rm -rf "$DIR"; (exit $rc); e2e_cleanup' EXIT INT TERM
cat > "$DIR/answers.lesson" <<'LESSON'
title Answer keys under test
summary A lesson for the end-to-end test of the keys a question names
caption First caption: two threads start.
spawn threads 2
pause
ask Two answers here. Which? | alpha | beta | correct=2 | why=Beta is the second.
caption The first demonstration.
answer
pause
ask Three answers here. Which? | one | two | three | correct=3 | why=Three is the third.
caption The second demonstration.
answer
pause
caption Last caption.
LESSON

bar() { cap | tail -1; }

# next_until PATTERN: Space, one step at a time (each press waits until the step has moved), until the
# screen shows PATTERN; at most four steps.
next_until() {
	local i step
	for i in 1 2 3 4; do
		cap | grep -Eq -- "$1" && return 0
		step=$(cap | grep -oE 'step [0-9]+ of' | head -1)
		keys Space
		wait_gone "$step"
	done
	wait_for "$1"
}

lesson_start "$PTVIZ" --lesson "$DIR/answers.lesson" --max-threads 4
wait_for 'First caption: two threads start\.'
wait_for '2/2 alive'
lesson_collect
next_until 'Two answers here\. Which\?'
wait_for '1-2: predict'
wait_for '1-2Predict'
bar | grep -q '1-9' && fail "the key bar names 1-9 for a question with two answers: '$(bar)'"
keys 2
wait_for 'RIGHT +2\. beta'
next_until 'Three answers here\. Which\?'
wait_for '1-3Predict'
bar | grep -qE '1-[29]' && fail "the key bar does not name 1-3 for three answers: '$(bar)'"
keys 3
wait_for 'RIGHT +3\. three'
wait_gone 'Predict'

# The help's card lists g in the lesson's row, and its detail says how g works.
keys F1
wait_for 'HELP'
wait_for 'lesson .*g go to step'
keys /
t send-keys -l 'go to a step'
keys Enter
wait_for '│.*go to a step: g, the step.s number, then Enter'
keys Escape
keys Escape
wait_gone 'HELP'

# g, a number and Enter go to that step, as the card says.
lesson_collect
keys g
wait_for 'go to a step: type its number, 1 to [0-9]+, then Enter'
keys 1 Enter
wait_for 'First caption: two threads start\.'
wait_for 'step 1 of [0-9]+'
lesson_collect
keys q
wait_for "leave the lesson 'Answer keys under test'"
keys y
lesson_wait_end 10
t kill-server 2>/dev/null
lesson_none_left
PID=""
exit 0
