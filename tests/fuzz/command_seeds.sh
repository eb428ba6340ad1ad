#!/bin/sh
# The command fuzzer's seeds: every command line in the README, the man page and the lessons, one a line.
#   command_seeds.sh OUT DICT FILE...   (DICT: command.dict, whose verb_ lines name the verbs)
set -eu
out=$1 dict=$2
shift 2
verbs=$(sed -n 's/^verb_[a-z]*="\(.*\)"$/\1/p' "$dict" | paste -sd'|')
for f in "$@"; do
	case $f in
	*.1)	# troff: macros and font changes taken off, what is left of the COMMANDS section's lines
		sed -e 's/\\f[RBIP]//g' -e 's/\\-/-/g' -e 's/^\.[A-Z][A-Z]* *//' -e 's/"//g' "$f" ;;
	*.md)	# every -c '...' (a quoted text may run over lines), then every line and every `code span`
		perl -0777 -ne 'while (/-c \x27([^\x27]*)\x27/g) { (my $c = $1) =~ s/\n\s*/; /g; print "$c\n" }' "$f"
		tr '`' '\n' < "$f" ;;
	*)	cat "$f" ;;
	esac
done | sed -e 's/^[[:space:]]*//' -e 's/^\$ //' -e 's/^://' -e 's/   .*//' |
	grep -E "^($verbs)( |;|\$)" | LC_ALL=C sort -u > "$out"
test -s "$out"
