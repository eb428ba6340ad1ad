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

# Remembers every process below ptviz as pid:start, and the pid alone in WORKERS for lib.sh's cleanup.
lesson_collect() {
	local c st
	for c in $(lesson_descendants "$PID"); do
		st=$(lesson_start_time "$c") || continue
		case " $LESSON_SEEN " in *" $c:$st "*) ;; *) LESSON_SEEN="$LESSON_SEEN $c:$st" ;; esac
		case " $WORKERS " in *" $c "*) ;; *) WORKERS="$WORKERS $c" ;; esac
	done
}
LESSON_SEEN=""

# lesson_start COMMAND...: like e2e_start, but the pane stays after the program ends, for its status.
lesson_start() {
	t new-session -d -x "$E2E_W" -y "$E2E_H" "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 $E2E_ENV $*" \; \
		set-option -w remain-on-exit on || fail "tmux did not start"
	PID=$(t display -p '#{pane_pid}')
	[ -n "$PID" ] || fail "no pane pid"
}

# lesson_wait_end SECONDS [MAX_CHILDREN]: until the program ends; meanwhile remembers its workers and
# fails if more than MAX_CHILDREN processes run below it.  Sets STATUS, and SCREENS: every screen seen
# while the program ran (for a lesson: each with its progress line), so a test can look back.
lesson_wait_end() {
	local i limit=$(( $1 * 10 )) most=${2:-64} dead="" seen screen
	SCREENS=""
	for i in $(seq 1 "$limit"); do
		dead=$(t display -p '#{pane_dead}' 2>/dev/null)
		[ "$dead" = 1 ] && break
		lesson_collect
		seen=$(lesson_descendants "$PID" | wc -l)
		[ "$seen" -le "$most" ] || fail "$seen processes under ptviz, more than the $most expected"
		screen=$(t capture-pane -p 2>/dev/null)
		case "$screen" in *"Pane is dead"*) ;; *) SCREENS="$SCREENS$screen"$'\n' ;; esac
		sleep 0.1
	done
	[ "$dead" = 1 ] || fail "the program did not end within $1 s"
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
# by another process (another start time) does not count, and is never signalled.
lesson_none_left() {
	local i id left st
	for i in $(seq 1 $(( E2E_GUARD * 10 ))); do
		left=""
		for id in $LESSON_SEEN; do
			st=$(lesson_start_time "${id%%:*}") || continue
			[ "$st" = "${id#*:}" ] && e2e_alive "${id%%:*}" && left="$left ${id%%:*}"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	LESSON_SEEN=""
	WORKERS="$left"
	[ -z "$left" ] || fail "processes left behind:$left"
}
