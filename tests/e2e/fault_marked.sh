#!/bin/bash
# A thread's SIGSEGV kills its whole host: the thread that faulted is marked as the one, and the
# others say they died with it, at 80x24 and at 100x30.
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"

# Each thread's line in the groups pane, after its name.
row() { cap | grep -E -- "[├└]─ $1 " | head -1; }

# The faulting thread is marked, and no other thread's line says SIGSEGV as if it had faulted too.
judge_marks() {
	local size=$1 t line
	wait_for 'T3 +(tid [0-9]+ )?✖ SIGSEGV \(?faulted'
	for t in T1 T2 T4; do
		line=$(row "$t")
		echo "$line" | grep -Eq -- "$t +(tid [0-9]+ )?✖ died with T3 " ||
			fail "at $size, $t does not say it died with T3: '$line'"
		echo "$line" | grep -q SIGSEGV && fail "at $size, $t reads as if it had faulted: '$line'"
	done
	wait_for '0/4 alive  T3 faulted'
}

e2e_start --empty
prompt 'spawn threads 4; spawn processes 4'
wait_for '4/4 alive.*4/4 alive'
ask_mark
prompt 'inject segv T3'
wait_answer 'T3 wrote through NULL .* SIGSEGV .* host [0-9]+ died, taking T1 T2 T4' "inject segv T3"
judge_marks 80x24

t resize-window -x 100 -y 30
wait_for 'T3 +(tid [0-9]+ )?✖ SIGSEGV \(faulted\)'
judge_marks 100x30
# The second line of each says the same: how the faulting one died, and that the others went with their host.
wait_for 'at [0-9.]+s it wrote through NULL'
wait_for 'at [0-9.]+s, with its host process'
e2e_alive "$PID" || fail "ptviz died"
exit 0
