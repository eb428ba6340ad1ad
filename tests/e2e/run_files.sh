#!/bin/bash
# ptviz run: o shows a program's open files, one table per process shared by its threads, and a forked
# child's own copy (files on A, as typed); o again hides them.
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ PROGRAMS_DIR}

e2e_start run -- "$DIR/sleepers" 60
wait_for 'A1\.3 +tid +[0-9]+ +[RS]'
wait_for 'A2 +pid [0-9]+ +ppid [0-9]+ +[RS] sleepers'
e2e_collect
wait_for 'A1 process · x segv'
keys o
wait_for ':files on A'
wait_for 'fd 0 /dev/null, 1-2 [^ ]+ +· one table for A1\.1-A1\.3'
wait_for "fd 0 /dev/null, 1-2 [^ ]+ +· a copy of A1's table, made by fork"
keys o
wait_for ':files off A'
for i in $(seq 1 40); do cap | grep -q 'one table for' || break; sleep 0.1; done
cap | grep -q 'one table for' && fail "o again should hide the files"
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID" $WORKERS
exit 0
