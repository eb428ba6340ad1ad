# Shared by the end-to-end tests: drive the real ptviz in tmux on a private socket.
# Usage: source lib.sh PTVIZ; then e2e_start [ptviz args...].
set -u

PTVIZ=${1:?usage: $0 PATH_TO_PTVIZ}
SOCK="ptviz-e2e-$$"
E2E_W=${E2E_W:-120}
E2E_H=${E2E_H:-36}
PID=""
WORKERS=""
FAILED=0

t() { tmux -L "$SOCK" -f /dev/null "$@"; }

fail() {
	echo "FAIL: $*" >&2
	echo "---- screen ----" >&2
	t capture-pane -p >&2 2>/dev/null || true
	echo "----------------" >&2
	FAILED=1
	exit 1
}

# The ptviz process and every child of it, by pid (no name matching).  One pass of cat and awk: a
# machine busy forking has many processes, and a fork per process would take seconds.
e2e_children() {
	[ -n "$PID" ] || return 0
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v parent="$PID" '
		{
			# field 4 is the parent; the name in ( ) may hold spaces, so count after the last ")"
			n = split($0, part, ")")
			split(part[n], f, " ")
			if (f[2] == parent) print $1
		}'
}

# Remembers every worker seen so far, so cleanup can prove they are gone.
e2e_collect() {
	local c
	for c in $(e2e_children); do
		e2e_remember "$c"
		case " $WORKERS " in *" $c "*) ;; *) WORKERS="$WORKERS $c" ;; esac
	done
}

# A pid with its start time (field 22 of stat): a pid the kernel gave to another process
# since is not ours, and is neither waited for nor killed.
declare -A STARTS=()
e2e_starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }
# One gone before its start time was read is remembered as gone: its pid, given to another
# process later (soon, on a busy machine), is then never taken for it.
e2e_remember() {
	[ -n "${STARTS[$1]:-}" ] && return 0
	STARTS[$1]=$(e2e_starttime "$1")
	[ -n "${STARTS[$1]}" ] || STARTS[$1]=gone
}

e2e_alive() {
	[ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null &&
		{ [ -z "${STARTS[$1]:-}" ] || [ "$(e2e_starttime "$1")" = "${STARTS[$1]}" ]; }
}

# Time on a CPU of a whole process, its threads that ended included (utime + stime of stat), in
# ms; 0 once it is gone.
E2E_HZ=$(getconf CLK_TCK)
proc_cpu_ms() {
	local rest
	rest=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	set -- $rest
	echo $(( (${12:-0} + ${13:-0}) * 1000 / E2E_HZ ))
}

# Waits until every pid in $@ is gone.  A killed worker at idle priority ends as soon as it runs,
# and on a busy machine it may not run for seconds: so the wait is judged by CPU.  Returns 1, and
# prints those left, once one of them had DYING_MS of CPU since the wait began and is still there,
# or when ptviz alone ($PID, at normal priority) is left after E2E_GUARD seconds.  Returns 2, and
# says the end cannot be judged, when workers are left after E2E_GUARD seconds without that CPU.
DYING_MS=50
e2e_gone() {
	local left stuck i p
	local -A cpu0=()
	for p in "$@"; do cpu0[$p]=$(proc_cpu_ms "$p"); done
	for i in $(seq 1 $(( E2E_GUARD * 10 ))); do
		left=""
		stuck=""
		for p in "$@"; do
			e2e_alive "$p" || continue
			left="$left $p"
			if [ "$p" != "$PID" ] && [ $(( $(proc_cpu_ms "$p") - ${cpu0[$p]} )) -ge "$DYING_MS" ]; then
				stuck="$stuck $p"
			fi
		done
		[ -z "$left" ] && return 0
		[ -n "$stuck" ] && { echo "$stuck (each had $DYING_MS ms of CPU or more meanwhile)"; return 1; }
		sleep 0.1
	done
	echo "$left"
	[ "$left" = " $PID" ] && return 1
	echo "SKIP one check: the end of$left cannot be judged: none had $DYING_MS ms of CPU in" \
		"$E2E_GUARD s (the machine is busy)" >&2
	return 2
}

# all_gone WHAT PID...: the test fails when e2e_gone finds a process that does not end.
all_gone() {
	local what=$1 left rc
	shift
	left=$(e2e_gone "$@")
	rc=$?
	[ "$rc" = 1 ] && fail "$what: still running:$left"
	return 0
}

e2e_cleanup() {
	local rc=$?
	[ -n "$PID" ] && e2e_alive "$PID" && e2e_collect
	t kill-server 2>/dev/null
	local left gone=0
	if [ -n "$PID$WORKERS" ]; then
		left=$(e2e_gone $PID $WORKERS) || gone=$?
	fi
	if [ "$gone" != 0 ]; then
		[ "$gone" = 1 ] && echo "FAIL: processes left after the test:$left" >&2 && rc=1
		for p in $left; do e2e_alive "$p" && kill -KILL "$p" 2>/dev/null; done
	fi
	[ "$FAILED" = 1 ] && rc=1
	exit $rc
}
trap e2e_cleanup EXIT INT TERM

# How long a wait may last before it is taken for a hang, in seconds.  A wait ends as soon as
# what it waits for happens, so a generous bound costs nothing on a quiet machine and keeps a
# machine loaded by other work from failing a test that is right.
E2E_GUARD=${E2E_GUARD:-40}

# E2E_ENV: more VAR=value words for ptviz's environment (they win over the UTF-8 locale).
E2E_ENV=${E2E_ENV:-}

e2e_start() {
	t new-session -d -x "$E2E_W" -y "$E2E_H" \
		"exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 $E2E_ENV $PTVIZ $*" || fail "tmux did not start"
	PID=$(t display -p '#{pane_pid}')
	[ -n "$PID" ] || fail "no pane pid"
	e2e_remember "$PID"
}

cap() { t capture-pane -p; }
keys() { t send-keys "$@"; }
# Types a command at the ':' prompt.
prompt() { t send-keys ':'; t send-keys -l "$1"; t send-keys Enter; }

# The screen's clock (the header's t=), which moves with every frame ptviz draws.
clock() { cap | head -1 | grep -oE 't=[0-9.]+s'; }

# region TOP: the lines of the box whose top line matches TOP, down to its bottom corner.
region() { cap | sed -n "/$1/,/└/p"; }

# What says where a box is: its "N-M of T" when it shows one (the memory map's figures change
# from frame to frame by themselves, so a box that merely redrew is not one that moved), else
# all of it.
box_state() {
	local at
	at=$(region "$1" | tail -1 | grep -oE '[0-9]+-[0-9]+ of [0-9]+')
	if [ -n "$at" ]; then echo "$at"; else region "$1"; fi
}

# until_moved TOP BEFORE: after a key, until the box TOP's state (box_state) differs from
# BEFORE (0), or ptviz has drawn three more frames without a change (1: the key changed
# nothing).  Counted in frames, so a slow frame on a busy machine cannot make a test look
# before the key took effect.
until_moved() {
	local c c0 drawn=0 i
	c0=$(clock)
	for i in $(seq 1 $(( E2E_GUARD * 20 ))); do
		[ "$(box_state "$1")" != "$2" ] && return 0
		c=$(clock)
		[ "$c" != "$c0" ] && { drawn=$((drawn + 1)); c0=$c; }
		[ "$drawn" -ge 3 ] && return 1
		sleep 0.05
	done
	return 1
}

# page_to PATTERN KEY N TOP: presses KEY until the box TOP shows PATTERN (grep -E), at most N
# times, one press at a time: each waits until the box has moved, so none is pressed twice for
# one page; a press that moves nothing is the end.  False when PATTERN never showed.
page_to() {
	local pattern=$1 key=$2 n=$3 top=$4 i before
	for i in $(seq 1 "$n"); do
		region "$top" | grep -Eq -- "$pattern" && return 0
		before=$(box_state "$top")
		keys "$key"
		until_moved "$top" "$before" || break
	done
	region "$top" | grep -Eq -- "$pattern"
}

# Pages through the open memory map from the top until PATTERN shows; a sanitizer
# build maps hundreds of shadow regions, so a label may be many pages down.
# Leaves the view where PATTERN is, so the caller can read that row.  A PATTERN the
# view shows already is found there, without paging (Home on a view at the top moves
# nothing, and that is known only after three frames).
map_find() {
	local before
	region 'MEMORY MAP' | grep -Eq -- "$1" && return 0
	before=$(box_state 'MEMORY MAP')
	keys Home
	until_moved 'MEMORY MAP' "$before"
	page_to "$1" NPage 80 'MEMORY MAP' || fail "memory map never showed /$1/"
}

# wait_for TEXT [seconds]: until the screen shows TEXT (a grep -E pattern).

# The seconds given are what the wait needs on a quiet machine; the bound is E2E_GUARD at least.
wait_limit() { local s=${1:-5}; [ "$s" -lt "$E2E_GUARD" ] && s=$E2E_GUARD; echo $(( s * 10 )); }

wait_for() {
	local i n=$(wait_limit "${2:-}")
	for i in $(seq 1 "$n"); do
		cap | grep -Eq -- "$1" && { e2e_collect; return 0; }
		sleep 0.1
	done
	fail "screen never showed /$1/"
}

wait_gone() {
	local i n=$(wait_limit "${2:-}")
	for i in $(seq 1 "$n"); do
		cap | grep -Eq -- "$1" || return 0
		sleep 0.1
	done
	fail "screen still shows /$1/"
}

# number LABEL [N]: the Nth number on screen after LABEL (digits grouped by spaces), reading
# left to right, top to bottom: with two columns side by side, 1 is the left one.
number() {
	cap | grep -oE -- "$1 [0-9][0-9 ]*" | sed -n "${2:-1}p" | tr -dc '0-9'
}

# click COL ROW: a left click (press, then release) at 0-based screen coordinates, sent as the
# xterm X10 mouse report that ptviz asked the terminal for (ESC [ M button x y, each + 32).
click() {
	local x y
	x=$(printf '%x' $(( $1 + 33 ))); y=$(printf '%x' $(( $2 + 33 )))
	t send-keys -H 1b 5b 4d 20 "$x" "$y"
	t send-keys -H 1b 5b 4d 23 "$x" "$y"
}

# where TEXT [NTH]: "COL ROW" (0-based screen cells) of the NTH line (default 1) showing TEXT (a
# fixed string).  Counted in characters, not bytes: the box lines are multibyte in UTF-8.
where() {
	local line prefix row=0 n=0
	while IFS= read -r line; do
		if [[ "$line" == *"$1"* ]]; then
			n=$((n + 1))
			if [ "$n" = "${2:-1}" ]; then
				prefix=${line%%"$1"*}
				echo "$(LC_ALL=C.UTF-8 bash -c 'p=$1; echo ${#p}' _ "$prefix") $row"
				return 0
			fi
		fi
		row=$((row + 1))
	done < <(cap)
	return 1
}

# Time on a CPU of every thread of the processes given, in ms (schedstat; the ticks of stat
# where the kernel has no schedstat).  Gone processes count 0.
cpu_ms() {
	local p f ns total=0
	for p in "$@"; do
		for f in /proc/"$p"/task/*; do
			if read -r ns _ < "$f/schedstat" 2>/dev/null; then
				total=$(( total + ns / 1000000 ))
			fi
		done
	done
	echo "$total"
}

# A clock in ms, to weigh CPU time against.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# judge_by_cpu WHAT CHECK MEASURE BUDGET: waits until the shell command CHECK succeeds.  The
# check is judged by CPU, not by the wall clock: it fails only once MEASURE (a command printing
# ms of CPU used since it was first called with "start") reaches BUDGET ms and CHECK still does
# not hold.  When the machine is so busy that the workers get less than that in E2E_GUARD
# seconds, it says it cannot judge WHAT and returns 1 without failing, so the caller skips it.
judge_by_cpu() {
	local what=$1 check=$2 measure=$3 budget=$4 i used=0
	$measure start
	for i in $(seq 1 $(( E2E_GUARD * 10 ))); do
		eval "$check" && return 0
		used=$($measure)
		[ "$used" -ge "$budget" ] && { eval "$check" && return 0
			fail "$what: not so after $used ms of the workers' CPU"; }
		sleep 0.1
	done
	echo "SKIP one check: $what cannot be judged: the workers had only $used ms of CPU" \
		"in ${E2E_GUARD} s (the machine is busy); it needs $budget ms" >&2
	return 1
}

# ask_mark, then a key or a command that a worker must answer, then wait_answer PATTERN WHAT: waits
# until the screen shows PATTERN.  The engine waits a few seconds by the clock for a worker to
# answer (a fault, a spawn) and then says "... within N ms" instead: that fails the test only when
# every worker process had ANSWER_MS of CPU since ask_mark; with less, it says WHAT cannot be
# judged, and the test ends there (exit 0), for what follows depends on the answer.
ANSWER_MS=50
declare -A ASKED=()
ask_mark() {
	local p
	e2e_collect
	ASKED=()
	for p in $WORKERS; do ASKED[$p]=$(proc_cpu_ms "$p"); done
}
wait_answer() {
	local pattern=$1 what=$2 i n=$(wait_limit) screen said least p ms
	for i in $(seq 1 "$n"); do
		screen=$(cap)
		echo "$screen" | grep -Eq -- "$pattern" && { e2e_collect; return 0; }
		said=$(echo "$screen" | grep -E ' within [0-9]+ ms' | head -1)
		[ -n "$said" ] && break
		sleep 0.1
	done
	[ -n "$said" ] || fail "screen never showed /$pattern/"
	least=""
	for p in "${!ASKED[@]}"; do
		e2e_alive "$p" || continue
		ms=$(( $(proc_cpu_ms "$p") - ${ASKED[$p]} ))
		[ -z "$least" ] || [ "$ms" -lt "$least" ] && least=$ms
	done
	[ -n "$least" ] && [ "$least" -ge "$ANSWER_MS" ] &&
		fail "$what: the screen says '$said' although every worker had $least ms of CPU or more meanwhile"
	echo "SKIP one check: $what cannot be judged: the screen says '$(echo $said)', and a worker had only" \
		"${least:-0} ms of CPU meanwhile (the machine is busy); it needs $ANSWER_MS ms" >&2
	exit 0
}

# Measures for judge_by_cpu, over the processes in $JUDGED: CPU used since the start, and CPU
# used beyond one CPU's worth (time two of them surely ran at once on different CPUs).
JUDGED=""
cpu_since_start() {
	if [ "${1:-}" = start ]; then CPU0=$(cpu_ms $JUDGED); return; fi
	echo $(( $(cpu_ms $JUDGED) - CPU0 ))
}
cpu_beyond_one() {
	if [ "${1:-}" = start ]; then CPU0=$(cpu_ms $JUDGED); T0=$(now_ms); return; fi
	local extra=$(( $(cpu_ms $JUDGED) - CPU0 - ($(now_ms) - T0) ))
	[ "$extra" -lt 0 ] && extra=0
	echo "$extra"
}
