#!/bin/sh
# Builds the libFuzzer harnesses (clang, ASan+UBSan) and runs each of them
# for SECONDS seconds.
#
#   fuzz/run.sh SECONDS [TARGET...]
#
# Environment: BUILD (build dir, default build-fuzz), JOBS (harnesses run at
# once, default 2).  Crashes, leaks and hangs are written to
# $BUILD/artifacts/; the growing corpora live in $BUILD/corpus/TARGET.  A
# harness that fails makes the script exit 1.
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
BUILD=${BUILD:-build-fuzz}
JOBS=${JOBS:-2}
TARGETS=${*:-fuzz-parse fuzz-dsn fuzz-reply fuzz-mbox fuzz-rules fuzz-log}

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" -Dfuzzing=true -Dtests=false -Dpython=disabled \
		-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$BUILD" >/dev/null

# The rules harness needs the real rule engine: skip it while the stub stands in.
if grep -q rules_stub lib/rules/meson.build; then
	TARGETS=$(echo "$TARGETS" | tr ' ' '\n' | grep -v '^fuzz-rules$' | tr '\n' ' ')
	echo "fuzz-rules: skipped (the rule engine is still the stub)"
fi
if [ -f "$BUILD/rules/rules.db" ]; then
	BOUNCEWHY_RULES=$PWD/$BUILD/rules/rules.db
	export BOUNCEWHY_RULES
fi

seed() { # target -> seed files
	case $1 in
	fuzz-parse) find tests/corpus ../shared/corpus/sisimai \
		-name '*.eml' 2>/dev/null ;;
	fuzz-mbox) find tests/corpus -name '*.mbox'; find tests/corpus -name '*.eml' | head -20 ;;
	fuzz-dsn) find fuzz/seeds/dsn -type f ;;
	fuzz-reply) find fuzz/seeds/reply -type f ;;
	fuzz-rules) find fuzz/seeds/rules rules -name '*.rules' 2>/dev/null ;;
	fuzz-log) find tests/log -name '*.log' ;;
	esac
}

mkdir -p "$BUILD/artifacts" "$BUILD/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
run_one() {
	t=$1
	mkdir -p "$BUILD/corpus/$t"
	seed "$t" | while read -r f; do cp -n "$f" "$BUILD/corpus/$t/" 2>/dev/null || true; done
	case $t in fuzz-parse|fuzz-mbox) maxlen=262144 ;; *) maxlen=16384 ;; esac
	if "$BUILD/fuzz/$t" "$BUILD/corpus/$t" -max_total_time="$SECONDS_EACH" \
		-timeout=10 -rss_limit_mb=2048 -max_len=$maxlen -print_final_stats=1 \
		-artifact_prefix="$BUILD/artifacts/$t-" >"$BUILD/logs/$t.log" 2>&1; then
		echo "$t: ok ($(grep -a -m1 'stat::number_of_executed_units' "$BUILD/logs/$t.log" | awk '{print $2}') runs)"
	else
		echo "$t: FAILED, see $BUILD/logs/$t.log and $BUILD/artifacts/"
		return 1
	fi
}

status=0
running=0
pids=""
for t in $TARGETS; do
	run_one "$t" & pids="$pids $!"
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		for p in $pids; do wait "$p" || status=1; done
		pids=""; running=0
	fi
done
for p in $pids; do wait "$p" || status=1; done
exit $status
