#!/bin/bash
# Too small: a clear message, no crash; back to size: the full layout again.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 1; spawn processes 1'
wait_for '1/1 alive.*1/1 alive'
t resize-window -x 60 -y 20
wait_for 'make the terminal at least 80x24'
wait_for 'it is 60x20 now'
t resize-window -x 120 -y 36
wait_for 'THREADS T'
wait_for 'COUNTERS'
t resize-window -x 200 -y 60
wait_for 'PROCESSES P'
t resize-window -x 80 -y 24
wait_for 'SURVIVORS'
e2e_alive "$PID" || fail "ptviz died on resize"
exit 0
