#!/bin/bash
# Both kinds of group, spawned from keys and from the prompt, are the real thing.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
wait_for 'No workers yet'

keys t
wait_for 'THREADS T '
wait_for ':spawn threads 4'
keys s
wait_for 'PROCESSES P '
wait_for '4/4 alive.*4/4 alive'

prompt 'spawn threads 2 as W'
wait_for 'spawned 2 threads W1..W2'
prompt 'spawn processes 2 shared as S'
wait_for 'spawned 2 processes S1..S2'

# The host pid on screen is a real process with 1 + 4 threads, and its TIDs are the ones shown.
host=$(cap | grep -oE 'THREADS T . (1 process, )?pid [0-9]+' | grep -oE '[0-9]+$' | head -1)
[ -n "$host" ] || fail "no host pid on screen"
[ "$(ls "/proc/$host/task" | wc -l)" = 5 ] || fail "host $host has $(ls /proc/$host/task | wc -l) tasks, expected 5"
for tid in $(cap | grep -oE 'T[0-9] +tid [0-9]+' | grep -oE '[0-9]+$'); do
	[ -d "/proc/$host/task/$tid" ] || fail "tid $tid shown on screen is not a thread of host $host"
done
# Four groups do not fit 120 columns side by side: the rest is announced.
wait_for 'more \(Right\)'
exit 0
