#!/bin/bash
# Every way out of the screen, from a shell with core files on: q, F10, Ctrl-C, SIGTERM, SIGHUP,
# SIGQUIT, SIGKILL, SIGSEGV to ptviz, and Ctrl-Z then fg.  Each leaves no worker, gives the
# terminal back as it was (but SIGKILL, after which nothing of ptviz runs), and leaves no core file.
. "$(dirname "$0")/lib.sh"

PTVIZ=$(realpath "$PTVIZ")
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; e2e_cleanup' EXIT INT TERM
chmod 777 "$DIR"

# A core the kernel hands to a program (a pipe) or writes elsewhere cannot be seen from here.
CORES_HERE=1
case "$(cat /proc/sys/kernel/core_pattern)" in
'|'* | /*)
	CORES_HERE=0
	echo "SKIP one check: kernel.core_pattern is '$(cat /proc/sys/kernel/core_pattern)', so a core" \
		"file would not appear in the working directory; the no-core check is skipped" >&2
	;;
esac

# A plain shell: dash, as in the classroom's terminals, puts back nothing of the terminal a
# program leaves behind (bash restores it after a job killed by a signal, hiding the fault).
SHELL_I="bash --norc --noprofile -i"
command -v dash >/dev/null && SHELL_I="dash -i"

# The shell's own line, ending in a file that says ptviz is over.
shell_start() {
	t new-session -d -x "$E2E_W" -y "$E2E_H" "cd '$DIR' && PS1='$ ' exec $SHELL_I" || fail "tmux did not start"
	rm -f "$DIR"/before "$DIR"/after "$DIR"/mid "$DIR"/over "$DIR"/core*
	keys "ulimit -c unlimited; stty -g > before; LANG=C.UTF-8 LC_ALL=C.UTF-8 $PTVIZ; stty -g > after; echo > over" Enter
	local i shell
	shell=$(t display -p '#{pane_pid}')
	for i in $(seq 1 "$(wait_limit)"); do
		PID=$(ps -o pid= --ppid "$shell" | head -1 | tr -d ' ')
		[ -n "$PID" ] && break
		sleep 0.1
	done
	[ -n "$PID" ] || fail "ptviz did not start under the shell"
	e2e_remember "$PID"
	wait_for '4/4 alive.*4/4 alive'
}

wait_over() {
	local i
	for i in $(seq 1 "$(wait_limit)"); do
		[ -f "$DIR/over" ] && return 0
		sleep 0.1
	done
	fail "$1: the shell never came back after ptviz"
}

for how in q F10 C-c TERM HUP QUIT KILL SEGV C-z; do
	# A server of its own each time: the last one may still be on its way out.
	SOCK="ptviz-e2e-$$-$how"
	shell_start
	e2e_collect
	[ "$(echo $WORKERS | wc -w)" -ge 5 ] || fail "$how: expected 5 children (host + 4 processes), saw:$WORKERS"
	case $how in
	q | F10 | C-c) keys "$how" ;;
	C-z)
		keys C-z
		wait_for 'Stopped'
		keys 'stty -g > mid' Enter
		for i in $(seq 1 "$(wait_limit)"); do [ -s "$DIR/mid" ] && break; sleep 0.1; done
		cmp -s "$DIR/before" "$DIR/mid" ||
			fail "Ctrl-Z: terminal not given back while stopped: stty -g $(cat "$DIR/mid" 2>/dev/null)"
		for p in $WORKERS; do e2e_alive "$p" || fail "Ctrl-Z: worker $p ended while ptviz was stopped"; done
		keys fg Enter
		wait_for 'ptviz was stopped [0-9.]+ s; its workers ran on'
		keys q
		;;
	*) kill -"$how" "$PID" ;;
	esac
	wait_over "$how"
	all_gone "after $how" "$PID" $WORKERS
	if [ "$how" != KILL ]; then
		cmp -s "$DIR/before" "$DIR/after" ||
			fail "$how: terminal not restored: stty -g was $(cat "$DIR/before"), now $(cat "$DIR/after")"
	fi
	if [ "$CORES_HERE" = 1 ] && ls "$DIR"/core* >/dev/null 2>&1; then
		fail "$how: a core file was left in the working directory: $(ls "$DIR"/core*)"
	fi
	t kill-server 2>/dev/null
	PID=""
	WORKERS=""
done

# A terminal that cannot move the cursor is refused at once, with the way out, as an unknown one is.
SOCK="ptviz-e2e-$$-dumb"
t new-session -d -x "$E2E_W" -y "$E2E_H" "cd '$DIR' && PS1='$ ' exec $SHELL_I" || fail "tmux did not start"
keys "TERM=dumb $PTVIZ 2> dumb.err; echo \$? > dumb.rc" Enter
for i in $(seq 1 "$(wait_limit)"); do [ -s "$DIR/dumb.rc" ] && break; sleep 0.1; done
[ "$(cat "$DIR/dumb.rc" 2>/dev/null)" = 2 ] || fail "TERM=dumb: exit $(cat "$DIR/dumb.rc" 2>/dev/null), expected 2"
grep -q "TERM=xterm-256color" "$DIR/dumb.err" || fail "TERM=dumb: no way out named: $(cat "$DIR/dumb.err")"
t kill-server 2>/dev/null

# The first-frame hook creates its file: it neither follows a symlink nor writes over a file.
echo "the students' notes" > "$DIR/notes"
ln -s "$DIR/notes" "$DIR/hook"
SOCK="ptviz-e2e-$$-hook"
E2E_ENV="PTVIZ_FIRST_FRAME=$DIR/hook"
e2e_start --empty
wait_for 'cannot create .*hook'
keys q
all_gone "after q" "$PID"
PID=""
[ "$(cat "$DIR/notes")" = "the students' notes" ] || fail "PTVIZ_FIRST_FRAME wrote through a symlink"
exit 0
