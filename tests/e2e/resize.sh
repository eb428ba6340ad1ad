#!/bin/bash
# Too small: a clear message, no crash; back to size: the full layout again.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 1; spawn processes 1'
wait_for '1/1 alive.*1/1 alive'
t resize-window -x 60 -y 20
wait_for 'make the terminal at least 80x24'
wait_for 'it is 60x20 now'
# Far too small, the size needed still reads whole.
t resize-window -x 20 -y 5
wait_for 'need 80x24'
wait_for 'it is 20x5 now'
t resize-window -x 120 -y 36
wait_for 'THREADS T'
wait_for 'COUNTERS'
t resize-window -x 200 -y 60
wait_for 'PROCESSES P'
# Wide, a thread's stack address shows once: on its own line, not again beside its tid.
wait_for 'own stack @0x[0-9a-f]+'
addr=$(cap | grep -oE 'own stack @0x[0-9a-f]+' | head -1 | sed 's/.*@//')
[ "$(cap | grep -c -- "$addr")" = 1 ] || fail "stack address $addr shown more than once"
t resize-window -x 80 -y 24
wait_for 'SURVIVORS'
# More survivors than the lines hold: dots with a margin before the border, and "+N" for the rest.
t resize-window -x 120 -y 36
ask_mark
prompt 'spawn threads 200 as Big'
wait_answer '200/200 alive' "spawn threads 200"
wait_for '●+ \+[0-9]+ '
cap | grep -qE '●│' && fail "the survivor dots run into the border"
dots=$(cap | grep -oE '●{10,}( \+[0-9]+)?' | grep -o '●' | wc -l)
rest=$(cap | grep -oE '●+ \+[0-9]+' | grep -oE '[0-9]+$')
[ $((dots + rest)) = 200 ] || fail "survivors: $dots dots and +$rest, not 200"
e2e_alive "$PID" || fail "ptviz died on resize"
exit 0
