#!/bin/sh
# Output identity of two builds: every input below through both CLIs, in
# every format, compared byte for byte (stdout, and the exit status).
#
#   tools/identity-check.sh BASE_BIN NEW_BIN [EXTRA_INPUT...]
#
# BASE_BIN and NEW_BIN are `bouncewhy` executables of two builds; each reads
# the rules.db built beside it (DIR/rules/rules.db, else $BOUNCEWHY_RULES).
# Inputs: tests/corpus (recursively), ../shared/corpus/{sisimai,sisimai-mbox,
# sisimai-dos,sisimai-mac} when present, one message on standard input,
# empty standard input, an empty file, a path that does not exist, and any
# EXTRA_INPUT (files or directories, e.g. generated multi-MB bounces).
# Formats: ndjson, json --explain, text, text --explain.
# Prints one line per difference and exits 1 if there was any.
set -u
[ $# -ge 2 ] || { echo "usage: $0 BASE_BIN NEW_BIN [EXTRA_INPUT...]" >&2; exit 2; }
BASE=$1 NEW=$2
shift 2
cd "$(dirname "$0")/.."

rules_of() {
	d=$(dirname "$1")
	if [ -f "$d/rules/rules.db" ]; then echo "$(cd "$d" && pwd)/rules/rules.db"
	else echo "${BOUNCEWHY_RULES:-}"; fi
}
BASE_RULES=$(rules_of "$BASE")
NEW_RULES=$(rules_of "$NEW")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bw-identity.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
: >"$TMP/empty.eml"

set -- tests/corpus "$@"
for c in sisimai sisimai-mbox sisimai-dos sisimai-mac; do
	[ -d "../shared/corpus/$c" ] && set -- "$@" "../shared/corpus/$c"
done
STDIN_MSG=$(find tests/corpus -name '*.eml' | sort | head -n 1)

fail=0 n=0
# compare NAME STDIN ARGS...: both binaries, same arguments
compare() {
	name=$1 in=$2
	shift 2
	BOUNCEWHY_RULES=$BASE_RULES "$BASE" --no-progress "$@" <"$in" >"$TMP/a" 2>/dev/null
	ra=$?
	BOUNCEWHY_RULES=$NEW_RULES "$NEW" --no-progress "$@" <"$in" >"$TMP/b" 2>/dev/null
	rb=$?
	n=$((n + 1))
	if [ $ra != $rb ]; then
		echo "DIFF $name: exit status $ra vs $rb"; fail=1
	elif ! cmp -s "$TMP/a" "$TMP/b"; then
		echo "DIFF $name: $(cmp "$TMP/a" "$TMP/b" 2>&1 | head -n 1)"; fail=1
	fi
}

for fmt in "--format ndjson" "--format json --explain" "--format text" "--format text --explain"; do
	for input in "$@"; do
		# shellcheck disable=SC2086
		compare "$input $fmt" /dev/null $fmt "$input"
	done
	# shellcheck disable=SC2086
	compare "stdin $fmt" "$STDIN_MSG" $fmt -
	# shellcheck disable=SC2086
	compare "empty stdin $fmt" /dev/null $fmt
	# shellcheck disable=SC2086
	compare "empty file $fmt" /dev/null $fmt "$TMP/empty.eml"
	# shellcheck disable=SC2086
	compare "missing file $fmt" /dev/null $fmt "$TMP/does-not-exist.eml"
done
echo "identity: $n comparisons, $([ $fail = 0 ] && echo "all identical" || echo "DIFFERENCES")"
exit $fail
