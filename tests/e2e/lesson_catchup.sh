#!/bin/bash
# Going to a step takes again the measurement that the step compares with: the race lesson entered at
# step 3 (--from 3) measures the race without a lock first, its caption saying so, and step 3's figures
# then show it as 'before'; g 4 takes step 3's lock measurement again, and Space does not cut it short;
# g 5 has nothing to compare with, and measures nothing on the way.  At --speed 0.5, so a look at the
# screen on a busy machine still finds the 2 s of catching up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

trap 'rc=$?; (exit $rc); e2e_cleanup' EXIT INT TERM
E2E_W=100
E2E_H=30

lesson_leave() {
	lesson_collect
	keys C-c
	lesson_wait_end 10
	t kill-server 2>/dev/null
	lesson_none_left
	PID=""
}

# The caption's lines joined, so a figure wrapped over two rows reads as one.
caption() { cap | sed -n '/▶ A race/,$p' | sed 's/^ *//' | tr '\n' ' '; }

# catching_up STEP PATTERN UNTIL [space]: every look at the screen while the lesson catches up on its way
# to STEP (its progress line counts down the seconds, no figures under way) shows PATTERN in the caption, its lines joined; looks
# go on until the screen shows UNTIL.  With space, Space is pressed at the first such look, and every look
# after it, still catching up, shows that it did not cut the measurement short.  A machine too busy to look
# in those 2 s cannot judge it, and says so.
catching_up() {
	local step=$1 want=$2 until=$3 space=${4:-} i screen text looked=0 pressed=0
	for i in $(seq 1 "$(wait_limit)"); do
		screen=$(cap)
		# A countdown with no figures under way: the step's own measurement shows '▸ measuring'.
		if echo "$screen" | grep -Eq -- "step $step of 5 +[0-9]+ s *$" && ! echo "$screen" | grep -q '▸ measuring'; then
			text=$(echo "$screen" | sed -n '/▶ A race/,$p' | sed 's/^ *//' | tr '\n' ' ')
			echo "$text" | grep -Eq -- "$want" || fail "catching up, the caption does not say /$want/: $text"
			looked=$((looked + 1))
			[ "$pressed" -gt 0 ] && { echo "$screen" | grep -q 'catching up: the measurement ends by itself in' ||
				fail "Space while catching up did not say that the measurement ends by itself"; }
			[ -n "$space" ] && [ "$pressed" = 0 ] && { keys Space; pressed=1; sleep 0.3; }
		fi
		echo "$screen" | grep -Eq -- "$until" && break
		sleep 0.1
	done
	echo "$screen" | grep -Eq -- "$until" || fail "screen never showed /$until/"
	[ "$looked" -gt 0 ] || echo "SKIP one check: the caption while catching up on the way to step $step cannot" \
		"be judged: no look at the screen came in its 2 s (the machine is busy)" >&2
	return 0
}

lesson_start "$PTVIZ" --lesson race --from 3 --seed 3 --speed 0.5
catching_up 3 'Catching up: measuring T \(sync none\) and P \(sync none\) as step 2 did, for 2 s, so that step 3 has its figures to compare with\.' \
	'step 3 of 5 +1-3: predict'
keys 3
wait_for 'step 3 of 5 +Space: next'
caption | grep -Eq -- '▸ before: increments per second over [1-9](\.[0-9])? s: T [0-9.]+ [a-z]* ?\(4 threads, sync none\)' ||
	fail "step 3 shows no 'before' figure of the race without a lock: $(caption)"
caption | grep -Eq -- '▸ increments per second over [0-9.]+ s: T [0-9.]+ [a-z]* ?\(4 threads, sync mutex\)' ||
	fail "step 3 shows no figure of its own: $(caption)"

# g 4: the lock measured again on the way; Space meanwhile leaves it to end by itself.
keys g 4 Enter
catching_up 4 'Catching up: measuring T \(sync mutex\) and P \(sync none\) as step 3 did' 'step 4 of 5 +Space: next' space
caption | grep -Eq -- '▸ before: increments per second over [1-9](\.[0-9])? s: T [0-9.]+ [a-z]* ?\(4 threads, sync mutex\)' ||
	fail "step 4 shows no 'before' figure of the lock, taken for 2 s: $(caption)"

# g 5: no measurement comes after it, so none is taken on the way.
keys g 5 Enter
wait_for 'step 5 of 5'
wait_for 'Back to no synchronisation'
cap | grep -q 'Catching up' && fail "going to step 5 measured on the way, with nothing to compare"
cap | grep -q 'with the measurement it compares with' && fail "going to step 5 said it measures"
lesson_leave
exit 0
