#!/bin/bash
# Low limits: a low open-file limit still starts threads and processes, and a worker's fd 3 is
# the file ptviz meant it to inherit, never one of ptviz's own; a low task limit is named.
set -u
PTVIZ=${1:?usage: $0 PATH_TO_PTVIZ [PATH_TO_REFUSE_VM_READV]}
REFUSE=${2:-}
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

# Past a hard open-file limit too low for every worker's /proc files (two a worker), the workers
# without them are named once, in the log and the JSON, with the limit and what shows instead.
out=$(ulimit -n 20 && "$PTVIZ" -c 'spawn threads 16; run 0.2; report' 2>&1) ||
	fail "ulimit -n 20: spawn threads 16 failed: $out"
[ "$(echo "$out" | grep -c 'could not open the /proc files of T[0-9]*\.\.T16 .*ulimit -n is 20.*state shows ?')" = 1 ] ||
	fail "ulimit -n 20: the workers without /proc files are not named once with the limit: $out"
echo "$out" | grep -q 'T16 .* ? alive' || fail "ulimit -n 20: T16 should show state ?: $out"
out=$(ulimit -n 20 && "$PTVIZ" --json -c 'spawn threads 16; run 0.2' 2>&1) ||
	fail "ulimit -n 20 --json: spawn threads 16 failed: $out"
[ "$(echo "$out" | grep -c '"event":"no_proc".*"T16"\].*"ulimit_n":20')" = 1 ] ||
	fail "ulimit -n 20 --json: no one no_proc event with T16 and ulimit_n 20: $out"

# Where reading a worker's memory is refused (a strict seccomp profile), ptviz says so, once, and
# shows no counter as if it were read.
if [ -n "$REFUSE" ]; then
	out=$("$REFUSE" "$PTVIZ" -c 'spawn threads 2; spawn processes 2; run 0.3; report' 2>&1)
	[ "$(echo "$out" | grep -c 'may not read its workers. memory (process_vm_readv: Operation not permitted)')" = 1 ] ||
		fail "process_vm_readv refused: not said once: $out"
fi

# The limit on a user's tasks (ulimit -u counts threads too): named, with the way around it, and
# nothing half-started.  Root is not held to it, so this is judged only as a normal user.
if [ "$(id -u)" = 0 ]; then
	echo "SKIP one check: ulimit -u does not hold for root; it is judged when the tests run as a normal user" >&2
else
	for what in threads processes; do
		out=$(ulimit -u $(( $(ps -u "$(id -u)" -L --no-headers | wc -l) + 6 )) &&
			"$PTVIZ" -c "spawn $what 20" 2>&1) && fail "ulimit -u: spawn $what 20 succeeded: $out"
		echo "$out" | grep -q 'ulimit -u' || fail "ulimit -u: the limit is not named: $out"
		echo "$out" | grep -q 'nothing' || fail "ulimit -u: does not say nothing was started: $out"
	done
fi
exit 0
