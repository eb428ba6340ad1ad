#!/bin/bash
# ptviz run, a child of fork_counter selected with the keys and its memory map opened with m: its PID,
# its writable pages copies of its parent's (copy on write), its code and libraries shared (never "A2 only"),
# and its stack placed.  At 80x24, as a student's terminal.
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ EXAMPLES_DIR}
E2E_W=80
E2E_H=24

e2e_start run -- "$DIR/fork_counter" 60
wait_for 'A4 +pid [0-9]+ +ppid [0-9]+'
e2e_collect
A2=$(cap | grep -oE 'A2 +pid [0-9]+' | grep -oE '[0-9]+$')
[ -n "$A2" ] || fail "no pid for A2"
# The program's first process is selected; Down goes to its thread, then to the next process.
wait_for 'A1 process · x segv'
keys Down
wait_for 'A1\.1 thread · x segv'
keys Down
wait_for 'A2 process · x segv'
keys m
wait_for "MEMORY MAP · A2, pid $A2, .*forked from A1"
wait_for 'copy-on-write: shared'
# The child wrote its counter: the page of globals is its own copy now, private.
wait_for 'globals .* [0-9a-f]+ +4 +4 +0 +copy of A1.s'
wait_for 'stack of A2\.1 \(main\)'
# A file's pages never written are the same for every process mapping it: the program's code for A1-A4 (the
# four live processes of fork_counter), libc's for every process using it.
wait_for 'program code .* all of A1-A4 '
wait_for 'library libc\.so\.6 .* any libc user '
cap | grep -E '(library|program code|program constants|kernel helper) .*A2 only' && fail "a file's pages said to be A2's only"
keys Escape
wait_for 'PROGRAM A '
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID" $WORKERS
exit 0
