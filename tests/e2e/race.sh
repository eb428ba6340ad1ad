#!/bin/bash
# Lost updates pile up without a lock and stop under a mutex.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 2'
wait_for '2/2 alive'
keys r
wait_for 'sync none'
wait_for '\(both threads write here\)'
wait_for 'lost updates [0-9 ]+ \([0-9.]+%\)  racing'
# lost is "lost updates N", or "lost updates ≥ N" while a thread stands mid-increment.
# An update is lost only while both threads run at once, on two CPUs: judged by the CPU time the
# threads had beyond one CPU's worth, not by how long the test waited.
e2e_collect
JUDGED=$WORKERS
a=$(number 'lost updates[ ≥]*')
[ -n "$a" ] || fail "no lost updates figure"
judge_by_cpu "lost updates rise while two threads race" '[ "$(number "lost updates[ ≥]*")" -gt "$a" ]' \
	cpu_beyond_one 300 || true

# Paused, nothing can race: the label says so instead of "racing".
prompt 'pause T'
wait_for 'lost updates [0-9 ]+ \([0-9.]+%\)  paused'
cap | grep -q 'racing' && fail "'racing' while every thread is paused"
prompt 'resume T'
wait_for 'lost updates [0-9 ]+ \([0-9.]+%\)  racing'

keys L
wait_for ':sync mutex'
wait_for 'sync mutex'
# Under the mutex the figure holds still, frame after frame, while the threads keep working:
# counted in increments seen on screen, so a slow frame on a busy machine cannot pass or fail it.
increments_past() { [ "$(number 'increments')" -gt "$1" ]; }
i0=$(number 'increments')
judge_by_cpu "the threads work under the mutex" "increments_past $i0" cpu_since_start 300 || true
a=$(number 'lost updates[ ≥]*')
i1=$(number 'increments')
judge_by_cpu "the threads work on under the mutex" "increments_past $i1" cpu_since_start 300 || true
i2=$(number 'increments')
judge_by_cpu "the threads work on under the mutex" "increments_past $i2" cpu_since_start 300 || true
b=$(number 'lost updates[ ≥]*')
[ -n "$a" ] && [ "$a" = "$b" ] || fail "lost updates still changing under L: '$a' then '$b'"
exit 0
