#!/bin/bash
# The lesson options without a terminal: --lessons, --check, errors as FILE:LINE:COLUMN, exit codes.
set -u
PTVIZ=${1:?usage: $0 PATH_TO_PTVIZ}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fails=0
check() { # check WANT_STATUS PATTERN_ON_OUTPUT ARGS...
	local want=$1 pattern=$2 rc
	shift 2
	"$PTVIZ" "$@" </dev/null >"$DIR/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -Eq -- "$pattern" "$DIR/out"; then
		echo "FAIL: ptviz $*: status $rc (wanted $want), output:" >&2
		cat "$DIR/out" >&2
		echo "  (wanted /$pattern/)" >&2
		fails=$((fails + 1))
	fi
}

check 0 '^  crash +A segfault in one thread' --lessons
check 0 '^  lostupdate ' --lessons
check 0 'crash\.lesson: OK: .Crash blast radius., [0-9]+ steps, 2 questions' --lesson crash --check
check 0 'OK' --check --lesson memory
printf 'title Broken\ncaption fine\nwait soon\n' > "$DIR/broken.lesson"
check 2 "^$DIR/broken.lesson:3:6: bad duration 'soon': expected seconds as a decimal number, e.g. 'wait 2' or 'wait 0.5', from 0 to 600" --lesson "$DIR/broken.lesson" --check
# A malformed lesson does not start, terminal or not.
check 2 "^$DIR/broken.lesson:3:6: " --lesson "$DIR/broken.lesson"
check 2 "no lesson 'nosuch': expected a file or one of .*crash.* lostupdate.* memory.* quiz.* race.* runaway" --lesson nosuch
check 2 "cannot open lesson '$DIR/none.lesson'" --lesson "$DIR/none.lesson" --check
check 2 'a lesson plays in the screen, which needs a terminal; to check the file without one: ptviz --lesson crash --check' --lesson crash
check 2 '--check, --autoplay, --speed and --from go with --lesson' --autoplay
check 2 '--check, --autoplay, --speed and --from go with --lesson' --check
check 2 "--speed '0': expected a factor from 0.1 to 1000" --lesson crash --speed 0
check 2 "--seed 'x': expected a whole number" --seed x
# --from N: a step the lesson has; --theme: a theme there is.
check 2 '--check, --autoplay, --speed and --from go with --lesson' --from 2
check 2 "--from '0': expected a whole number from 1" --lesson crash --from 0
check 2 "--from 99: 'Crash blast radius' has [0-9]+ steps" --lesson crash --from 99
check 2 "--theme 'pink': expected 'normal' or 'contrast'" --theme pink
# headline: its errors say where, as the other directives' do.
printf 'title Headline\nheadline Caf\303\251 open\ncaption c\n' > "$DIR/headline.lesson"
check 2 "^$DIR/headline.lesson:2:13: '.+' has no large letter" --lesson "$DIR/headline.lesson" --check
check 2 '--lesson plays in the screen: leave out -c, --batch and --demo' --lesson crash -c 'report'
# --lessons lists exactly the lesson files there are.
listed=$("$PTVIZ" --lessons | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')
present=$(for f in "$PTVIZ_LESSONS_DIR"/*.lesson; do basename "$f" .lesson; done | sort | tr '\n' ' ')
if [ "$listed" != "$present" ]; then
	echo "FAIL: --lessons lists '$listed' but the folder holds '$present'" >&2
	fails=$((fails + 1))
fi
# The folder can be chosen, for tests and for a course's own lessons.
mkdir "$DIR/own"
printf 'title Own\nsummary Our own lesson\ncaption hello\n' > "$DIR/own/ours.lesson"
PTVIZ_LESSONS_DIR="$DIR/own" check 0 '^  ours +Our own lesson' --lessons
PTVIZ_LESSONS_DIR="$DIR/own" check 0 'ours\.lesson: OK' --lesson ours --check
printf 'title\n' > "$DIR/own/bad.lesson"
PTVIZ_LESSONS_DIR="$DIR/own" check 1 'bad\.lesson:1:6: title needs text' --lessons
exit $((fails > 0))
