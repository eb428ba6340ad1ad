#!/bin/bash
# Each worker's lifecycle strip and the memory line under each group: three busy processes pinned to one CPU
# each wait ready; one more process costs more than one more thread, one more green thread less; touch grows a process's own pages.
E2E_W=120
E2E_H=50
. "$(dirname "$0")/lib.sh"

# A life line's shares, one line each: "run N ready N".
lives() { cap | grep -oE 'life +[^ ]+ +run [0-9]+% ready [0-9]+%' | grep -oE 'run [0-9]+% ready [0-9]+%'; }

e2e_start --empty
prompt 'spawn threads 2; spawn processes 3; cpus 1 P'
wait_for '2/2 alive.*3/3 alive' 10
wait_for 'life .*run [0-9]+% ready [0-9]+%' 10
[ "$(lives | wc -l)" = 5 ] || fail "not one life line per worker: $(lives | tr '\n' ' ')"
# Judged by what holds on any machine: the three pinned workers run a CPU at most between them.
# The processes' column is on the right: the last life line of each screen row is a process's.
sum=$(cap | grep -oE 'life +[^ ]+ +run [0-9]+%[^│]*│$' | grep -oE 'run [0-9]+%' | grep -oE '[0-9]+' |
	awk '{ s += $1 } END { print s + 0 }')
[ "$sum" -le 105 ] || fail "three workers pinned to one CPU ran $sum% of a CPU between them"

wait_for 'one more thread ≈ [0-9]+ KiB' 10
wait_for 'one more process ≈ [0-9]+ KiB' 10
t=$(cap | grep -oE 'one more thread ≈ [0-9]+ KiB' | grep -oE '[0-9]+' | head -1)
p=$(cap | grep -oE 'one more process ≈ [0-9]+ KiB' | grep -oE '[0-9]+' | head -1)
[ "$p" -gt "$t" ] || fail "one more process ($p KiB) costs no more than one more thread ($t KiB)"

prompt 'touch P1 1024'
wait_for 'P1 wrote 256 pages .1024 KiB. shared with ptviz since fork; its private memory went from' 10

# The memory view charts one more thread against one more process, whichever worker's map it shows.
keys m
wait_for 'one more worker costs' 5
wait_for 'one more process +[0-9.]+ [KM]iB' 5
wait_for 'one more thread +[0-9.]+ [KM]iB' 5
keys m
wait_gone 'one more worker costs'

# Green threads: one more costs the pages of its 64 KiB stack it touched, beside the others in the chart.
prompt 'spawn green 4 as G'
wait_for 'one more green thread ≈ [0-9]+ KiB|\+1 green ≈ [0-9]+ KiB' 10
g=$(cap | grep -oE '(one more green thread|\+1 green) ≈ [0-9]+ KiB' | grep -oE '[0-9]+' | head -1)
[ "$g" -lt "$p" ] || fail "one more green thread ($g KiB) costs no less than one more process ($p KiB)"
keys m
wait_for 'one more green thread +[0-9.]+ [KM]iB' 5
wait_for 'one more thread +[0-9.]+ [KM]iB' 5
keys m
wait_gone 'one more worker costs'
exit 0
