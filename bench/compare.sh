#!/bin/sh
# Two release builds of bouncewhy timed on the same inputs, interleaved
# (old, new, old, new...), each with the rules.db built beside it:
#   corpus   `bw-bench files corpus ROUNDS` over the shared corpus: CPU
#            time, microseconds per message, peak RSS
#   replies  REPLIES (default 10,000) replies drawn in order from the
#            development reply sets (tests/paraphrase/{families,languages,
#            providers,replies}.tsv; the held-out sets are evaluation data
#            and stay out of timings) through `bouncewhy explain --format
#            ndjson -`: CPU time, replies per second, peak RSS
#   startup  `bw-bench startup` of `bouncewhy explain 550 5.1.1 user
#            unknown`, mean CPU time of 20 runs
# Prints every run, then the best of each build.
#
#   bench/compare.sh OLD_BUILD_DIR NEW_BUILD_DIR [RUNS]
#
# Both directories need bench/bw-bench (bench/run.sh builds it) and
# rules/rules.db.  ROUNDS (default 20) and CORPUS (default
# ../shared/corpus/sisimai) can be set in the environment.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD_BUILD_DIR NEW_BUILD_DIR [RUNS]" >&2; exit 2; }
OLD=$(cd "$1" && pwd) NEW=$(cd "$2" && pwd) RUNS=${3:-3}
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-20}
CORPUS=${CORPUS:-../shared/corpus/sisimai}
REPLIES=${REPLIES:-10000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bw-compare.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

for f in families languages providers replies; do
	grep -v '^#' "tests/paraphrase/$f.tsv" | cut -f3
done | head -n "$REPLIES" >"$TMP/replies"
n_replies=$(wc -l <"$TMP/replies")

# corpus BUILD: "seconds peak_kib" of one corpus run
corpus() {
	BOUNCEWHY_RULES=$1/rules/rules.db "$1/bench/bw-bench" files corpus "$ROUNDS" "$CORPUS"/* \
		2>/dev/null | awk '$1 == "RESULT" { print $6, $7, $4 }'
}
# replies BUILD: "seconds peak_kib" of the replies through the CLI
replies() {
	/usr/bin/time -f '%U %S %M' -o "$TMP/time" env BOUNCEWHY_RULES="$1/rules/rules.db" \
		"$1/bouncewhy" explain --format ndjson - <"$TMP/replies" >/dev/null
	awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$TMP/time"
}
startup() {
	BOUNCEWHY_RULES=$1/rules/rules.db "$1/bench/bw-bench" startup "explain" 20 \
		"$1/bouncewhy" explain 550 5.1.1 user unknown 2>/dev/null |
		awk '$1 == "STARTUP" { print $3 }'
}

echo "load: $(uptime)"
: >"$TMP/results"
for r in $(seq "$RUNS"); do
	for b in old new; do
		dir=$OLD
		[ $b = new ] && dir=$NEW
		set -- $(corpus "$dir")
		echo "$b corpus $1 $2 $3" >>"$TMP/results"
		printf '%s run %s: corpus x%s %s s (%.1f us/msg, %s msgs), peak RSS %s KiB\n' "$b" "$r" \
			"$ROUNDS" "$1" "$(echo "$1 $3" | awk '{ print $1 / $2 * 1e6 }')" "$3" "$2"
		set -- $(replies "$dir")
		echo "$b replies $1 $2" >>"$TMP/results"
		printf '%s run %s: %s replies %s s CPU (%.0f/s), peak RSS %s KiB\n' "$b" "$r" \
			"$n_replies" "$1" "$(echo "$n_replies $1" | awk '{ print $1 / $2 }')" "$2"
		set -- $(startup "$dir")
		echo "$b startup $1" >>"$TMP/results"
		printf '%s run %s: explain start-up %s ms CPU\n' "$b" "$r" "$1"
	done
done
echo "load: $(uptime)"
for b in old new; do
	awk -v b="$b" -v n="$n_replies" '
		$1 == b && $2 == "corpus" && (!c || $3 < c) { c = $3; cm = $5; crss = $4 }
		$1 == b && $2 == "replies" && (!r || $3 < r) { r = $3; rrss = $4 }
		$1 == b && $2 == "startup" && (!s || $3 < s) { s = $3 }
		END { printf "%s best: corpus %.1f us/msg (RSS %d KiB), replies %.0f/s (RSS %d KiB), start-up %.1f ms\n",
		      b, c / cm * 1e6, crss, n / r, rrss, s }' "$TMP/results"
done
