#!/bin/bash
# Green threads on screen at 80x24: the title says N on M, each row names its kernel thread, /proc
# of the host lists M tasks where the screen shows N workers, and a blocking call stalls every
# green thread on one kernel thread while hand-off lets the others go on.
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"

e2e_start --empty
wait_for 'No workers yet'

prompt 'spawn green 8 as S'
wait_for 'GREEN S · 8 on 1'
wait_for 'S1 +tid [0-9]+ [RS] .*done +[0-9]'
prompt 'spawn green 8 handoff as H'
wait_for 'GREEN H · 8 on 1'
wait_for '8/8 alive.*8/8 alive'

# The kernel knows one task in each host, where the screen shows eight workers.
host_s=$(cap | grep -oE 'S1 +tid [0-9]+' | grep -oE '[0-9]+$' | head -1)
host_h=$(cap | grep -oE 'H1 +tid [0-9]+' | grep -oE '[0-9]+$' | head -1)
[ -n "$host_s" ] && [ -n "$host_h" ] || fail "no tid on the green rows"
[ "$(ls "/proc/$host_s/task" | wc -l)" = 1 ] || fail "host $host_s of 8 green threads has $(ls /proc/$host_s/task | wc -l) tasks, expected 1"
[ "$(ls "/proc/$host_h/task" | wc -l)" = 1 ] || fail "host $host_h of 8 green threads has $(ls /proc/$host_h/task | wc -l) tasks, expected 1"
# Every row of a group names the same kernel thread: its host's.
[ "$(cap | grep -oE 'S[0-9] +tid [0-9]+' | grep -oE '[0-9]+$' | sort -u)" = "$host_s" ] || fail "S rows name more than one tid"

# A blocking call on one kernel thread: every S row stops.  Judged between two looks when the
# host's only kernel thread was asleep (S in /proc) at the first and had no CPU between them: the
# call lasts 3 s, and on a machine so busy that the screen showed it only after, it is not judged.
task_cpu_ns() { local ns; read -r ns _ < "/proc/$1/task/$1/schedstat" 2>/dev/null && echo "$ns" || echo 0; }
task_state() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $1}'; }
prompt 'inject block S3'
wait_for 'S3 blocks in the kernel'
state1=$(task_state "$host_s"); cpu1=$(task_cpu_ns "$host_s"); done1=$(number 'S1 +tid [0-9]+ . +done')
sleep 0.5
done2=$(number 'S1 +tid [0-9]+ . +done'); cpu2=$(task_cpu_ns "$host_s"); state2=$(task_state "$host_s")
if [ "$state1" = S ] && [ $(( cpu2 - cpu1 )) -lt 1000000 ]; then
	[ "$done1" = "$done2" ] || fail "S1 counted ($done1 -> $done2) while S3 blocked its only kernel thread"
else
	echo "SKIP one check: the stall cannot be judged: S3's call had ended (kernel thread $state1 then $state2, $(( (cpu2 - cpu1) / 1000 )) us of CPU)"
fi
# Once the call returns, S counts again.
wait_gone 'all stalled' 10

# Hand-off: a second kernel thread in H's host, and H's green threads move to it.
prompt 'inject block H3'
wait_for 'H3 blocks in the kernel'
[ "$(ls "/proc/$host_h/task" | wc -l)" = 2 ] || fail "hand-off did not start a second kernel thread in $host_h"
moved=""
for i in $(seq 1 $(( E2E_GUARD * 10 ))); do
	h1=$(cap | grep -oE 'H1 +tid [0-9]+' | grep -oE '[0-9]+$' | head -1)
	[ -n "$h1" ] && [ "$h1" != "$host_h" ] && { moved=1; break; }
	sleep 0.1
done
[ -n "$moved" ] || fail "H1 never moved off the kernel thread $host_h that H3 blocked"
[ -d "/proc/$host_h/task/$h1" ] || fail "H1's new tid $h1 is not a thread of host $host_h"
exit 0
