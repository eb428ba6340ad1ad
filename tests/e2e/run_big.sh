#!/bin/bash
# Presenter mode (--big) with a program and no group of ptviz's own: the program group is drawn,
# each process on a bold line with its threads, instead of "no workers yet".
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ PROGRAMS_DIR}

e2e_start --big --empty
prompt "spawn program $DIR/sleepers 60"
wait_for 'PROGRAM A · .*sleepers 60'
wait_for 'A1 +pid [0-9]+ +alive +threads A1\.1-A1\.3'
wait_for 'A2 +pid [0-9]+ +alive +threads A2\.1'
e2e_collect
cap | grep -q 'no workers yet' && fail "--big should show the program group"
prompt 'kill A2'
wait_for 'A2 +pid [0-9]+ +SIGKILL'
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID" $WORKERS
exit 0
