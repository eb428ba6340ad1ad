#!/bin/bash
# A thread's segfault ends its whole process; a process's segfault ends only that process.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 3; spawn processes 3'
wait_for '3/3 alive.*3/3 alive'

keys Down x           # T2
wait_for 'T2 wrote through NULL .* SIGSEGV .* host [0-9]+ died, taking T1 T3 with it'
wait_for '0/3 alive.*3/3 alive'
wait_for 'T1 +tid [0-9]+ .* SIGSEGV'

# The processes keep counting.
a=$(number 'P1 +pid [0-9]+ R +counter')
sleep 0.5
b=$(number 'P1 +pid [0-9]+ R +counter')
[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] || fail "P1's counter did not grow: '$a' then '$b'"

keys Tab x            # P2: the same row in the next column
wait_for 'P2 wrote through NULL .* SIGSEGV .* P2 \(pid [0-9]+\) died alone; P1 P3 kept running'
wait_for '2/3 alive'
cap | grep -Eq 'P1 +pid [0-9]+ R' || fail "P1 is not running"
exit 0
