#!/bin/bash
# At 80x24, a live process keeps its pid whatever else happened: a process that died, a thread that
# ended, or a whole host gone do not cost the living their pid.
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"

# The first line of worker ID in the groups pane.
row() { cap | grep -E -- "[├└]─ $1 " | head -1; }

# Each live process's line shows "pid N" and a state.
pids_shown() {
	local p line
	for p in "$@"; do
		line=$(row "$p")
		echo "$line" | grep -Eq -- "$p +pid [0-9]+ [RSD] " ||
			fail "the live $p lost its pid at 80x24: '$line'"
	done
}

e2e_start --empty
prompt 'spawn threads 4; spawn processes 4'
wait_for '4/4 alive.*4/4 alive'
pids_shown P1 P2 P3 P4

# One process dies: the others keep their pids; only the dead line gives its pid up for its cause.
ask_mark
prompt 'inject segv P3'
wait_answer 'P3 wrote through NULL .* SIGSEGV .* P3 \(pid [0-9]+\) died alone' "inject segv P3"
wait_for 'P3 +(pid [0-9]+ )?✖ SIGSEGV'
wait_for '3/4 alive  each'
pids_shown P1 P2 P4

# A thread ended, and a second process killed: still every live process has its pid.
prompt 'kill T3'
wait_for 'T3 +(tid [0-9]+ )?✖ ended'
prompt 'kill P4'
wait_for 'P4 +(pid [0-9]+ )?✖ (killed|SIGKILL)'
pids_shown P1 P2

# The whole thread host dies of a fault: the processes beside it keep their pids too.
ask_mark
prompt 'inject segv T1'
wait_answer 'T1 wrote through NULL .* SIGSEGV' "inject segv T1"
wait_for '0/4 alive'
pids_shown P1 P2
e2e_alive "$PID" || fail "ptviz died at 80x24"
exit 0
