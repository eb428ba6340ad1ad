#!/bin/bash
# --watch and the watch command: fork_counter's `counter` at one address in every process with a value
# each (the parent's 100 throughout), and a clear message, once, for a name that is not there.
set -u
PTVIZ=$(readlink -f "${1:?usage: $0 PTVIZ EXAMPLES_DIR}")
DIR=$(readlink -f "${2:?usage: $0 PTVIZ EXAMPLES_DIR}")
tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 reads the JSON here and is not installed"; exit 77; }

# 1. Four processes, one address, different values; the parent's stays 100 in every report.
timeout 60 "$PTVIZ" run --json --every 0.3 --watch counter --watch countr -- "$DIR/fork_counter" 2 >"$tmp/fc" 2>&1 ||
	fail "fork_counter: exit $?: $(tail -5 "$tmp/fc")"
python3 - "$tmp/fc" <<'PY' || fail "fork_counter: the watched values are wrong (above)"
import json, sys
best, notes = None, []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] == "note":
        notes.append(e["message"])
    if e["event"] != "report":
        continue
    procs = e["groups"][0]["processes"]
    for p in procs:
        if p["id"] == "A1" and p["watch"] and p["watch"][0]["value"] != 100:
            sys.exit(f"the parent's counter changed at t={e['t']}: {p}; notes: {notes}")
    live = [p for p in procs if p["alive"] and p["watch"] and p["watch"][0]["now"]]
    if best is None or len(live) > len(best):
        best = live
if not best or len(best) != 4:
    sys.exit(f"no report with four processes read at once: {best}")
addresses = {p["watch"][0]["address"] for p in best}
values = [p["watch"][0]["value"] for p in best]
print("addresses", addresses, "values", values)
if len(addresses) != 1:
    sys.exit(f"one address expected in every process: {addresses}")
if len(set(values)) != 4 or values[0] != 100:
    sys.exit(f"a value each expected, the parent's 100: {values}")
if any(w["name"] != "counter" for p in best for w in p["watch"]):
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
