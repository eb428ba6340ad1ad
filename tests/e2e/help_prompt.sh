#!/bin/bash
# The help overlay, and a prompt error shown in place with its column.
. "$(dirname "$0")/lib.sh"

# Presses KEY up to N times, one press a frame, until the help shows PATTERN (a fixed string).
scroll_to() {
	local pattern
	pattern=$(printf '%s' "$1" | sed 's/[(]/\\(/g')
	page_to "$pattern" "$2" "$3" 'HELP' || fail "the help never showed /$pattern/"
}

e2e_start --empty
wait_for 'No workers yet'
keys '?'
wait_for 'HELP'
wait_for 'Keys'
wait_for 'start 4 threads .* = :spawn threads 4'
# Outside a lesson the general keys come first; a lesson's keys have their own section.
cap | grep -q 'Keys in a lesson' && fail 'lesson keys shown before the general keys'
# The command a key runs names the selected worker WORKER, never a raw %w.
scroll_to 'inject segv' Down 30
wait_for '= :inject segv WORKER'
cap | grep -q '%w' && fail 'a raw %w in the help'
keys End
# The last section lists the whole command language, one command a line.
wait_for 'fork WORKER'
wait_for 'bench create\|forksize\|switch\|ipc\|all'
scroll_to 'Commands (after' Up 40
# The sections before the last are some pages up (Up moved a line at a time just above).
scroll_to 'Survivors' PPage 20
wait_for 'A fault in one thread'
keys Escape
wait_gone 'HELP'

keys ':'
t send-keys -l 'spawn thraeds 2'
keys Enter
wait_for "\\^ column 7: cannot spawn 'thraeds': expected threads or processes"
wait_for ':spawn thraeds 2'
# Fix it where it is: the prompt kept the text.
keys C-u
t send-keys -l 'spawn threads 1'
keys Enter
wait_for 'spawned 1 thread T1'
# History: Up brings back the last command.
keys ':' Up
wait_for ':spawn threads 1'
keys Escape
wait_gone '^:spawn'
# Tab completes a verb, then the word after it, from the verb's record.
keys ':'
t send-keys -l 'work'
keys Tab
wait_for '^:workload *$'
t send-keys -l 'dea'
keys Tab
wait_for '^:workload deadlock *$'
keys Escape
wait_gone '^:workload'
exit 0
