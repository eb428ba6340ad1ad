#!/bin/bash
# Two busy loops beside ptviz: the header names the CPUs other programs use, at 100x30 and at 80x24.
. "$(dirname "$0")/lib.sh"

# Programs that are not ptviz's: loops at normal priority that end by themselves within a minute,
# and are ended by pid before that.
LOOPS=""
stop_loops() {
	local p
	for p in $LOOPS; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	LOOPS=""
}
trap 'rc=$?; stop_loops; (exit $rc); e2e_cleanup' EXIT INT TERM

header() { cap | head -1; }
other_named() { header | grep -Eq 'other programs use [0-9]+\.[0-9] of [0-9]+ CPUs?'; }

E2E_W=100 E2E_H=30
e2e_start --empty
wait_for 't=[0-9.]+s'
for i in 1 2; do
	bash -c 'while [ $SECONDS -lt 60 ]; do :; done' &
	LOOPS="$LOOPS $!"
done
JUDGED=$LOOPS
# Once the loops have had 3 s of CPU between them, the last second surely held a tenth of a CPU of theirs.
if judge_by_cpu "the header names other programs' CPUs at 100x30" other_named cpu_since_start 3000; then
	echo "header at 100x30: $(header)"
	header | grep -q 'sync .* t=[0-9.]*s' || fail "the sync mode or the clock gave way at 100x30"
	t resize-window -x 80 -y 24
	wait_for 'No workers yet'
	if judge_by_cpu "the header names other programs' CPUs at 80x24" other_named cpu_since_start 1000; then
		echo "header at 80x24: $(header)"
		header | grep -q 'sync .* t=[0-9.]*s' || fail "the sync mode or the clock gave way at 80x24"
	fi
fi
stop_loops
keys q
all_gone "ptviz did not leave" "$PID"
exit 0
