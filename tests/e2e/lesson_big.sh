#!/bin/bash
# --big without a lesson, for a lecturer projecting the main screen, at 100x30 and at 80x24: the top line
# drops away, the columns start on the first row; who is alive is counted in letters three rows high,
# the counter and the lost updates in large digits; under the columns, the last command in large letters
# and the newest message in bold, with no times; --no-keybar hides the key bar.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

trap 'rc=$?; (exit $rc); e2e_cleanup' EXIT INT TERM

# Rows of large letters as the half-block font draws them (src/view/letters.c).
ALIVE4_1='█ █   █ █ █   █▀█ █   ▀█▀ █ █ █▀▀'
ALIVE4_2='▀▀█ ▄▀  ▀▀█   █▀█ █    █  █ █ █▀'
ALIVE3_1='▀▀█   █ █ █   █▀█ █   ▀█▀ █ █ █▀▀'
SYNC_1='█▀▀ █ █ █▄ █ █▀▀   █▄ ▄█ █ █ ▀█▀ █▀▀ █ █'
SYNC_2='▀▀█  █  █ ▀█ █     █ ▀ █ █ █  █  █▀  ▄▀▄'
SYNC_3='▀▀▀  ▀  ▀  ▀ ▀▀▀   ▀   ▀ ▀▀▀  ▀  ▀▀▀ ▀ ▀'
KILL_3='▀ ▀ ▀▀▀ ▀▀▀ ▀▀▀    ▀  ▀▀▀'

lesson_leave() {
	lesson_collect
	keys q
	lesson_wait_end 10
	[ "$STATUS" = 0 ] || fail "status '$STATUS' after q"
	t kill-server 2>/dev/null
	lesson_none_left
	PID=""
}

for size in 100x30 80x24; do
	E2E_W=${size%x*}
	E2E_H=${size#*x}
	lesson_start "$PTVIZ" --big --no-keybar --seed 42 --max-threads 8 --max-processes 8
	wait_for 'THREADS T .* sync none'
	wait_for 'PROCESSES P'
	wait_for 'the one shared counter'
	wait_for "each process's own counter"
	wait_for 'increments/s: [0-9.]+ million|increments/s: [0-9]+'
	# The top line dropped away: the columns' boxes are the first row.
	cap | head -1 | grep -q '^┌─ THREADS T' || fail "$size: the first row is not the columns' top: $(cap | head -1)"
	cap | grep -Eq 't=[0-9.]+s|other programs use|seed 42' && fail "$size: the top line is still drawn"
	# Who is alive, in letters three rows high, in each column; the names under it.
	wait_for "│ $ALIVE4_1 .*│ $ALIVE4_1"
	cap | grep -q "│ $ALIVE4_2" || fail "$size: '4/4 alive' is not in large letters"
	wait_for '●T1 ●T2 ●T3 ●T4'
	# Large digits for the counter and the lost updates; no details.
	cap | grep -q 'lost updates' || fail "$size: no lost updates"
	cap | grep -q 'own stack @' && fail "$size: --big still shows stack addresses"
	cap | tail -1 | grep -q 'Help' && fail "$size: the key bar shows despite --no-keybar"
	# A command: in large letters under the columns, its outcome under it in normal size, and no log times.
	prompt 'sync mutex'
	wait_for "^  $SYNC_1"
	cap | grep -q "^  $SYNC_2" && cap | grep -q "^  $SYNC_3" || fail "$size: the command is not in large letters"
	wait_for 'THREADS T .* sync mutex'
	cap | grep -Eq '^ +[0-9]+\.[0-9]s ' && fail "$size: the log is drawn with its times"
	# One worker fewer: the count in letters says so, and what the kill did is said under the command.
	prompt 'kill T1'
	wait_for "│ $ALIVE3_1"
	wait_for "^  $KILL_3"
	cap | grep -A1 "^  $KILL_3" | sed -n 2p | grep -q 'T1' || fail "$size: no message about T1 under the command"
	[ "$(cap | wc -l)" -le "$E2E_H" ] || fail "$size: more rows than the terminal"
	lesson_leave
done
exit 0
