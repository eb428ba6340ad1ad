#!/bin/bash
# --big: large figures instead of the detailed columns; --no-keybar hides the key bar; --seed shows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

E2E_W=100
E2E_H=30
lesson_start "$PTVIZ" --big --no-keybar --seed 42 --max-threads 8 --max-processes 8
wait_for 'THREADS T .* sync none'
wait_for 'PROCESSES P'
wait_for 'seed 42'
wait_for 'the one shared counter'
wait_for "each process's own counter"
wait_for 'increments/s: [0-9.]+ million|increments/s: [0-9]+'
# How much CPU each group has, with a bar per worker.
wait_for 'CPUs in use [0-9]\.[0-9][0-9]  T1 . T2 . T3 . T4 .'
wait_for 'CPUs in use [0-9]\.[0-9][0-9]  P1 . P2 .'
# Large digits are drawn with block characters.
cap | grep -q '█' || fail "no large digits on screen"
cap | tail -1 | grep -q 'Help' && fail "the key bar shows despite --no-keybar"
# Details dropped: no stack addresses.
cap | grep -q 'own stack @' && fail "--big still shows stack addresses"
lesson_collect
keys q
lesson_wait_end 10
[ "$STATUS" = 0 ] || fail "status '$STATUS' after q"
t kill-server 2>/dev/null
lesson_none_left
PID=""
exit 0
