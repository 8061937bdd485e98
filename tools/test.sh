#!/bin/sh
# Builds (if needed) and runs the whole test suite: unit tests, golden corpus,
# CLI tests, rule self-check, Python binding tests, limits and threads, fuzz
# regression replays, and the shared-corpus score gate when ../shared/corpus
# exists.  Ends with one summary line "tests: N passed, N failed, N skipped".
#   tools/test.sh [meson test options]
set -u
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then meson setup build >/dev/null || exit 1; fi
ninja -C build || exit 1
meson test -C build --print-errorlogs "$@"
status=$?
python3 - <<'PY'
import json
counts = {'passed': 0, 'failed': 0, 'skipped': 0}
try:
    with open('build/meson-logs/testlog.json') as f:
        for line in f:
            r = json.loads(line).get('result')
            if r in ('OK', 'EXPECTEDFAIL'):
                counts['passed'] += 1
            elif r == 'SKIP':
                counts['skipped'] += 1
            else:
                counts['failed'] += 1
except OSError:
    pass
print('tests: %(passed)d passed, %(failed)d failed, %(skipped)d skipped' % counts)
PY
exit $status
