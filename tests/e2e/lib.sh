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

# The ptviz process and every child of it, by pid (no name matching).
e2e_children() {
	local p
	for p in /proc/[0-9]*; do
		[ -r "$p/stat" ] || continue
		# field 4 of stat is the parent; the name in ( ) may hold spaces, so cut after the last ')'
		local rest
		rest=$(sed 's/.*) //' "$p/stat" 2>/dev/null) || continue
		set -- $rest
		if [ "${2:-}" = "$PID" ]; then
			echo "${p#/proc/}"
		fi
	done
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
e2e_remember() { [ -n "${STARTS[$1]:-}" ] || STARTS[$1]=$(e2e_starttime "$1"); }

e2e_alive() {
	[ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null &&
		{ [ -z "${STARTS[$1]:-}" ] || [ "$(e2e_starttime "$1")" = "${STARTS[$1]}" ]; }
}

# Waits until every pid in $@ is gone; prints those left.  A dying worker at idle priority
# needs a CPU to finish, so on a busy machine the bound is generous: it only guards a hang.
e2e_gone() {
	local left i
	for i in $(seq 1 $(( E2E_GUARD * 10 ))); do
		left=""
		for p in "$@"; do e2e_alive "$p" && left="$left $p"; done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "$left"
	return 1
}

e2e_cleanup() {
	local rc=$?
	[ -n "$PID" ] && e2e_alive "$PID" && e2e_collect
	t kill-server 2>/dev/null
	local left
	if [ -n "$PID$WORKERS" ] && ! left=$(e2e_gone $PID $WORKERS); then
		echo "FAIL: processes left after the test:$left" >&2
		for p in $left; do kill -KILL "$p" 2>/dev/null; done
		rc=1
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

# wait_for TEXT [seconds]: until the screen shows TEXT (a grep -E pattern).
# Pages through the open memory map from the top until PATTERN shows; a sanitizer
# build maps hundreds of shadow regions, so a label may be many pages down.
# Leaves the view where PATTERN is, so the caller can read that row.
map_find() {
	local i
	keys Home
	sleep 0.2
	for i in $(seq 1 80); do
		cap | grep -Eq -- "$1" && return 0
		keys NPage
		sleep 0.1
	done
	fail "memory map never showed /$1/"
}

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
