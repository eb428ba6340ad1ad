#!/bin/bash
# ptviz run on a terminal: the program's processes and threads on screen, its output, inject segv into
# one thread ending its process and not the other, a thread held, a group of ptviz's own beside it, and
# nothing left after q.
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ PROGRAMS_DIR}

e2e_start run -- "$DIR/sleepers" 60
wait_for 'PROGRAM A .* traced'
wait_for 'A1\.3 +tid +[0-9]+ +[RS]'
wait_for 'A2 +pid [0-9]+ +ppid [0-9]+ +[RS] sleepers'
e2e_collect
A2=$(cap | grep -oE 'A2 +pid [0-9]+' | grep -oE '[0-9]+$')
prompt 'pause A1.2'
wait_for 'A1\.2 +tid +[0-9]+ +t .*held by ptviz'
prompt 'inject segv A1.3'
wait_for 'A1 +pid [0-9]+ .*SIGSEGV \(sent by ptviz\) in A1\.3'
wait_for 'A1\.2 +tid +[0-9]+ +- .*ended with its process'
wait_for 'A1 \(pid [0-9]+\) died of SIGSEGV sent by ptviz in A1\.3: 3 threads with it'
cap | grep -Eq "A2 +pid $A2 .*alive" || fail "A2 should go on after A1's SIGSEGV"
# A group of ptviz's own started beside the program: both on screen at once.
prompt 'spawn threads 2'
wait_for 'THREADS T'
cap | grep -q 'PROGRAM A' || fail "the program's pane should stay beside the new group"
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID" "$A2"
exit 0
