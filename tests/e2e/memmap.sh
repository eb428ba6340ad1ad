#!/bin/bash
# The memory map (m) names each region in plain words, for a thread's host and for a process.
E2E_H=50
. "$(dirname "$0")/lib.sh"

e2e_start --empty
# S is made first, so P (forked after it) inherits S's shared segment too.
prompt 'spawn threads 2; spawn processes 2 shared as S; spawn processes 2'
wait_for '2/2 alive.*2/2 alive.*2/2 alive' 10

# A thread: its host's one address space, every thread's stack in it.
keys m
wait_for 'MEMORY MAP . host pid [0-9]+, one address space for T1..T2'
host=$(cap | grep -oE 'host pid [0-9]+' | head -1 | grep -oE '[0-9]+')
# A page key shows the row after the last one shown: none is passed over.  Judged 30 rows high,
# where the map is more than two pages long in any build.
t resize-window -x "$E2E_W" -y 30
wait_for '[0-9]+-[0-9]+ of [0-9]+ . Up/Down scroll'
until_moved 'MEMORY MAP' "$(box_state 'MEMORY MAP')" || true
at=$(box_state 'MEMORY MAP')
keys NPage
until_moved 'MEMORY MAP' "$at" || fail "PgDn did not move the map (at $at)"
read -r from last total <<<"$(echo "$at" | sed -E 's/^([0-9]+)-([0-9]+) of ([0-9]+)$/\1 \2 \3/')"
first=$(box_state 'MEMORY MAP' | sed -E 's/^([0-9]+)-.*/\1/')
# (The last page stops at the last row: then the page shows the last rows whole.)
want=$((last + 1)); end=$((total - (last - from))); [ "$end" -lt "$want" ] && want=$end
[ "$first" = "$want" ] || fail "PgDn from $at showed row $first first, not $want: rows in between are never shown"
t resize-window -x "$E2E_W" -y "$E2E_H"
# Back at full height: until the map shows more rows than at 30 (a hang guard, not a judgement).
for _ in $(seq 1 100); do
	read -r a b <<<"$(box_state 'MEMORY MAP' | sed -E 's/^([0-9]+)-([0-9]+) of .*/\1 \2/')"
	[ -n "$b" ] && [ $((b - a)) -gt $((last - from)) ] && break
	sleep 0.1
done
map_find 'thread stack of T1 '
map_find 'thread stack of T2 '
map_find 'globals ← counter .* T1..T2'
map_find "ptviz's instrument panel +[0-9a-f]+ rw-s .* all \+ ptviz"
map_find 'program code '
# A sanitizer build's malloc keeps no [heap]: ask the label only where the kernel shows one.
host=$(cap | grep -oE 'host pid [0-9]+' | head -1 | grep -oE '[0-9]+$')
if grep -q '\[heap\]' "/proc/$host/maps"; then
	map_find 'heap \(malloc\)'
fi
map_find 'library libc'
# The address shown for the instrument panel is a MAP_SHARED mapping of that very process.
map_find "ptviz's instrument panel +[0-9a-f]+"
addr=$(cap | grep -oE "ptviz's instrument panel +[0-9a-f]+" | grep -oE '[0-9a-f]+$')
grep -Eq "^0*$addr-[0-9a-f]+ rw-s" "/proc/$host/maps" || fail "instrument panel at $addr is not a rw-s mapping of $host"
# No group with a shared segment existed when T was forked: nothing is called one.
cap | grep -q 'shared segment of group' && fail "the thread host shows a shared segment it cannot have"
keys m
wait_gone 'MEMORY MAP'

# A process of S: its own address space, and S's segment, which holds the counter.
keys Tab
wait_for 'selected S1'
keys m
wait_for 'MEMORY MAP . S1, pid [0-9]+, its own address space'
map_find 'shared segment of group S ← counter +[0-9a-f]+ rw-s .* S1..S2 \+ ptviz'
map_find "ptviz's instrument panel .* all \+ ptviz"
map_find 'globals .* S1 only'
cap | grep -q 'thread stack' && fail "a single-threaded process shows thread stacks"
keys Escape
wait_gone 'MEMORY MAP'

# A process of P: a private counter among its globals, and S's segment inherited through fork.
keys Tab
wait_for 'selected P1'
keys m
wait_for 'MEMORY MAP . P1, pid [0-9]+, its own address space'
p1=$(cap | grep -oE 'P1, pid [0-9]+' | grep -oE '[0-9]+$')
map_find 'globals ← counter .* P1 only'
map_find 'shared segment of group S +[0-9a-f]+ rw-s .* S1..S2 \+ ptviz \+ this'
map_find "ptviz's instrument panel .* all \+ ptviz"
map_find "from /proc/$p1/smaps"
keys m
wait_gone 'MEMORY MAP'
exit 0
