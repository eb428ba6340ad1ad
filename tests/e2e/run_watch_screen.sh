#!/bin/bash
# ptviz run --watch on a terminal: fork_counter's counter under each process at one address, the parent's
# 100, the line that says the values are read live, the message for a misspelt name, the watch command,
# and nothing left after q.
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ EXAMPLES_DIR}

e2e_start run --watch counter --watch countr -- "$DIR/fork_counter" 60
wait_for 'Watched values are read while the program runs'
wait_for 'A4 +pid [0-9]+ '
wait_for 'counter = 1[0-9][1-9] at 0x'
e2e_collect
[ "$(cap | grep -oE 'counter = [0-9]+ at 0x[0-9a-f]+' | awk '{print $5}' | sort -u | wc -l)" = 1 ] ||
	fail "one address expected in every process: $(cap)"
[ "$(cap | grep -cE 'counter = [0-9]+ at 0x')" = 4 ] || fail "four processes with counter expected: $(cap)"
cap | grep -A1 -E 'A1 +pid' | grep -q 'counter = 100 at' || fail "the parent's counter should stay 100: $(cap)"
# The message for the misspelt name is among the first in the log: the program's starts may have pushed it
# above the log's rows, so the log is paged back to it (PgUp), then forward again.
for _ in $(seq 6); do
	cap | grep -qE "countr is left out: " && break
	keys PPage
	sleep 0.2
done
wait_for "countr is left out: .*"
for _ in $(seq 6); do keys NPage; done
prompt 'watch counter'
wait_for 'A already watches counter'
keys Escape
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID"
exit 0
