#!/bin/bash
# Lost updates pile up without a lock and stop under a mutex.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 2'
wait_for '2/2 alive'
keys r
wait_for 'sync none'
sleep 0.6
a=$(number 'lost updates')
sleep 0.6
b=$(number 'lost updates')
[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] || fail "lost updates did not rise under r: '$a' then '$b'"
wait_for '\(both threads write here\)'
wait_for 'lost updates [0-9 ]+ \([0-9.]+%\)  racing'

# Paused, nothing can race: the label says so instead of "racing".
prompt 'pause T'
wait_for 'lost updates [0-9 ]+ \([0-9.]+%\)  paused'
cap | grep -q 'racing' && fail "'racing' while every thread is paused"
prompt 'resume T'
wait_for 'lost updates [0-9 ]+ \([0-9.]+%\)  racing'

keys l
wait_for ':sync mutex'
wait_for 'sync mutex'
sleep 0.3
a=$(number 'lost updates')
sleep 0.8
b=$(number 'lost updates')
[ -n "$a" ] && [ "$a" = "$b" ] || fail "lost updates still changing under l: '$a' then '$b'"
i1=$(number 'increments')
sleep 0.3
i2=$(number 'increments')
[ "$i2" -gt "$i1" ] || fail "the threads stopped working under the mutex"
exit 0
