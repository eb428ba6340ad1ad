#!/bin/bash
# The README's screencast recipe, exactly as printed, run in tmux after ptviz is installed (into a staging folder): the cast holds every caption of the lesson, and the README's checks of a take pass.  Skipped (77) without asciinema.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lesson_lib.sh"

if ! command -v asciinema >/dev/null 2>&1; then
	echo "SKIP: asciinema is not installed (apt-get install asciinema)"
	exit 77
fi
README=$(cd "$(dirname "$0")/../.." && pwd)/README.md
BUILD=$(cd "$(dirname "$PTVIZ")" && pwd)
MESON=${MESON:-meson}
DIR=$(mktemp -d /tmp/ptviz-recipe.XXXXXX)
trap 'rc=$?; rm -rf "$DIR"; (exit $rc); e2e_cleanup' EXIT INT TERM

# The recipe and the checks of a take: the indented lines of the README's "Recording a screencast".
section=$(awk '/^### Recording a screencast/ { on = 1; next } on && /^#/ { exit } on' "$README")
RECIPE=$(echo "$section" | grep -E '^    asciinema rec ')
[ "$(echo "$RECIPE" | grep -c .)" = 1 ] || fail "README.md: expected one 'asciinema rec' line under 'Recording a screencast', found: $RECIPE"
RECIPE=${RECIPE#    }
CHECKS=$(echo "$section" | grep -E '^    ' | grep -vE '^    asciinema (rec|play) ' | sed 's/^    //')
[ -n "$CHECKS" ] || fail "README.md: no commands to check a take under 'Recording a screencast'"
LESSON=$(echo "$RECIPE" | grep -oE -- '--lesson [a-z]+' | sed 's/--lesson //')
CAST=$(echo "$RECIPE" | awk '{ print $NF }')
[ -n "$LESSON" ] && [ -n "$CAST" ] || fail "cannot read the lesson and the cast's name from: $RECIPE"
echo "recipe: $RECIPE"

# ptviz installed as the Quick start installs it, but into a staging folder under /tmp (no root
# needed): meson install --destdir.  It rewrites the build's install log, which
# 'ninja -C build uninstall' reads for a real install; that log is put back as it was.  It is
# renamed aside, not copied: after 'sudo ninja -C build install' it belongs to root, and only the
# folder is ours.
LOG="$BUILD/meson-logs/install-log.txt"
KEPT="$BUILD/meson-logs/install-log.txt.kept-by-e2e-lesson_cast"
log_back() { if [ -e "$KEPT" ]; then mv -f "$KEPT" "$LOG"; elif [ -n "${LOG_WAS_NONE:-}" ]; then rm -f "$LOG"; fi; }
trap 'rc=$?; log_back; rm -rf "$DIR"; (exit $rc); e2e_cleanup' EXIT INT TERM
if [ -e "$LOG" ]; then mv -f "$LOG" "$KEPT" || fail "cannot put $LOG aside"; else LOG_WAS_NONE=1; fi
"$MESON" install -C "$BUILD" --no-rebuild --quiet --destdir "$DIR/stage" >"$DIR/install.out" 2>&1
rc=$?
log_back
[ "$rc" = 0 ] || { cat "$DIR/install.out" >&2; fail "meson install --destdir failed"; }
# Where meson installs the program and the lessons, from the build's own record.
WHERE=$("$MESON" introspect "$BUILD" --installed | python3 -c '
import json, sys
m = json.load(sys.stdin)
exe = [d for s, d in m.items() if s.endswith("/ptviz")]
lessons = [d for s, d in m.items() if s.endswith("/crash.lesson")]
print(exe[0].rsplit("/", 1)[0], lessons[0].rsplit("/", 1)[0])')
BINDIR=$DIR/stage${WHERE% *}
LESSONS=$DIR/stage${WHERE#* }
[ -x "$BINDIR/ptviz" ] || fail "no ptviz installed at $BINDIR"
[ -r "$LESSONS/$LESSON.lesson" ] || fail "no $LESSON.lesson installed at $LESSONS"

# What a user has after the Quick start: ptviz on PATH, no PTVIZ_LESSONS_DIR.
unset PTVIZ_LESSONS_DIR
export PATH="$BINDIR:$PATH"
[ "$(command -v ptviz)" = "$BINDIR/ptviz" ] || fail "ptviz on PATH is $(command -v ptviz), not $BINDIR/ptviz"
ptviz --lessons >"$DIR/lessons.out" 2>&1 || { cat "$DIR/lessons.out" >&2; fail "ptviz --lessons failed"; }
grep -q "^Lessons in $LESSONS;" "$DIR/lessons.out" || { cat "$DIR/lessons.out" >&2; fail "the installed ptviz does not list its installed lessons ($LESSONS)"; }
grep -Eq "^  $LESSON " "$DIR/lessons.out" || fail "ptviz --lessons does not list $LESSON"
LESSON_FILE=$(ptviz --lesson "$LESSON" --check | sed 's/: OK: .*//')
[ "$LESSON_FILE" = "$LESSONS/$LESSON.lesson" ] || fail "the installed ptviz plays $LESSON_FILE, not $LESSONS/$LESSON.lesson"
# The build's own program reads its source tree's lessons, even beside an install.
"$PTVIZ" --lessons | head -1 | grep -q "^Lessons in $(cd "$(dirname "$0")/../.." && pwd)/assets/lessons;" ||
	fail "the build's ptviz does not read the source tree's lessons: $("$PTVIZ" --lessons | head -1)"

# The recipe in a new shell, in a folder of its own, in a terminal of the size most start with.
mkdir -p "$DIR/take"
printf '%s\n' "$RECIPE" > "$DIR/take/recipe.sh"
E2E_W=80
E2E_H=24
# asciinema keeps its settings under a folder of its own; keep them out of the user's home.
E2E_ENV="ASCIINEMA_CONFIG_HOME=$DIR/config"
# tmux runs a pane's command with $SHELL, else the account's login shell, which may be nologin.
export SHELL=/bin/sh
started=$(date +%s)
lesson_start sh -c "'cd $DIR/take && exec sh recipe.sh'"
# The lesson's own pace at --speed 1 (captions held long enough to read), with room for a busy machine.
lesson_wait_end 150 24
[ "$STATUS" = 0 ] || fail "the recipe ended with status '$STATUS'"
echo "the recipe took $(( $(date +%s) - started )) s"
t kill-server 2>/dev/null
lesson_none_left
PID=""
[ -s "$DIR/take/$CAST" ] || fail "no recording at $DIR/take/$CAST"

# The README's checks of a take, as printed, in the take's folder, in a terminal (asciinema cat
# opens /dev/tty).
printf '%s\n' "$CHECKS" > "$DIR/take/checks.sh"
lesson_start sh -c "'cd $DIR/take && sh checks.sh >$DIR/checks.out 2>&1'"
lesson_wait_end 20 4
t kill-server 2>/dev/null
PID=""
echo "the README's checks said:"
sed 's/^/  /' "$DIR/checks.out"
[ "$STATUS" = 0 ] || fail "the README's checks of a take ended with status '$STATUS'"
count=$(tail -1 "$DIR/checks.out")
[ "$count" -ge 1 ] 2>/dev/null || fail "the README's grep -c found '$count' lines, not 1 or more"
size=$(stat -c %s "$DIR/take/$CAST")
[ "$size" -ge 10000 ] || fail "$CAST is $size bytes, not a whole lesson"

# The lesson's own captions, each of them, against the text the recording printed.
python3 - "$DIR/take/$CAST" "$LESSON_FILE" <<'PY' || fail "the recording does not hold the lesson's captions"
import json, re, sys
cast, lesson = sys.argv[1], sys.argv[2]
with open(cast, encoding='utf-8') as f:
    header = json.loads(f.readline())
    out = ''.join(e[2] for e in map(json.loads, f) if e[1] == 'o')
assert header.get('version') == 2, header
assert header.get('width') == 80 and header.get('height') == 24, header
assert 'not found' not in out, 'the take says: ' + out[:200]
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
