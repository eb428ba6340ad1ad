#!/bin/bash
# Low limits: a low open-file limit still starts threads and processes, and a worker's fd 3 is
# the file ptviz meant it to inherit, never one of ptviz's own.
set -u
PTVIZ=${1:?usage: $0 PATH_TO_PTVIZ}
fail() { echo "FAIL: $*" >&2; exit 1; }

for n in 64 32; do
	out=$(ulimit -n "$n" && "$PTVIZ" -c 'spawn threads 2; run 0.1; report' 2>&1) ||
		fail "ulimit -n $n: spawn threads 2 failed: $out"
	echo "$out" | grep -q '2/2 alive\|T2 .* alive' || fail "ulimit -n $n: no live T2: $out"
	out=$(ulimit -n "$n" && "$PTVIZ" -c 'spawn processes 2; files on; run 0.1; report' 2>&1) ||
		fail "ulimit -n $n: spawn processes 2 failed: $out"
	[ "$(echo "$out" | grep -c 'open files: 0-2 /dev/null, 3 inherited from ptviz$')" = 2 ] ||
		fail "ulimit -n $n: each process's fd 3 should be inherited from ptviz and nothing more: $out"
done
exit 0
