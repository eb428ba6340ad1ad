#!/bin/bash
# A thread's segfault ends its whole process; a process's segfault ends only that process.
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 3; spawn processes 3'
wait_for '3/3 alive.*3/3 alive'

ask_mark
keys Down x           # T2; a fault ends workers, so the key asks first
wait_for 'segfault: T2 \(thread of pid [0-9]+\) writes through NULL\?'
keys y
wait_answer 'T2 wrote through NULL .* SIGSEGV .* host [0-9]+ died, taking T1 T3 with it' "inject segv T2 (x)"
wait_for '0/3 alive'   # the survivors rows of the two columns need not share a screen row
wait_for '3/3 alive'
# The thread that faulted is marked; the others died of its fault, not of their own.
wait_for 'T2 +(tid [0-9]+ )?✖ SIGSEGV \(faulted\)'
wait_for 'T1 +(tid [0-9]+ )?✖ died with T2'
wait_for 'T3 +(tid [0-9]+ )?✖ died with T2'

# The processes keep counting: judged by the CPU they get, not by how long the test waits.
a=$(number 'P1 +pid [0-9]+ [RS] +counter')
[ -n "$a" ] || fail "no counter for P1"
JUDGED=$(cap | grep -oE 'P1 +pid [0-9]+' | grep -oE '[0-9]+$' | head -1)
judge_by_cpu "P1's counter grows" '[ "$(number "P1 +pid [0-9]+ [RS] +counter")" -gt "$a" ]' \
	cpu_since_start 200 || true

ask_mark
keys Tab x            # P2: the same row in the next column
wait_for 'segfault: P2 \(process, pid [0-9]+\) writes through NULL\?'
keys Enter
wait_answer 'P2 wrote through NULL .* SIGSEGV .* P2 \(pid [0-9]+\) died alone; P1 P3 kept running' "inject segv P2 (x)"
wait_for '2/3 alive'
cap | grep -Eq 'P1 +pid [0-9]+ R' || fail "P1 is not running"
exit 0
