#!/bin/bash
# At 80x24, as good as at 100x30: with a worker selected the key bar keeps F1 and ':'; ':help' and ':?'
# open the help, whose first page is a card of every key and pane, and '/' finds a word in it; Tab lists
# the words that fit; the log shows whole messages only.
E2E_W=80
E2E_H=24
. "$(dirname "$0")/lib.sh"

# The log's rows: between the groups' bottom border and the key bar.
log_rows() { cap | sed -n '/^└/,$p' | sed '1d;$d'; }

e2e_start --empty
prompt 'spawn threads 4; spawn processes 4'
wait_for '4/4 alive.*4/4 alive'
wait_for 'selected T1'
bar=$(cap | tail -1)
case "$bar" in
F1Help*:Cmd*qQuit*'selected T1') ;;
*) fail "with a worker selected, the key bar at 80 columns lost F1, ':' or the selection: '$bar'" ;;
esac

# :help and :? open the help on its card: every row of keys, and the panes, on one page.
prompt 'help'
wait_for 'HELP'
wait_for 'select +Up/k +Down/j +Left/h'
wait_for 'break +x segfault .* K/F9 kill'
wait_for 'screen +F1/\? help +: command'
wait_for 'THREADS \(left\)'
wait_for 'log: what happened'
cap | grep -q 'unknown command' && fail ":help answered 'unknown command'"
keys Escape
wait_gone 'HELP'
prompt '?'
wait_for 'HELP'
wait_for 'guard +r race'

# '/' finds a word that is not on the card: the view moves to it, and n goes on to the next.
cap | grep -q "MAP_SHARED" && fail "MAP_SHARED is on the card: the search would not need to move"
keys /
wait_for '/_'
t send-keys -l 'MAP_SHARED'
keys Enter
wait_for '/MAP_SHARED: n next, N back'
wait_for '│.*MAP_SHARED'
first=$(box_state 'HELP')
keys n
until_moved 'HELP' "$first" || fail "n did not move to the next place MAP_SHARED shows"
wait_for '│.*MAP_SHARED'
# A word nowhere in the help says so.
keys /
t send-keys -l 'zebra'
keys Enter
wait_for "'zebra' is not in the help"
keys Escape
wait_gone 'HELP'
# :help WORDS opens the help at WORDS.
prompt 'help lockorder'
wait_for '/lockorder: n next'
wait_for '│.*lockorder'
keys Escape
wait_gone 'HELP'

# Tab with more than one word that fits lists them; with one, completes it.
keys ':'
t send-keys -l 'inject '
keys Tab
wait_for '^Tab: segv abort exit loop block'
t send-keys -l 'se'
keys Tab
wait_for '^:inject segv *$'
keys Tab
wait_for '^Tab: T1 T2 T3 T4 P1 P2 P3 P4'
keys C-u
t send-keys -l 'kill P'
keys Tab
wait_for '^Tab: P1 P2 P3 P4 P'
keys C-u
t send-keys -l 'Pa'
keys Tab
wait_for '^:pause *$'
keys Escape
wait_gone '^:pause'

# Messages long enough to wrap: the log's top row is the start of one (or says older ones wait above),
# never the end of a message cut off.
prompt 'report'
wait_for 'report: P '
top=$(log_rows | head -1)
echo "$top" | grep -qE '^(▲ PgUp +older messages|▲ PgUp +report:| +[0-9]+\.[0-9]s report:)' ||
	fail "the log's top row is not the start of a message: '$top'"
# And after PgUp, the same.
keys PPage
wait_for 'PgDn'
top=$(log_rows | head -1)
echo "$top" | grep -qE '^(▲ PgUp +older messages|▲ PgUp +[^ ]| +[0-9]+\.[0-9]s [^ ])' ||
	fail "after PgUp, the log's top row is not the start of a message: '$top'"
e2e_alive "$PID" || fail "ptviz died at 80x24"
exit 0
