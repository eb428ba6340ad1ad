#!/bin/bash
# The channel's queue and the tasks' figures under their groups on the real screen, and the pool switched off.
. "$(dirname "$0")/lib.sh"

E2E_W=130
E2E_H=40
e2e_start --empty
prompt 'spawn threads 4 as C'
wait_for '4/4 alive'
prompt 'workload channel C'
# The queue, its room, and what was sent and counted by the owner, under the counters.
wait_for 'queue [0-9 ]+ of 8 192'
wait_for 'sent, [0-9 ]+ counted by C1'
prompt 'spawn processes 3 as P'
wait_for '3/3 alive'
prompt 'workload tasks P'
wait_for '[0-9]+ tasks/s, [0-9.]+ us CPU each: pool of 3'
prompt 'pool off P'
wait_for '[0-9]+ tasks/s, [0-9.]+ us CPU each: a process per'
# A pool larger than the group is refused, and says why.
prompt 'pool 9 P'
wait_for 'pool 9: P has 3 workers, so a pool of at most 3'
exit 0
