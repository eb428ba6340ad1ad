#!/bin/bash
# ptviz run: a thread of a program selected with the keys and sent SIGSEGV with x (the command a person
# would type, inject segv A1.3): its process dies (its map first: each thread's stack in it), with every thread, while the sibling process goes on.
# A key with no meaning for a program's task says so; a click selects a row, and p pauses and resumes it.
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ PROGRAMS_DIR}

e2e_start run -- "$DIR/sleepers" 60
wait_for 'A1\.3 +tid +[0-9]+ +[RS]'
wait_for 'A2 +pid [0-9]+ +ppid [0-9]+ +[RS] sleepers'
e2e_collect
A2=$(cap | grep -oE 'A2 +pid [0-9]+' | grep -oE '[0-9]+$')
wait_for 'A1 process · x segv'
keys Down Down Down
wait_for 'A1\.3 thread · x segv'
# The thread's process's map: one address space, each sleeping thread's stack placed in it.
keys m
wait_for 'MEMORY MAP · A1, pid [0-9]+, one address space for A1\.1-A1\.3'
map_find 'stack of A1\.3 '
map_find 'stack of A1\.2 '
map_find 'stack of A1\.1 \(main\)'
keys Escape
wait_for 'PROGRAM A '
keys e
wait_for "e: a program's code is its own"
keys x
wait_for 'segfault: send A1\.3 \(thread of A1, pid [0-9]+\) SIGSEGV \(tgkill\)\?'
keys y
wait_for ':inject segv A1\.3'
wait_for 'A1 +pid [0-9]+ .*SIGSEGV \(sent by ptviz\) in A1\.3'
wait_for 'A1\.2 +tid +[0-9]+ +- .*ended with its process'
cap | grep -Eq "A2 +pid $A2 .*alive" || fail "A2 should go on after A1's SIGSEGV"
# Tab goes on to the next group; with one program, back to its first row.
keys Tab Down Down Down Down
wait_for 'A2 process · x segv'
# A click on a row selects it; p pauses what is selected (the main thread: its whole process), p again resumes.
set -- $(where 'A2.1 ')
[ $# = 2 ] || fail "A2.1 is not on screen"
click "$1" "$2"
wait_for 'selected A2\.1'
keys p
wait_for ':pause A2\.1'
wait_for "A2 +pid $A2 +ppid [0-9]+ +[Tt] "   # t: stopped while traced
keys p
wait_for ':resume A2\.1'
wait_for "A2 +pid $A2 +ppid [0-9]+ +[RS] "
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID" $WORKERS
exit 0
