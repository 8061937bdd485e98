#!/bin/sh
# Verdict identity of two builds over every reply set and every evaluation
# message: the output of both CLIs, compared byte for byte.
#
#   bench/identity.sh OLD_BUILD_DIR NEW_BUILD_DIR
#
# Each build reads its own DIR/rules/rules.db.  Inputs:
#   replies   every reply of tests/paraphrase/*.tsv (third tab field, one a
#             line, comment lines left out) into `explain --format ndjson -`,
#             with and without --explain, one run per file;
#   messages  tests/corpus, every directory of tests/eval and
#             ../shared/corpus/sisimai* through `--format ndjson` and
#             `--format json --explain`.
# The held-out and blind sets are used only as input: a difference there is
# reported as a count of differing lines and the rule names on them, never
# their text.  Prints one line per differing set, then a summary; exits 1
# when anything differs.
set -u
[ $# -eq 2 ] || { echo "usage: $0 OLD_BUILD_DIR NEW_BUILD_DIR" >&2; exit 2; }
OLD=$(cd "$1" && pwd) NEW=$(cd "$2" && pwd)
cd "$(dirname "$0")/.."
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bw-ident.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

n_out=0 n_rec=0 n_diff=0
# report NAME: compare $TMP/a and $TMP/b (with exit statuses $ra $rb)
report() {
	n_out=$((n_out + 1))
	n_rec=$((n_rec + $(wc -l <"$TMP/a")))
	if [ "$ra" = "$rb" ] && cmp -s "$TMP/a" "$TMP/b"; then return; fi
	n_diff=$((n_diff + 1))
	case $1 in
	*heldout*|*blind*)
		# counts and rule names only
		python3 - "$1" "$TMP/a" "$TMP/b" "$ra" "$rb" <<'EOF'
import json, re, sys
name, a, b, ra, rb = sys.argv[1:]
la, lb = open(a, 'rb').read().splitlines(), open(b, 'rb').read().splitlines()
n = sum(1 for x, y in zip(la, lb) if x != y) + abs(len(la) - len(lb))
rules = set()
for x, y in zip(la, lb):
    if x != y:
        for l in (x, y):
            rules.update(re.findall(rb'"rule":"([^"]*)"', l))
print('DIFF %s: exit %s/%s, %d lines (%d vs %d), rules: %s' % (
    name, ra, rb, n, len(la), len(lb),
    ' '.join(sorted(r.decode() for r in rules)) or '-'))
EOF
		;;
	*)
		echo "DIFF $1: exit $ra/$rb, $(cmp "$TMP/a" "$TMP/b" 2>&1 | head -n 1)"
		;;
	esac
}

# both NAME INPUT ARGS...: run the two CLIs on the same input and arguments
both() {
	name=$1 in=$2
	shift 2
	BOUNCEWHY_RULES=$OLD/rules/rules.db "$OLD/bouncewhy" --no-progress "$@" \
		<"$in" >"$TMP/a" 2>/dev/null &
	BOUNCEWHY_RULES=$NEW/rules/rules.db "$NEW/bouncewhy" --no-progress "$@" \
		<"$in" >"$TMP/b" 2>/dev/null
	rb=$?
	wait $!
	ra=$?
	report "$name"
}

n_replies=0
for f in tests/paraphrase/*.tsv; do
	grep -v '^#' "$f" | cut -f3 >"$TMP/in"
	n_replies=$((n_replies + $(wc -l <"$TMP/in")))
	both "$f explain ndjson" "$TMP/in" explain --format ndjson -
	both "$f explain ndjson --explain" "$TMP/in" explain --format ndjson --explain -
done

set -- tests/corpus tests/eval/*/
for c in ../shared/corpus/sisimai*; do
	[ -d "$c" ] && set -- "$@" "$c"
done
for d in "$@"; do
	both "$d ndjson" /dev/null --format ndjson "$d"
	both "$d json --explain" /dev/null --format json --explain "$d"
done

echo "identity: $n_out outputs compared ($n_replies replies x2, $# message directories x2;" \
	"$n_rec output lines), $n_diff differing"
[ $n_diff = 0 ]
