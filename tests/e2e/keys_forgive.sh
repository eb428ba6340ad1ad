#!/bin/bash
# Keys that forgive: h j k l only move the selection; killing, a fault, restart and reset ask first, and
# only y or Enter does it; Ctrl-C leaves at once, even from a question.  Judged by what the screen says
# and by counting the workers alive, on screen and in /proc.
E2E_W=100
E2E_H=30
. "$(dirname "$0")/lib.sh"

# The processes below ptviz that are alive: the thread host and each process of group P.
alive_children() {
	local n=0 c
	for c in $(e2e_children); do e2e_alive "$c" && n=$((n + 1)); done
	echo "$n"
}

e2e_start --empty
prompt 'spawn threads 4; spawn processes 4'
wait_for '4/4 alive.*4/4 alive'
wait_for 'selected T1'
e2e_collect
before=$(alive_children)
[ "$before" = 5 ] || fail "expected 5 children (host + 4 processes), saw $before"

# A vim user's j j k: down, down, up.  Nothing dies, nothing asks.
keys j j k
wait_for 'selected T2'
keys l
wait_for 'selected P2'
keys h
wait_for 'selected T2'
cap | grep -q ':kill' && fail "j j k ran a kill"
cap | grep -qE '\? +y/Enter yes' && fail "j j k asked a question"
[ "$(cap | grep -o '4/4 alive' | wc -l)" = 2 ] || fail "a worker died after j j k"

# The kill key asks, naming the worker; Esc keeps it.
keys K
wait_for 'kill T2 \(thread of pid [0-9]+\)\?  y/Enter yes  n/Esc no'
keys Escape
wait_for 'answered no, nothing was done: kill T2'
wait_gone 'y/Enter yes'
# n keeps it too, and so does any other key: only y and Enter do it.
keys F9
wait_for 'kill T2 \(thread of pid [0-9]+\)\?'
keys n
wait_gone 'y/Enter yes'
keys K
wait_for 'kill T2 \(thread of pid [0-9]+\)\?'
keys j
wait_gone 'y/Enter yes'
wait_for 'selected T2'
cap | grep -q ':kill' && fail "a kill ran although the question was answered no"
[ "$(cap | grep -o '4/4 alive' | wc -l)" = 2 ] || fail "a worker died although every question was answered no"
[ "$(alive_children)" = "$before" ] || fail "a process ended although every question was answered no"

# y kills.
keys K
wait_for 'kill T2 \(thread of pid [0-9]+\)\?'
keys y
wait_for ':kill T2'
wait_for 'T2 ended alone on request'
wait_for '3/4 alive.*4/4 alive'

# A fault on a process asks too; y does it, and only that process dies.
keys Tab
wait_for 'selected P2'
ask_mark
keys x
wait_for 'segfault: P2 \(process, pid [0-9]+\) writes through NULL\?'
keys y
wait_answer 'P2 wrote through NULL .* died alone' "inject segv P2 (x)"
wait_for '3/4 alive.*3/4 alive'

# Reset asks, naming how many workers it ends; n keeps them all.
keys R
wait_for 'reset: end all 6 workers and leave the screen empty\?'
keys n
wait_gone 'y/Enter yes'
wait_for '3/4 alive.*3/4 alive'
cap | grep -q ':reset' && fail "reset ran although the question was answered no"
# Restart asks; Enter does it.
host=$(cap | grep -oE 'THREADS T . (1 process, )?pid [0-9]+' | grep -oE '[0-9]+$' | head -1)
[ -n "$host" ] || fail "no thread host pid on screen"
keys C
wait_for 'restart: end all 6 workers, then 4 threads and 4 processes\?'
keys Enter
wait_gone "pid $host "
wait_for '4/4 alive.*4/4 alive'

# Ctrl-C, even with a question open, leaves at once and ends every worker.
e2e_collect
keys K
wait_for 'kill T1 .*\?'
keys C-c
all_gone "Ctrl-C at a question" "$PID" $WORKERS
exit 0
