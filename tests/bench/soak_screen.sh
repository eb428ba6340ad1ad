#!/bin/bash
# The screen's soak: cycles of spawn, inject, fork, open, kill and reset typed at the `:` prompt in
# tmux, with ptviz's fds, RSS, threads and zombies printed by blocks, and each figure's slope.
# Usage: soak_screen.sh PTVIZ [CYCLES [BLOCK]]   (default 1000 cycles by blocks of 100)
set -u
PTVIZ=${1:?usage: $0 PTVIZ [CYCLES [BLOCK]]}
CYCLES=${2:-1000}
BLOCK=${3:-100}
SOCK="ptviz-soak-$$"
t() { tmux -L "$SOCK" -f /dev/null "$@"; }
PID=""
finish() {
	t kill-server 2>/dev/null
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null
	return 0
}
trap finish EXIT INT TERM

children() { ps -o pid= --ppid "$PID" 2>/dev/null | wc -l; }
zombies() { ps -o stat= --ppid "$PID" 2>/dev/null | grep -c '^Z'; }
status() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }

t new-session -d -x 120 -y 36 "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 $PTVIZ --empty" || exit 1
PID=$(t display -p '#{pane_pid}')
faults=(segv abort exit loop block)
echo "soak-screen: $CYCLES cycles typed at the : prompt (spawn threads 2, processes 3, inject each fault in"
echo "             turn, fork, open, kill, reset), by blocks of $BLOCK; ptviz pid $PID"
printf '  %8s %6s %10s %8s %8s %10s\n' cycles fds "RSS KiB" threads zombies ms/cycle
rows=""
for ((b = 0; b < CYCLES / BLOCK; b++)); do
	t0=$(date +%s%N)
	for ((i = 0; i < BLOCK; i++)); do
		f=${faults[$(((b * BLOCK + i) % 5))]}
		t send-keys ':'
		t send-keys -l "spawn threads 2; spawn processes 3; files on; inject $f T1; inject $f P1; fork P2; open P3; kill P3; reset"
		t send-keys Enter
		# The cycle is over when the prompt has closed and ptviz has no child left.
		for ((w = 0; w < 600; w++)); do
			[ "$(children)" = 0 ] && ! t capture-pane -p | grep -q '^: ' && break
			sleep 0.05
		done
	done
	ms=$(( ($(date +%s%N) - t0) / 1000000 / BLOCK ))
	sleep 0.5   # a frame or two: what the last reset let go is closed by then
	fds=$(($(ls "/proc/$PID/fd" | wc -l)))
	row="$(((b + 1) * BLOCK)) $fds $(status VmRSS) $(status Threads) $(zombies) $ms"
	rows="$rows$row"$'\n'
	printf '  %8s %6s %10s %8s %8s %10s\n' $row
done
printf '%s' "$rows" | awk '
	{ n++; x[n] = $1; for (c = 2; c <= 6; c++) y[c, n] = $c }
	END {
		split("fds RSS_KiB threads zombies ms/cycle", name, " ")
		line = "  slope per 1,000 cycles:"
		for (c = 2; c <= 6; c++) {
			sx = sy = sxx = sxy = 0
			for (i = 1; i <= n; i++) { sx += x[i]; sy += y[c, i]; sxx += x[i] * x[i]; sxy += x[i] * y[c, i] }
			d = n * sxx - sx * sx
			line = line sprintf("  %s %+.2f", name[c - 1], d ? (n * sxy - sx * sy) / d * 1000 : 0)
		}
		print line
	}'
echo "  machine: $(nproc) CPUs online, load $(cut -d' ' -f1-3 /proc/loadavg)"
t send-keys q
for ((w = 0; w < 100; w++)); do [ -d "/proc/$PID" ] || break; sleep 0.1; done
PID=""
exit 0
