#!/bin/bash
# --watch and the watch command: fork_counter's `counter` at one address in every process with a value
# each (every child's its own, the parent's 100 from its first fork on), and a clear message, once, for a
# name that is not there.
set -u
PTVIZ=$(readlink -f "${1:?usage: $0 PTVIZ EXAMPLES_DIR}")
DIR=$(readlink -f "${2:?usage: $0 PTVIZ EXAMPLES_DIR}")
tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 reads the JSON here and is not installed"; exit 77; }

# 1. Four processes, one address, a value each: every child counts in its own copy by its own step, and the
# parent's stays 100 once it has forked.  Which child steps by how much is read from its own output lines
# ("child 2 (pid N): ..."); two children may hold the same number at one look (2 ticks of 3 and 3 of 2), so
# a child's value is judged against its own step, not against the others'.
timeout 60 "$PTVIZ" run --json --every 0.3 --watch counter --watch countr -- "$DIR/fork_counter" 2 >"$tmp/fc" 2>&1 ||
	fail "fork_counter: exit $?: $(tail -5 "$tmp/fc")"
python3 - "$tmp/fc" <<'PY' || fail "fork_counter: the watched values are wrong (above)"
import json, re, sys
notes, reports, step = [], [], {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "note":
        notes.append(e["message"])
    if e["event"] == "output":
        m = re.match(r"child (\d) \(pid (\d+)\)", e["text"])
        if m:
            step[int(m.group(2))] = int(m.group(1))
    if e["event"] == "report":
        reports.append(e)
if sorted(step.values()) != [1, 2, 3]:
    sys.exit(f"three children expected to say their step and pid in their output: {step}")
every = []
for e in reports:
    procs = e["groups"][0]["processes"]
    for p in procs:
        if not p["watch"]:
            continue
        w = p["watch"][0]
        # Before main sets it the parent's counter is still 0: it is 100 from its first fork on.
        if p["id"] == "A1" and len(procs) > 1 and w["value"] != 100:
            sys.exit(f"the parent's counter changed at t={e['t']}: {p}; notes: {notes}")
        if p["id"] != "A1":
            s = step.get(p["pid"])
            if s is None or w["value"] < 100 or (w["value"] - 100) % s:
                sys.exit(f"child {p['id']} (pid {p['pid']}, step {s}) holds {w['value']} at t={e['t']}, not 100 and a "
                         f"multiple of its own step: {p}")
    live = [p for p in procs if p["alive"] and p["watch"] and p["watch"][0]["now"]]
    if len(live) == 4:
        every.append(live)
if not every:
    sys.exit(f"no report with four processes read at once: {[len(e['groups'][0]['processes']) for e in reports]}")
# The copies apart: a look at which every child had counted in its own while the parent's was 100.
apart = [live for live in every if all(p["watch"][0]["value"] > 100 for p in live if p["id"] != "A1")]
best = apart[-1] if apart else every[-1]
addresses = {p["watch"][0]["address"] for live in every for p in live}
values = [p["watch"][0]["value"] for p in best]
print("addresses", addresses, "values", values, "steps", {p["id"]: step[p["pid"]] for p in best if p["id"] != "A1"})
if len(addresses) != 1:
    sys.exit(f"one address expected in every process: {addresses}")
if not apart:
    sys.exit(f"no look at which every child had counted in its own copy: {values}")
if any(w["name"] != "counter" for live in every for p in live for w in p["watch"]):
    sys.exit("only counter is found: countr is not a global")
miss = [n for n in notes if "countr" in n]
if len(miss) != 1 or "did you mean counter?" not in miss[0]:
    sys.exit(f"one message for countr naming counter expected: {miss}")
PY

# 2. The command language: watch after spawn program; a misspelt name refused with the close match.
out=$(cd "$tmp" && timeout 60 "$PTVIZ" -c "spawn program $DIR/fork_counter 1; run 0.3; watch counter; run 0.5; report" 2>&1)
echo "$out" | grep -q '^      counter = 100 at 0x' || fail "watch counter: the parent's 100 is not reported: $out"
[ "$(echo "$out" | grep -c '^      counter = [0-9]* at 0x')" -ge 4 ] || fail "watch counter: four processes expected: $out"
out=$(cd "$tmp" && timeout 60 "$PTVIZ" -c "spawn program $DIR/fork_counter 1; run 0.3; watch countr" 2>&1)
echo "$out" | grep -q "watch countr: 'countr' is not a global variable .*did you mean counter?" ||
	fail "watch countr: the message with the close match expected: $out"
out=$(timeout 30 "$PTVIZ" -c "watch counter" 2>&1)
echo "$out" | grep -q "start one first" || fail "watch without a program: $out"

# 3. A Python program: said why, once, and the run goes on.
# The interpreter itself, not a wrapper script on $PATH (pyenv's shims are shell scripts).
py=$(python3 -c 'import sys; print(sys.executable)')
timeout 60 "$PTVIZ" run --json --every 0.2 --watch counter -- "$py" -c 'import time; time.sleep(1)' >"$tmp/py" 2>&1 ||
	fail "python3: exit $?: $(cat "$tmp/py")"
[ "$(grep -c '"event":"note".*runs Python' "$tmp/py")" = 1 ] || fail "python3: one message expected: $(cat "$tmp/py")"
echo "ok"
