#!/bin/sh
# Benchmark: bouncewhy against the GMime floor and against Sisimai, on
#   corpus     the shared corpus (CORPUS, default ../shared/corpus/sisimai,
#              else tests/corpus), repeated to at least 10,000 messages
#   synthetic  SYNTH_N (default 40) generated bounces returning 1-4 MB
#              originals with attachments
#   mbox       a MBOX_MB (default 1000, 0 skips it) megabyte mbox made of
#              both, streamed with bw_mbox_*; Sisimai reads its first
#              SISIMAI_MBOX_MB (default 100) megabytes only (same messages,
#              ratio by MB/s)
#   rcpt100k   one DSN listing RCPTS (default 100,000) recipients
#   start-up   the CLI on empty input and `bouncewhy explain`, CPU time
# Times are CPU time; the corpus and synthetic sets run REPEAT (default 3)
# times, the tools interleaved, and the best run of each tool counts.
# Generated files go to a temporary directory, deleted at the end.
#
#   bench/run.sh            (BUILD=build-bench by default: a release build)
#   MIN_MSGS=2235 MBOX_MB=0 bench/run.sh    (the corpus x5, no mbox)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
MBOX_MB=${MBOX_MB:-1000}
SISIMAI_MBOX_MB=${SISIMAI_MBOX_MB:-100}
SYNTH_N=${SYNTH_N:-40}
MIN_MSGS=${MIN_MSGS:-10000}
REPEAT=${REPEAT:-3}
RCPTS=${RCPTS:-100000}

if [ -z "${CORPUS:-}" ]; then
	for c in ../shared/corpus/sisimai tests/corpus; do
		[ -d "$c" ] && { CORPUS=$c; break; }
	done
fi

# Build: a release build of the library, the two bench programs beside it.
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=false -Dpython=disabled >/dev/null
fi
ninja -C "$BUILD" >/dev/null
DEPS="gmime-3.0 libpcre2-8 sqlite3 libcjson"
# (libpq, the ledger's PostgreSQL backend, is loaded with dlopen: not linked)
mkdir -p "$BUILD/bench"
${CC:-cc} -O2 -Wall -Wextra -Iinclude bench/bw-bench.c "$BUILD/lib/libbouncewhy.a" \
	$(pkg-config --libs $DEPS) -lpthread -o "$BUILD/bench/bw-bench"
${CC:-cc} -O2 -Wall -Wextra bench/gmime-floor.c $(pkg-config --cflags --libs gmime-3.0) \
	-o "$BUILD/bench/gmime-floor"
BW=$BUILD/bench/bw-bench
FLOOR=$BUILD/bench/gmime-floor
[ -f "$BUILD/rules/rules.db" ] && { BOUNCEWHY_RULES=$PWD/$BUILD/rules/rules.db; export BOUNCEWHY_RULES; }
HAVE_SISIMAI=1
perl -MSisimai -e 1 2>/dev/null || { HAVE_SISIMAI=0; echo "Sisimai not installed (apt-get install libsisimai-perl): skipped"; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bw-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
need_kb=$(( (MBOX_MB + SISIMAI_MBOX_MB + 300) * 1024 ))
free_kb=$(df -Pk "$TMP" | awk 'NR==2 {print $4}')
if [ "$free_kb" -lt "$need_kb" ]; then
	echo "not enough free disk in $TMP: $((free_kb / 1024)) MiB, need $((need_kb / 1024)) MiB" >&2
	exit 1
fi

RES=$TMP/results
: >"$RES"
run() { "$@" 2>&1 >>"$RES" | sed 's/^/  /'; }

# (0) start-up: the CLI with the rules of this build
run "$BW" startup "bouncewhy, empty input" 20 "$BUILD/bouncewhy" --format ndjson
run "$BW" startup "bouncewhy explain" 20 "$BUILD/bouncewhy" explain 550 5.1.1 user unknown

# (a) the corpus, repeated
set -- "$CORPUS"/*.eml
n=$#
rounds=$(( (MIN_MSGS + n - 1) / n ))
echo "corpus: $n messages from $CORPUS x $rounds rounds, $REPEAT runs interleaved"
for r in $(seq "$REPEAT"); do
	run "$BW" files corpus "$rounds" "$@"
	run "$FLOOR" files corpus "$rounds" "$@"
	[ $HAVE_SISIMAI = 1 ] && run perl bench/sisimai.pl files corpus "$rounds" "$@"
done

# (b) synthetic bounces with multi-megabyte originals
mkdir "$TMP/synth"
"$BW" gen-synthetic "$TMP/synth" "$SYNTH_N"
echo "synthetic: $SYNTH_N messages, $(du -sm "$TMP/synth" | cut -f1) MB, x 3 rounds, $REPEAT runs interleaved"
for r in $(seq "$REPEAT"); do
	run "$BW" files synthetic 3 "$TMP"/synth/*.eml
	run "$FLOOR" files synthetic 3 "$TMP"/synth/*.eml
	[ $HAVE_SISIMAI = 1 ] && run perl bench/sisimai.pl files synthetic 3 "$TMP"/synth/*.eml
done

# (d) one DSN with many recipients (the recipient limit raised to fit)
"$BW" gen-recipients "$TMP/rcpt.eml" "$RCPTS"
echo "rcpt100k: one DSN with $RCPTS recipients, $(du -m "$TMP/rcpt.eml" | cut -f1) MB"
run env BW_BENCH_MAX_RCPT=$((RCPTS * 2)) "$BW" files rcpt100k 1 "$TMP/rcpt.eml"
run "$FLOOR" files rcpt100k 1 "$TMP/rcpt.eml"

# (c) a large mbox, streamed
[ "$MBOX_MB" -gt 0 ] && {
"$BW" gen-mbox "$TMP/big.mbox" "$MBOX_MB" "$CORPUS"/*.eml "$TMP"/synth/*.eml 2>/dev/null
echo "mbox: $(du -m "$TMP/big.mbox" | cut -f1) MB"
run "$BW" mbox mbox "$TMP/big.mbox"
run "$FLOOR" mbox mbox "$TMP/big.mbox"
if [ $HAVE_SISIMAI = 1 ]; then
	"$BW" gen-mbox "$TMP/small.mbox" "$SISIMAI_MBOX_MB" "$CORPUS"/*.eml "$TMP"/synth/*.eml 2>/dev/null
	run perl bench/sisimai.pl mbox mbox "$TMP/small.mbox"
fi
}

echo
awk -v touch="${BW_BENCH_TOUCH:-1}" '
	$1 == "STARTUP" { name = $2; for (i = 3; i < NF; i++) name = name " " $i; startup[++ns] = sprintf("%-30s %7.1f ms CPU", name, $NF) }
	$1 == "RESULT" {
		key = $2 " " $3
		# the best of the interleaved runs
		if (!(key in secs) || $6 < secs[key]) {
			secs[key] = $6; mbps[key] = $5 / $6 / 1e6; mps[key] = $4 / $6
			us[key] = $6 / $4 * 1e6; rss[key] = $7
		}
	}
	END {
		for (i = 1; i <= ns; i++) print "start-up: " startup[i]
		printf "%-10s %10s %10s %10s %10s %14s %14s %12s\n", "set", "msg/s", "us/msg", "floor us", "MB/s", "vs GMime floor", "Sisimai slower", "peak RSS"
		split("corpus synthetic rcpt100k mbox", order, " ")
		for (i = 1; i <= 4; i++) {
			s = order[i]; b = "bouncewhy " s; g = "gmime " s
			if (!(b in mbps)) continue
			floor = g in mbps ? sprintf("%.2fx", mbps[g] / mbps[b]) : "-"
			fus = g in us ? sprintf("%.0f", us[g]) : "-"
			sis = ("sisimai " s) in mbps ? sprintf("%.1fx", mbps[b] / mbps["sisimai " s]) : "-"
			printf "%-10s %10.0f %10.0f %10s %10.1f %14s %14s %8.1f MiB\n", s, mps[b], us[b], fus, mbps[b], floor, sis, rss[b] / 1024
		}
		print ""
		print "times: CPU time, best of the interleaved runs; loaded files read once before the clock: " (touch == "0" ? "no (BW_BENCH_TOUCH=0)" : "yes (bench-io.h)")
		print "us/msg: CPU microseconds per message in-process (rules loaded once); floor us: GMime alone"
		print "vs GMime floor: bouncewhy time / GMime-alone time (targets: corpus <= 2x, synthetic <= 0.5x)"
		print "Sisimai slower: bouncewhy MB/s / Sisimai MB/s (target >= 6x on the corpus)"
		print "peak RSS: of the bouncewhy process (mbox target < 64 MiB, rcpt100k <= 300 MiB)"
	}' "$RES"
