#!/bin/sh
# Benchmark of `bouncewhy log` on a synthetic Postfix log (bench/log-gen.py):
# LOG_MB megabytes (default 500; LOG_MB=4000 for the multi-GB run), about
# FAIL_PCT (default 3) percent of the delivery lines failures.  Measures, on
# the same file:
#   floor     grep -c 'status=' (reading the file and finding the delivery lines)
#   ndjson    bouncewhy log --format ndjson >/dev/null (every attempt serialised)
#   summary   bouncewhy log (the text summary)
# MB/s and failures classified per second, by wall-clock time and by CPU
# time (user+sys: steadier on a shared machine), and peak RSS (GNU time's %M).
# The log is written to a temporary directory and deleted at the end.
#
#   bench/log-bench.sh            (BUILD=build-bench by default: a release build)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-bench}
LOG_MB=${LOG_MB:-500}
FAIL_PCT=${FAIL_PCT:-3}

if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --buildtype=release -Dtests=false -Dpython=disabled >/dev/null
fi
ninja -C "$BUILD" >/dev/null
BW=$BUILD/bouncewhy
[ -f "$BUILD/rules/rules.db" ] && { BOUNCEWHY_RULES=$PWD/$BUILD/rules/rules.db; export BOUNCEWHY_RULES; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time, package time) is needed" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bw-log-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
free_kb=$(df -Pk "$TMP" | awk 'NR==2 {print $4}')
if [ "$free_kb" -lt $(( (LOG_MB + 100) * 1024 )) ]; then
	echo "not enough free disk in $TMP for a $LOG_MB MB log" >&2
	exit 1
fi
LOG=$TMP/mail.log
counts=$(python3 bench/log-gen.py "$LOG" "$LOG_MB" "$FAIL_PCT")
failures=$(echo "$counts" | awk '{print $4}')
bytes=$(stat -c %s "$LOG")
echo "log: $((bytes / 1048576)) MiB, $(wc -l <"$LOG") lines, $counts"

# one timed run: prints wall seconds, CPU seconds and peak KiB
timed() {
	/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" || true
	awk '{print $1, $2 + $3, $4}' "$TMP/time"
}
cat "$LOG" >/dev/null   # warm the page cache for every contender alike
report() {   # "WALL CPU KIB" NAME
	name=$2
	set -- $1
	awk -v s="$1" -v c="$2" -v kb="$3" -v name="$name" -v b="$bytes" -v f="$failures" 'BEGIN {
		if (s <= 0) s = 0.01
		if (c <= 0) c = 0.01
		printf "%-8s wall %7.2f s %7.1f MB/s %8.0f failures/s | cpu %7.2f s %7.1f MB/s %8.0f failures/s | peak RSS %5.1f MiB\n",
		       name, s, b / 1048576 / s, f / s, c, b / 1048576 / c, f / c, kb / 1024 }'
}
report "$(timed grep -c 'status=' "$LOG")" floor
echo "         (grep counted $(cat "$TMP/out") delivery lines)"
report "$(timed "$BW" log --format ndjson "$LOG")" ndjson
echo "         ($(grep -c '"diagnosis":{' "$TMP/out") failures diagnosed in the ndjson)"
report "$(timed "$BW" log "$LOG")" summary
head -3 "$TMP/out" | sed 's/^/         /'
