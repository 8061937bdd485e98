#!/bin/sh
# Benchmark: bouncewhy against the GMime floor and against Sisimai, on
#   corpus     the shared corpus (CORPUS, default ../shared/corpus/sisimai,
#              else tests/corpus), repeated to at least 10,000 messages
#   synthetic  SYNTH_N (default 40) generated bounces returning 1-4 MB
#              originals with attachments
#   mbox       a MBOX_MB (default 1000) megabyte mbox made of both, streamed
#              with bw_mbox_*; Sisimai reads its first SISIMAI_MBOX_MB (default
#              100) megabytes only (same messages, ratio by MB/s)
# Generated files go to a temporary directory, deleted at the end.
#
#   bench/run.sh            (BUILD=build-bench by default: a release build)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
MBOX_MB=${MBOX_MB:-1000}
SISIMAI_MBOX_MB=${SISIMAI_MBOX_MB:-100}
SYNTH_N=${SYNTH_N:-40}
MIN_MSGS=${MIN_MSGS:-10000}

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
# the library uses libpq (the ledger's PostgreSQL backend) when it was found
if pkg-config --exists libpq; then DEPS="$DEPS libpq"; fi
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

# (a) the corpus, repeated
set -- "$CORPUS"/*.eml
n=$#
rounds=$(( (MIN_MSGS + n - 1) / n ))
echo "corpus: $n messages from $CORPUS x $rounds rounds"
run "$BW" files corpus "$rounds" "$@"
run "$FLOOR" files corpus "$rounds" "$@"
[ $HAVE_SISIMAI = 1 ] && run perl bench/sisimai.pl files corpus "$rounds" "$@"

# (b) synthetic bounces with multi-megabyte originals
mkdir "$TMP/synth"
"$BW" gen-synthetic "$TMP/synth" "$SYNTH_N"
echo "synthetic: $SYNTH_N messages, $(du -sm "$TMP/synth" | cut -f1) MB, x 3 rounds"
run "$BW" files synthetic 3 "$TMP"/synth/*.eml
run "$FLOOR" files synthetic 3 "$TMP"/synth/*.eml
[ $HAVE_SISIMAI = 1 ] && run perl bench/sisimai.pl files synthetic 3 "$TMP"/synth/*.eml

# (c) a large mbox, streamed
"$BW" gen-mbox "$TMP/big.mbox" "$MBOX_MB" "$CORPUS"/*.eml "$TMP"/synth/*.eml 2>/dev/null
echo "mbox: $(du -m "$TMP/big.mbox" | cut -f1) MB"
run "$BW" mbox mbox "$TMP/big.mbox"
run "$FLOOR" mbox mbox "$TMP/big.mbox"
if [ $HAVE_SISIMAI = 1 ]; then
	"$BW" gen-mbox "$TMP/small.mbox" "$SISIMAI_MBOX_MB" "$CORPUS"/*.eml "$TMP"/synth/*.eml 2>/dev/null
	run perl bench/sisimai.pl mbox mbox "$TMP/small.mbox"
fi

echo
awk '
	$1 == "RESULT" { key = $2 " " $3; mbps[key] = $5 / $6 / 1e6; mps[key] = $4 / $6; rss[key] = $7; sets[$3] = 1 }
	END {
		printf "%-10s %10s %10s %14s %14s %12s\n", "set", "msg/s", "MB/s", "vs GMime floor", "Sisimai slower", "peak RSS"
		split("corpus synthetic mbox", order, " ")
		for (i = 1; i <= 3; i++) {
			s = order[i]; b = "bouncewhy " s
			if (!(b in mbps)) continue
			floor = ("gmime " s) in mbps ? sprintf("%.2fx", mbps["gmime " s] / mbps[b]) : "-"
			sis = ("sisimai " s) in mbps ? sprintf("%.1fx", mbps[b] / mbps["sisimai " s]) : "-"
			printf "%-10s %10.0f %10.1f %14s %14s %8.1f MiB\n", s, mps[b], mbps[b], floor, sis, rss[b] / 1024
		}
		print ""
		print "vs GMime floor: bouncewhy time / GMime-alone time (target <= 1.5x)"
		print "Sisimai slower: bouncewhy MB/s / Sisimai MB/s (target >= 10x)"
		print "peak RSS: of the bouncewhy process (mbox target < 64 MiB)"
	}' "$RES"
