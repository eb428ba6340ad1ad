#!/bin/bash
# A lesson driven by hand: captions, a question answered with a number key and answered in turn at its
# answer line (not at the pause before it), Space over a memory map,
# Backspace to play a step again, a command that fails (the lesson stops there, status 1), q to leave
# (it asks first).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

DIR=$(mktemp -d)
trap 'rc=$?; rm -rf "$DIR"; (exit $rc); e2e_cleanup' EXIT INT TERM
cat > "$DIR/keys.lesson" <<'LESSON'
title Keys under test
summary A lesson for the end-to-end test of the player's keys
caption First caption: two threads start.
spawn threads 2
pause
ask Which is right? | alpha | beta | correct=2 | why=Because beta is the second answer.
caption The demonstration runs now.
wait 0.5
pause
caption The demonstration goes on.
answer
caption Third caption, with a memory map.
spawn processes 2
show map P1
pause
show none
caption Fourth caption: then a command that cannot work.
inject segv T9
caption Never shown.
LESSON

lesson_start "$PTVIZ" --lesson "$DIR/keys.lesson" --seed 5 --max-threads 8 --max-processes 8
wait_for 'Keys under test +step 1 of 5 +Space: next'
wait_for 'First caption: two threads start\.'
wait_for '2/2 alive'
wait_for 'seed 5'
cap | grep -q 'Next' || fail "the key bar does not show the lesson's keys"

keys Space
wait_for 'QUESTION: PREDICT FIRST'
wait_for 'Which is right\?'
wait_for ' 2 +beta'
wait_for '1-2: predict'
keys 7
wait_for '7 is not an answer here: press 1 or 2'
keys 2
wait_for 'PREDICTION +2\. beta . watch what happens'
wait_for 'step 2 of 5 +Space: next'
cap | grep -q ' RIGHT ' && fail "the answer showed at the pause before its answer line"
keys Space
wait_for 'The demonstration goes on\.'
wait_for ' RIGHT +2\. beta'
wait_for 'WHY +Because beta is the second answer\.'
wait_for 'step 3 of 5 +Space: next'

keys Space
wait_for 'Third caption, with a memory map\.'
wait_for 'MEMORY MAP|memory map' 5
wait_for 'step 4 of 5 +Space: next'
lesson_collect
before=$(lesson_descendants "$PID" | sort | tr '\n' ' ')
# Backspace: the lab is reset, the steps before replayed, and this step plays again.
keys BSpace
wait_for 'step 4 of 5 . again +Space: next'
wait_for 'memory map of P1'
after=$(lesson_descendants "$PID" | sort | tr '\n' ' ')
[ -n "$after" ] && [ "$before" != "$after" ] || fail "Backspace did not start the workers afresh: '$before' then '$after'"
lesson_collect
# Space moves the lesson on even over the memory map, which would otherwise take it.
keys Space
wait_for 'Fourth caption'
wait_for 'STOPPED +line 18, inject segv T9: no worker named .T9.'
wait_for 'stopped . Bksp: again'
cap | grep -q 'Never shown' && fail "the lesson went on after a failed command"
lesson_collect
# q asks first: n keeps the lesson where it was, y leaves.
keys q
wait_for "leave the lesson 'Keys under test' at step [0-9]+ of 5\?"
keys n
wait_for "answered no, nothing was done: leave the lesson"
wait_for 'stopped . Bksp: again'
e2e_alive "$PID" || fail "n left the lesson"
keys q
wait_for "leave the lesson 'Keys under test'"
keys y
lesson_wait_end 10
[ "$STATUS" = 1 ] || fail "a lesson stopped by an error should leave with status 1, not '$STATUS'"
t kill-server 2>/dev/null
lesson_none_left
PID=""
exit 0
