#!/bin/bash
# The crash lesson from its step 3 (the threads' crash replayed at once): in the SURVIVORS row, the thread
# that faulted reads '✖ T3 SIGSEGV (faulted)' and each of the others '✖ T1 died with T3', at 80x24 and at
# 100x30 (at 80x24 in a lesson the row has room for marks only: the one that faulted keeps its name among
# them); under --big the row of names marks the one that faulted too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

trap 'rc=$?; (exit $rc); e2e_cleanup' EXIT INT TERM

# Ctrl-C: the immediate, clean way out; then every worker is gone.
lesson_leave() {
	lesson_collect
	keys C-c
	lesson_wait_end 10
	t kill-server 2>/dev/null
	lesson_none_left
	PID=""
}

# The SURVIVORS rows, the threads' column first: the lines under its rule, up to the box's end.
survivors() { cap | sed -n "/SURVIVORS/,/└/p"; }

judge_row() {
	local size=$1 rows faulted others
	wait_for '0/4 alive +T[1-4] faulted'
	rows=$(survivors)
	faulted=$(echo "$rows" | grep -oE '✖ T[1-4] SIGSEGV \(faulted\)' | grep -oE 'T[1-4]')
	[ "$(echo "$faulted" | grep -c .)" = 1 ] ||
		fail "at $size, not one thread marked '(faulted)' in the survivors row: $rows"
	# Each of the others says it died with the one; or, where the row has room for marks only, they are
	# bare marks beside it.
	others=$(echo "$rows" | grep -oE "✖ T[1-4] died with $faulted" | grep -c .)
	[ "$others" = 3 ] || echo "$rows" | grep -Eq "^│ (✖ ?){0,3}✖ $faulted SIGSEGV \(faulted\) ?(✖ ?){0,3} *│" ||
		fail "at $size, the others do not say they died with $faulted, nor are they marks beside it: $rows"
	[ "$(echo "$rows" | grep -o '✖' | grep -c .)" = 4 ] || fail "at $size, not 4 marks in the survivors row: $rows"
	echo "$rows" | grep -E '✖ T[1-4] SIGSEGV' | grep -vq 'faulted' &&
		fail "at $size, a thread reads as if it had faulted too: $rows"
	echo "$size: $faulted faulted; the survivors row says so"
}

for size in 80x24 100x30; do
	E2E_W=${size%x*}
	E2E_H=${size#*x}
	lesson_start "$PTVIZ" --lesson crash --from 3 --seed 3
	wait_for 'step 3 of'
	judge_row "$size"
	lesson_leave
done

# --big, the survivors in focus: the names under the large count mark the one that faulted.
E2E_W=100
E2E_H=30
lesson_start "$PTVIZ" --lesson crash --from 3 --seed 3 --big
wait_for 'step 3 of'
wait_for '✖T[1-4] faulted'
[ "$(cap | grep -oE '✖T[1-4] faulted' | grep -c .)" = 1 ] || fail "--big marks more than one thread as faulted"
lesson_leave
exit 0
