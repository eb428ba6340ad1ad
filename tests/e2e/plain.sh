#!/bin/bash
# NO_COLOR, and a monochrome ASCII terminal (TERM=vt100, LANG=C): readable, never a crash.
. "$(dirname "$0")/lib.sh"

# Colour escapes in the captured screen: SGR 30-37/90-97 (fg), 40-47/100-107 (bg), or 38;/48; forms.
colours() { t capture-pane -p -e | grep -E $'\e\\[[0-9;]*(3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)[0-9;]*m' | head -3; }

# NO_COLOR in a colour terminal: the same screen, no colour.
E2E_ENV="NO_COLOR=1"
e2e_start
wait_for '4/4 alive.*4/4 alive'
wait_for 'COUNTERS'
[ -z "$(colours)" ] || fail "colour under NO_COLOR: $(colours | cat -v)"
# Bold and reverse still mark the header and the selection.
t capture-pane -p -e | grep -q $'\e\\[[0-9;]*7[0-9;]*m' || fail "nothing in reverse video under NO_COLOR"
keys q
all_gone "ptviz did not leave" "$PID" $WORKERS
t kill-server 2>/dev/null; PID=""; WORKERS=""

# vt100 and the C locale: plain ASCII, no colour, every pane and overlay drawn.
E2E_ENV="LANG=C LC_ALL=C TERM=vt100 NO_COLOR="
e2e_start
wait_for 'THREADS T . 1 process, pid [0-9]+'
wait_for 'PROCESSES P - 4 processes'
wait_for '4/4 alive.*4/4 alive'
wait_for 'o T1  o T2  o T3  o T4'
wait_for '^\+-* ?THREADS'
wait_for '\+- COUNTERS -'
wait_for '\|- T1 +tid [0-9]+'
wait_for '`- T4 +tid [0-9]+'
[ -z "$(colours)" ] || fail "colour on a vt100: $(colours | cat -v)"
ascii_only() {
	local bad
	bad=$(cap | LC_ALL=C grep -n '[^ -~]' | head -3)
	[ -z "$bad" ] || fail "not ASCII on a vt100 in the C locale: $bad"
}
ascii_only
ask_mark
keys Tab Down Down x
wait_for 'segfault: P3 \(process, pid [0-9]+\) writes through NULL\?  y/Enter yes  n/Esc no'
ascii_only
keys y
wait_answer 'P3 wrote through NULL -> SIGSEGV' "inject segv P3 (x)"
wait_for 'X P3 SIGSEGV'
ascii_only
keys Up m
wait_for 'MEMORY MAP - P2, pid'
wait_for '<- counter'
ascii_only
keys m '?'
wait_for 'HELP'
ascii_only
keys Escape
t resize-window -x 60 -y 20
wait_for 'make the terminal at least 80x24'
t resize-window -x 120 -y 36
wait_for '3/4 alive'
ascii_only
e2e_alive "$PID" || fail "ptviz died on a vt100"
exit 0
