#!/bin/bash
# Each worker's CPU chart and the group's increments per second: two busy workers pinned to one
# CPU share it (their shares add up to at most one CPU), waiting workers barely use one.
. "$(dirname "$0")/lib.sh"

E2E_W=100
E2E_H=30
# The bars, and the pale shade of a worker that used next to nothing.
BARS='[░▁▂▃▄▅▆▇█]'

# The shares now of every worker on screen, one per line, as numbers.
shares() { cap | grep -oE "cpu +$BARS+ +[0-9.]+%" | grep -oE '[0-9.]+%' | tr -d '%'; }

e2e_start --empty
prompt 'spawn processes 2; workload cpu'
wait_for "cpu +$BARS+ +[0-9.]+%" 8
wait_for 'increments/s .* [0-9][0-9 ]*/s|increments per second.* [0-9][0-9 ]*/s' 8
[ "$(shares | wc -l)" = 2 ] || fail "not one CPU chart per worker: $(shares | tr '\n' ' ')"

prompt 'cpus 1'
wait_for 'cpu, sync none, CPU [0-9]'
# A cell is half a second: after 2 s every cell shown since the pinning is a pinned one.
sleep 2
cpus=$(cap | grep -oE 'on cpu [0-9]+' | sort -u)
[ "$(echo "$cpus" | wc -l)" = 1 ] || fail "pinned workers on different CPUs: $cpus"
sum=$(shares | awk '{ s += $1 } END { printf "%d", s }')
[ "$sum" -le 110 ] || fail "two workers pinned to one CPU had $sum% of a CPU between them"

prompt 'reset; spawn threads 4; workload io; cpus 1'
wait_for '4/4 alive'
sleep 2
[ "$(shares | wc -l)" = 4 ] || fail "not one CPU chart per worker: $(shares | tr '\n' ' ')"
for s in $(shares); do
	awk -v s="$s" 'BEGIN { exit !(s < 10) }' || fail "a waiting worker used $s% of a CPU"
done
wait_for 'increments/s .* [0-9][0-9 ]*/s|increments per second.* [0-9][0-9 ]*/s'
exit 0
