#!/bin/bash
# At 80x24, the most common default terminal: nothing cut mid-word, the key bar keeps F1 Help,
# q Quit and the selection; the log scrolls and counts repeats; keys that need a worker say how
# to get one.
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"

e2e_start --empty
wait_for 'No workers yet'
# Nothing exists yet: x and m say how to make workers, not "select one".
keys x
wait_for 'no workers: press t or s to spawn some'
cap | grep -q 'select a worker first' && fail "x with no workers asked for a selection"

prompt 'spawn threads 4; spawn processes 4; sync atomic'
wait_for '4/4 alive.*4/4 alive'
wait_for 'selected T1'
bar=$(cap | tail -1)
case "$bar" in
F1Help*qQuit*'selected T1') ;;
*) fail "key bar at 80 columns lost F1 Help, q Quit or the selection: '$bar'" ;;
esac
# Every column header keeps its sync mode, the survivors lines keep their sentences, and a
# worker's figure keeps its word.
wait_for 'THREADS T .* sync atomic .*PROCESSES P .* sync atomic'
wait_for '4/4 alive  one crash ends all .*4/4 alive  each process dies alone'
wait_for 'T1 +tid [0-9]+ R +done [0-9]'
# Counters in full digits, one under the other.
wait_for 'increments +[0-9]{1,3}( [0-9]{3})* '
wait_for 'copies add up to [0-9]'
cap | grep -E 'increments|counter  |lost updates' | grep -qE '[0-9]\.[0-9][kMG]' && fail "counters abbreviated at 80 columns"

# 150 presses of a dead key make one line, counted.
for i in $(seq 1 150); do t send-keys A; done
wait_for 'key A does nothing here.*\(×150\)'
[ "$(cap | grep -c 'key A does nothing')" = 1 ] || fail "a repeated message took more than one line"

# :report scrolls away, and PgUp brings it back; End returns to the newest.
prompt 'report'
wait_for 'report: P '
prompt 'sync mutex'
prompt 'sync none'
prompt 'sync atomic'
wait_gone "report: ptviz's own counter"
keys PPage
wait_for 'PgDn'
for i in 1 2 3 4 5 6; do
	cap | grep -q "report: ptviz's own counter" && break
	keys PPage
	sleep 0.2
done
wait_for "report: ptviz's own counter"
keys End
wait_gone "report: ptviz's own counter"
wait_for ':sync atomic'

# A long prompt error wraps instead of running off the edge, its caret under the bad word.
keys ':'
t send-keys -l 'spawn threads 1; spawn threads 1; spawn threads 1; spawn threads 1; spawn thraeds 2'
keys Enter
wait_for "column 75: cannot spawn 'thraeds'"
wait_for 'expected threads or processes'
input=$(cap | grep -A1 '^:' | sed -n 1p)
caret=$(cap | grep -A1 '^:' | sed -n 2p)
word=${input%%thraeds*}
mark=${caret%%^*}
[ "$word" != "$input" ] || fail "the bad word is not in view: '$input'"
[ "${#word}" = "${#mark}" ] || fail "the caret is at column ${#mark}, the bad word at column ${#word}"
keys Escape
e2e_alive "$PID" || fail "ptviz died at 80x24"
exit 0
