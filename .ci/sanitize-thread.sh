#!/bin/sh
# ThreadSanitizer run of tests/unit/test-threads.c: 8 threads over one shared
# bw_rules on tests/corpus (and the shared corpus when present), results
# compared with the single-thread run.  Suppressions: .ci/tsan.supp.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-tsan}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" -Dpython=disabled \
	-Db_sanitize=thread -Db_lundef=false >/dev/null
ninja -C "$BUILD" >/dev/null
[ -f "$BUILD/rules/rules.db" ] && { BOUNCEWHY_RULES=$PWD/$BUILD/rules/rules.db; export BOUNCEWHY_RULES; }
set -- tests/corpus
for c in ../shared/corpus/sisimai; do
	[ -d "$c" ] && { set -- "$@" "$c"; break; }
done
G_SLICE=always-malloc TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/.ci/tsan.supp" \
	"$BUILD/tests/test-threads" "$@"
