#!/bin/bash
# One word for one thing: under withdraw, the header and every process's row say balance (never
# counter); in step mode every row says register (never reg).  At 80x24 and at 100x30.
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"

# The worker rows of the groups pane, down to the Counters pane.
memory_rows() { cap | sed -n '2,/COUNTERS/p'; }

judge_words() {
	local size=$1
	wait_for 'private balance @0x'
	wait_for '│ +balance @0x[0-9a-f]+'
	memory_rows | grep -q 'counter @0x' && fail "at $size, withdraw says balance in the header and counter in a row"
	prompt 'step on'
	wait_for 'sync none, STEP'
	keys n
	wait_for 'register [0-9-]+ +next'
	memory_rows | grep -qE '\breg\b' && fail "at $size, step mode says both reg and register"
	prompt 'step off'
	wait_gone 'sync none, STEP'
}

e2e_start --empty
prompt 'spawn threads 4; spawn processes 4'
wait_for '4/4 alive.*4/4 alive'
prompt 'workload withdraw'
judge_words 80x24
t resize-window -x 100 -y 30
judge_words 100x30
e2e_alive "$PID" || fail "ptviz died"
exit 0
