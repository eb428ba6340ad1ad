#!/bin/bash
# Ended threads are not counted among those sharing: after T3 ends, the counter's line names the
# threads that still write it, and the memory map's address space and "seen by" leave T3 out.  At
# 100x30 and at 80x24.
E2E_W=100
E2E_H=30
. "$(dirname "$0")/lib.sh"

e2e_start --empty
prompt 'spawn threads 4; spawn processes 4'
wait_for '4/4 alive.*4/4 alive'
wait_for '\(all 4 threads write here\)'
prompt 'kill T3'
wait_for 'T3 +(tid [0-9]+ )?✖ ended'
wait_for '3/4 alive'
wait_for '\(T1 T2 T4 write( here)?; T3 ended\)'
cap | grep -q 'all 4' && fail "the ended T3 is still counted among the writers"

# The map of the host: one address space for the three left, and T3 sees nothing any more.
keys m
wait_for 'MEMORY MAP . host pid [0-9]+, one address space for T1 T2 T4 \(T3 ended\)'
map_find 'globals ← counter .* T1 T2 T4'
region 'MEMORY MAP' | grep -q 'T1\.\.T4' && fail "the memory map still says T1..T4 after T3 ended"
keys Escape
wait_gone 'MEMORY MAP'

# At 80x24 the words are shorter, and still only the living write.
t resize-window -x 80 -y 24
wait_for '\(T1 T2 T4 write( here)?(; T3 ended)?\)'
cap | grep -qE 'all 4|T1\.\.T4' && fail "at 80x24 the ended T3 is still counted"

# Once only one is left, it alone writes.
prompt 'kill T1; kill T2'
wait_for '1/4 alive'
wait_for '\(T4 writes( here)?(; T1..T3 ended|; T1 T2 T3 ended)?\)'
e2e_alive "$PID" || fail "ptviz died"
exit 0
