#!/bin/bash
# ptviz run at 80x24: a process with more threads than rows says which are below, and the selection
# scrolls its threads so the selected one stays in view, saying which are above.
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ PROGRAMS_DIR}

E2E_W=80 E2E_H=24
e2e_start run -- "$DIR/thread_crowd" 30
wait_for 'thread_crowd: 30 threads'
wait_for 'A1\.12 +tid +[0-9]+'
wait_for '▼ A1\.13-A1\.30 below \(Down shows them\)'
e2e_collect
for _ in $(seq 20); do keys Down; done
wait_for 'selected A1\.20'
wait_for '▲ A1\.1-A1\.[0-9]+ above \(Up shows them\)'
wait_for 'A1\.20 +tid +[0-9]+'
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID"
exit 0
