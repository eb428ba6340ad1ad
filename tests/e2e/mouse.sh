#!/bin/bash
# A click selects a worker, and a click on the key bar runs that key: the same actions as keys.
# tmux cannot make up a mouse event from the command line, so the test sends the bytes a terminal
# would (the xterm X10 report ptviz turned on with mousemask), through send-keys -H.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 3; spawn processes 3'
wait_for '3/3 alive.*3/3 alive'
wait_for 'selected T1'

# A worker's row in the processes column.
set -- $(where 'P3 ')
[ $# = 2 ] || fail "P3 is not on screen"
click $(( $1 + 4 )) "$2"
wait_for 'selected P3'
# A worker in the survivors list.
set -- $(where ' T2  ' 2)
[ $# = 2 ] || fail "T2 is not in the survivors list"
click "$1" "$2"
wait_for 'selected T2'
# The selection is what x acts on.
ask_mark
keys x
wait_for 'segfault: T2 .*\?'
keys y
wait_answer 'T2 wrote through NULL' "inject segv T2 (x)"

# The key bar: F1 Help opens the help, as F1 does.
set -- $(where 'F1Help')
click "$1" "$2"
wait_for 'HELP'
keys Escape
wait_gone 'HELP'
exit 0
