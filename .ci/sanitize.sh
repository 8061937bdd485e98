#!/bin/sh
# Sanitizer gate, callable from .ci/run:
#   asan      an ASan+UBSan build (build-asan) running the whole meson test
#             suite (unit tests, limits, threads, fuzz replays, golden files)
#   valgrind  memcheck of the CLI over the shared corpus and tests/corpus,
#             when valgrind and the corpus are there (.ci/valgrind.supp)
#   thread    .ci/sanitize-thread.sh (ThreadSanitizer, test-threads)
# Usage: .ci/sanitize.sh [asan|valgrind|thread|all]   (default all)
set -eu
cd "$(dirname "$0")/.."
what=${1:-all}
status=0

if [ "$what" = asan ] || [ "$what" = all ]; then
	[ -f build-asan/build.ninja ] || meson setup build-asan -Dpython=disabled \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	ninja -C build-asan >/dev/null
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C build-asan --print-errorlogs --timeout-multiplier 4 || status=1
fi

if [ "$what" = valgrind ] || [ "$what" = all ]; then
	corpus=
	for c in ../shared/corpus/sisimai; do
		[ -d "$c" ] && { corpus=$c; break; }
	done
	if ! command -v valgrind >/dev/null; then
		echo "valgrind: not installed, skipped"
	elif [ -z "$corpus" ]; then
		echo "valgrind: no shared corpus, skipped"
	else
		[ -f build/build.ninja ] || meson setup build -Dpython=disabled >/dev/null
		ninja -C build >/dev/null
		if [ -f build/rules/rules.db ]; then
			BOUNCEWHY_RULES="$PWD/build/rules/rules.db"
			export BOUNCEWHY_RULES
		fi
		if valgrind --quiet --leak-check=full --error-exitcode=1 \
			--suppressions=.ci/valgrind.supp \
			build/bouncewhy --format ndjson "$corpus"/*.eml tests/corpus >/dev/null; then
			echo "valgrind: clean over $corpus and tests/corpus"
		else
			echo "valgrind: errors (see above)"
			status=1
		fi
	fi
fi

if [ "$what" = thread ] || [ "$what" = all ]; then
	sh .ci/sanitize-thread.sh || status=1
fi
exit $status
