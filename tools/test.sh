#!/bin/sh
# Builds (if needed) and runs the whole test suite: unit tests, golden corpus,
# rule self-check, Python binding tests, and the shared-corpus score gate when
# ../shared/corpus exists.
#   tools/test.sh
set -eu
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then meson setup build >/dev/null; fi
ninja -C build
meson test -C build --print-errorlogs "$@"
