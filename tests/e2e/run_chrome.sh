#!/bin/bash
# ptviz run at 80x24: the top line names the program, how it is followed, its live processes and
# threads, then how it ended; the key bar lists the keys that act on a program's task (and ptviz's
# own again when one of its workers is selected); the help begins with the program view; q asks
# before it ends a running program (n keeps it), and leaves at once once it has ended, or with --keep.
. "$(dirname "$0")/lib.sh"
DIR=${2:?usage: $0 PTVIZ PROGRAMS_DIR}

E2E_W=80 E2E_H=24
header() { cap | head -1; }
bar() { cap | tail -1; }

e2e_start run -- "$DIR/sleepers" 60
wait_for 'A2 +pid [0-9]+ +ppid [0-9]+ +[RS] sleepers'
e2e_collect
A1=$(cap | grep -oE 'A1 +pid [0-9]+' | grep -oE '[0-9]+$')
A2=$(cap | grep -oE 'A2 +pid [0-9]+' | grep -oE '[0-9]+$')
[ -n "$A1" ] && [ -n "$A2" ] || fail "no pids for A1 and A2"
wait_for '^ ptviz .*A sleepers · traced · 2 proc(esse)?s, 4 threads'
header | grep -q 'sync' && fail "the top line speaks of sync with only a program on screen: '$(header)'"
wait_for 'selected A1$'
case "$(bar)" in
'F1Help ↑↓Select xSegv bAbort KKill pPause mMap oFiles :Cmd qQuit'*'selected A1') ;;
*) fail "the key bar should list the keys that act on a program's task: '$(bar)'" ;;
esac
# p on the selected process: the bar says the same key now resumes it.
keys p
wait_for ':pause A1'
wait_for 'pResume'
keys p
wait_for ':resume A1'
wait_for 'pPause'

# The help begins with the program view, on its first page.
keys F1
wait_for 'HELP'
wait_for 'Your program \(ptviz run\)'
wait_for "A1, A2 \.\.\. are the program's processes"
keys Escape
wait_gone 'HELP'

# A group of ptviz's own beside it: its worker selected, the top line and key bar are ptviz's own again.
prompt 'spawn threads 2'
wait_for 'THREADS T'
e2e_collect
keys Tab
wait_for 'selected T1$'
wait_for '^ ptviz .*sync none'
header | grep -q 'A sleepers' && fail "with T1 selected the top line should not name the program: '$(header)'"
wait_for '^F1Help tThreads'
keys Tab
wait_for 'selected A1$'
wait_for '^ ptviz .*A sleepers · traced · .* sync none'

# q asks while the program runs; n keeps everything.
keys q
wait_for 'quit: end sleepers and its 2 processes\? \(--keep leaves it running\) y/n'
keys n
wait_for 'answered no, nothing was done: quit: end sleepers'
e2e_alive "$A1" && e2e_alive "$A2" || fail "n should leave the program running"
e2e_alive "$PID" || fail "n should leave ptviz running"

# Ended: the top line says how, and q leaves at once.
prompt 'kill A'
wait_for '^ ptviz .*A sleepers · traced · ended: SIGKILL'
# An ended task takes no signal: the bar and the pane's border offer only what still works.
wait_for '^F1Help ↑↓Select mMap oFiles :Cmd qQuit'
wait_for ' A[0-9.]+ (process|thread), ended · m map · o files '
cap | grep -qE 'xSegv|x segv' && fail "keys that send a signal are offered for an ended task"
keys m
wait_for 'A[0-9]+ \(pid [0-9]+\) has ended: nothing left to map'
keys Escape
wait_gone 'MEMORY MAP'
keys q
all_gone "after q once the program ended" "$PID" $WORKERS

# --keep and --no-trace: followed through /proc, and q leaves at once, the program left running.
t kill-server 2>/dev/null
SOCK="ptviz-e2e-$$-keep"
PID="" WORKERS=""
e2e_start run --keep --no-trace -- "$DIR/sleepers" 60
wait_for 'A2 +pid [0-9]+ +ppid [0-9]+ +[RS] sleepers'
e2e_collect
wait_for '^ ptviz .*A sleepers · via /proc · 2 proc(esse)?s, 4 threads'
keys q
all_gone "after q with --keep" "$PID"
kept=""
for p in $WORKERS; do e2e_alive "$p" && kept="$kept $p"; done
[ -n "$kept" ] || fail "--keep: the program should run on after q"
kill -KILL $kept
all_gone "the kept program, killed" $kept
exit 0
