#!/bin/bash
# A screencast: asciinema records a lesson under --autoplay inside tmux, and every caption of the
# lesson is in the recording.  Skipped (77) where asciinema is not installed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

if ! command -v asciinema >/dev/null 2>&1; then
	echo "SKIP: asciinema is not installed (apt-get install asciinema)"
	exit 77
fi
LESSON=${LESSON:-crash}
DIR=$(mktemp -d)
trap 'rc=$?; rm -rf "$DIR"; (exit $rc); e2e_cleanup' EXIT INT TERM
CAST="$DIR/$LESSON.cast"
E2E_W=100
E2E_H=30
# asciinema keeps its settings under a folder of its own; keep them out of the user's home.
E2E_ENV="ASCIINEMA_CONFIG_HOME=$DIR/config"
lesson_start asciinema rec --quiet --overwrite -c "'$PTVIZ --lesson $LESSON --autoplay --speed 6 --seed 3 --no-keybar --max-threads 8 --max-processes 8'" "$CAST"
lesson_wait_end 90 16
[ "$STATUS" = 0 ] || fail "asciinema rec ended with status '$STATUS'"
t kill-server 2>/dev/null
lesson_none_left
PID=""
[ -s "$CAST" ] || fail "no recording at $CAST"

# The lesson's own captions, each of them, against the text the recording printed.
LESSON_FILE=$("$PTVIZ" --lesson "$LESSON" --check | sed 's/: OK: .*//')
python3 - "$CAST" "$LESSON_FILE" <<'PY' || fail "the recording does not hold the lesson's captions"
import json, re, sys
cast, lesson = sys.argv[1], sys.argv[2]
with open(cast, encoding='utf-8') as f:
    header = json.loads(f.readline())
    out = ''.join(e[2] for e in map(json.loads, f) if e[1] == 'o')
assert header.get('version') == 2, header
assert header.get('width') == 100 and header.get('height') == 30, header
text = re.sub(r'\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>78]|[\x00-\x1f]', ' ', out)
captions = [l.split(' ', 1)[1].strip() for l in open(lesson, encoding='utf-8') if l.startswith('caption ')]
assert captions, 'no captions in ' + lesson
bad = 0
for c in captions:
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'()]{5,}", c)]
    found = [w for w in words if w in text]
    ok = not words or len(found) >= 0.8 * len(words)
    print(('ok  ' if ok else 'MISSING ') + c[:70], f'({len(found)}/{len(words)} words)')
    bad += not ok
title = [l.split(' ', 1)[1].strip() for l in open(lesson, encoding='utf-8') if l.startswith('title ')][0]
print('title', 'ok' if title in text else 'MISSING', title)
sys.exit(1 if bad or title not in text else 0)
PY
exit 0
