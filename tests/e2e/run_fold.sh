#!/bin/bash
# ptviz run at 80x24: a shell that ran 40 short commands before it sleeps.  Once they ended a few seconds
# ago, they fold into one summary line; the live process stays in view, the keys select its rows and pass
# the folded processes by, and no row's words are cut at the pane's right border.
. "$(dirname "$0")/lib.sh"
E2E_W=80
E2E_H=24

# No text cut at the right border: the cell before every right edge of the program pane is blank, and the
# title keeps how the program is followed.
uncut() {
	local pane
	pane=$(cap | sed -n '/PROGRAM A/,/└/p')
	echo "$pane" | head -1 | grep -Eq 'PROGRAM A · .* · (traced|via /proc|followed through /proc) ' ||
		fail "$1: the title is cut"
	echo "$pane" | grep -E '^│.*[^ ]│$' && fail "$1: a row is cut at the right border"
	return 0
}

e2e_start run -- sh -c "'for i in \$(seq 40); do /bin/true; done; exec sleep 60'"
wait_for 'A1 +pid [0-9]+ +ppid [0-9]+ +S sleep .*alive'
e2e_collect
uncut "while the commands end"
wait_for '41 ended: 40 true, 1 seq \(all exit 0\)' 20
wait_for 'A1 +pid [0-9]+ +ppid [0-9]+ +S sleep .*alive'
cap | grep -Eq 'A1\.1 +tid +[0-9]+ +S sleep' || fail "A1's thread should be in view"
cap | grep -Eq '^│ A(2|3|4[0-2]) ' && fail "the folded processes should have no rows of their own"
uncut "once folded"
# Down selects A1's thread; more Downs find no row past it (the folded ones are passed by), so Up is back on A1.
wait_for 'A1 process · x segv'
keys Down
wait_for 'A1\.1 thread · x segv'
keys Down Down Up
wait_for 'A1 process · x segv'
keys q
# The program still runs, and q would end its whole tree: it asks first.
wait_for 'quit: end .* process(es)?\?'
keys y
all_gone "after q" "$PID" $WORKERS
exit 0
