#!/bin/bash
# ptviz run at 80x24: a program's long output lines wrap onto the rows below (a sentence at a space near the
# edge, a run of digits hard at it) and nothing is lost at the pane's right border; the pane shows the tail of
# the wrapped text, its newest row at the bottom, in every row the process leaves.
. "$(dirname "$0")/lib.sh"
E2E_W=80
E2E_H=24

# The rows between the output's rule and the pane's bottom border, less the blank ones below them.
output() { cap | sed -n '/its output/,/└/p' | sed '1d;$d' | grep -vE '^│ +│$'; }

e2e_start run -- sh -c "'seq -f \"early line %g\" 40; echo first line; printf \"%0190dZ\\n\" 0; echo the program printed this sentence to show \
that a long line of words wraps at a space near the edge of the pane and ends-here.; echo last line; exec sleep 30'"
wait_for 'A1 +pid [0-9]+ +ppid [0-9]+ +S sleep'
wait_for 'last line'
e2e_collect
out=$(output)
# 76 columns inside the pane: the 191 characters take rows of 76, 76 and 39, the Z kept.
[ "$(echo "$out" | grep -cE '^│ 0{76} │$')" = 2 ] || fail "the digits should fill two whole rows"
echo "$out" | grep -qE '^│ 0{38}Z +│$' || fail "the digits' last row should end in Z"
# The sentence breaks at a space: its first row ends at a whole word, its second holds the rest.
echo "$out" | grep -qE '^│ the program printed this sentence .*[a-z] +│$' || fail "the sentence's first row"
echo "$out" | grep -qE '^│ [a-z].* and ends-here\. +│$' || fail "the sentence's end should be on the row below"
echo "$out" | grep -qE ' (wra|ps|ne|ar|edg) ' && fail "a word was cut in two"
# More rows than room: the output takes every row the one process leaves, down to the border, the
# oldest rows above it and the newest at the bottom.
[ "$(cap | sed -n '/its output/,/└/p' | sed '1d;$d' | grep -cE '^│ +│$')" = 0 ] || fail "rows left blank below the output"
[ "$(echo "$out" | wc -l)" -gt 6 ] || fail "more than six rows of output should be shown"
echo "$out" | grep -q 'early line 1 ' && fail "the oldest row should have made room"
echo "$out" | tail -1 | grep -qE '^│ last line +│$' || fail "the newest line should be at the bottom"
echo "$out" | grep -E '[^ ]│$' && fail "an output row reaches the right border"
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID" $WORKERS
exit 0
