# Shared by the lesson tests: a lesson in tmux that may end by itself, its exit status, and every
# descendant of ptviz remembered by pid so that none can outlive the test.  Source after lib.sh.

# Every process below $1, by walking parent links in /proc (no name matching).  One pass of cat and awk:
# a machine busy forking has many processes, and a fork per process would take seconds.
lesson_descendants() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
		{
			# The name in ( ) may hold spaces and parentheses: the fields go on after the last ")".
			n = split($0, part, ")")
			split(part[n], f, " ")
			parent[$1] = f[2]
		}
		END {
			want[root] = 1
			for (changed = 1; changed; ) {
				changed = 0
				for (p in parent)
					if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 }
			}
			for (p in want)
				if (p != root) print p
		}'
}

# A process's start time (field 22 of its stat): with the pid, it names the process even after the pid
# is reused, which happens quickly on a machine that forks a lot.
lesson_start_time() {
	local rest
	rest=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	set -- $rest
	echo "${20:-}"
}

# Remembers every process below ptviz as pid:start, and the pid alone in WORKERS for lib.sh's cleanup,
# and the CPU each has had, as last seen.  LESSON_BELOW: how many processes were below it at this look.
lesson_collect() {
	local c st below
	below=$(lesson_descendants "$PID")
	LESSON_BELOW=$(echo "$below" | grep -c .)
	for c in $below; do
		st=$(lesson_start_time "$c") || continue
		case " $LESSON_SEEN " in *" $c:$st "*) ;; *) LESSON_SEEN="$LESSON_SEEN $c:$st" ;; esac
		case " $WORKERS " in *" $c "*) ;; *) WORKERS="$WORKERS $c" ;; esac
		LESSON_CPU[$c:$st]=$(proc_cpu_ms "$c")
	done
}
LESSON_SEEN=""
LESSON_BELOW=0
declare -A LESSON_CPU=()

# The CPU every process below ptviz had, as far as seen, in ms.
lesson_cpu_ms() {
	local id total=0
	for id in "${!LESSON_CPU[@]}"; do total=$(( total + LESSON_CPU[$id] )); done
	echo "$total"
}

# lesson_start COMMAND...: like e2e_start, but the pane stays after the program ends, for its status,
# and so does its last screen (no alternate screen): what it showed last is read after it ended, not
# caught by a look that a busy machine may make too late.
lesson_start() {
	t new-session -d -x "$E2E_W" -y "$E2E_H" "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 $E2E_ENV $*" \; \
		set-option -w remain-on-exit on \; set-option -w alternate-screen off || fail "tmux did not start"
	PID=$(t display -p '#{pane_pid}')
	[ -n "$PID" ] || fail "no pane pid"
}

# lesson_wait_end SECONDS [MAX_CHILDREN]: until the program ends; meanwhile remembers its workers and
# fails if more than MAX_CHILDREN processes run below it.  Sets STATUS, and SCREENS: every screen seen
# while the program ran (for a lesson: each with its progress line) and the last one it drew, so a
# test can look back.  The seconds are what it needs on a quiet machine; the bound is E2E_GUARD at
# least, for it only guards a hang.
lesson_wait_end() {
	local i limit=$(wait_limit "$1") most=${2:-64} dead="" seen screen
	SCREENS=""
	for i in $(seq 1 "$limit"); do
		dead=$(t display -p '#{pane_dead}' 2>/dev/null)
		[ "$dead" = 1 ] && break
		# One walk of /proc a look: on a machine with many processes each walk takes a while.
		lesson_collect
		seen=$LESSON_BELOW
		[ "$seen" -le "$most" ] || fail "$seen processes under ptviz, more than the $most expected"
		screen=$(t capture-pane -p 2>/dev/null)
		case "$screen" in *"Pane is dead"*) ;; *) SCREENS="$SCREENS$screen"$'\n' ;; esac
		sleep 0.1
	done
	[ "$dead" = 1 ] || fail "the program did not end within $(( limit / 10 )) s"
	SCREENS="$SCREENS$(t capture-pane -p 2>/dev/null | grep -v 'Pane is dead')"$'\n'
	STATUS=""
	for i in $(seq 1 30); do
		STATUS=$(t display -p '#{pane_dead_status}' 2>&1)
		[ -n "$STATUS" ] && break
		# tmux built with libutempter can miss the SIGCHLD of a pane that exits just as its pty
		# closes, and then never reaps it (tmux issue 311): remind our own server, by its pid.
		[ "$i" = 5 ] && kill -CHLD "$(t display -p '#{pid}')" 2>/dev/null
		# tmux 3.3 has no pane_dead_signal; its own line says which signal ended the program.
		STATUS=$(t capture-pane -p 2>/dev/null | grep -o 'Pane is dead (signal [0-9]*' | sed 's/.*(//')
		[ -n "$STATUS" ] && break
		sleep 0.1
	done
}

# Every remembered process is gone (ptviz ends its workers; PDEATHSIG backs that up).  A pid now used
# by another process (another start time) does not count, and is never signalled.  Judged as e2e_gone
# judges: one left fails once it had DYING_MS of CPU meanwhile; without that CPU in E2E_GUARD seconds,
# the end cannot be judged and is skipped.
lesson_none_left() {
	local i id left st stuck p
	local -A cpu0=()
	for id in $LESSON_SEEN; do cpu0[$id]=$(proc_cpu_ms "${id%%:*}"); done
	for i in $(seq 1 $(( E2E_GUARD * 10 ))); do
		left=""
		stuck=""
		for id in $LESSON_SEEN; do
			p=${id%%:*}
			st=$(lesson_start_time "$p") || continue
			[ "$st" = "${id#*:}" ] && e2e_alive "$p" || continue
			left="$left $p"
			[ $(( $(proc_cpu_ms "$p") - ${cpu0[$id]} )) -ge "$DYING_MS" ] && stuck="$stuck $p"
		done
		[ -z "$left" ] || [ -n "$stuck" ] && break
		sleep 0.1
	done
	LESSON_SEEN=""
	WORKERS="$left"
	[ -n "$stuck" ] && fail "processes left behind:$stuck, each with $DYING_MS ms of CPU or more since ptviz ended"
	if [ -n "$left" ]; then
		echo "SKIP one check: the end of$left cannot be judged: none had $DYING_MS ms of CPU in $E2E_GUARD s" \
			"(the machine is busy)" >&2
		for p in $left; do kill -KILL "$p" 2>/dev/null; done
		WORKERS=""
	fi
	return 0
}

# lesson_stopped_unanswered NAME: a lesson that stopped because a worker did not answer a request in the
# engine's few seconds by the clock ("... within N ms") cannot be judged when its workers had less than
# LESSON_CPU_MS of CPU between them: it says so (true).  With more, or another error, false.
LESSON_CPU_MS=500
lesson_stopped_unanswered() {
	local said used
	said=$(echo "$SCREENS" | grep -A3 ' STOPPED ' | grep -oE '[^ ].* within [0-9]+ ms' | head -1)
	[ -n "$said" ] || return 1
	used=$(lesson_cpu_ms)
	[ "$used" -ge "$LESSON_CPU_MS" ] && return 1
	echo "SKIP one check: lesson $1 cannot be judged: it stopped at '$said', and its workers had $used ms of" \
		"CPU between them (the machine is busy); it needs $LESSON_CPU_MS ms" >&2
	return 0
}
