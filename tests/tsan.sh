#!/bin/sh
# The session's threads under ThreadSanitizer: builds the engine and data tests with
# -Db_sanitize=thread in build-tsan/ (or $1) and runs the session suite (trainer thread,
# command queue, lock-free metric log, snapshot triple buffer, backprop-train's runs).
# .ci/build test calls it.
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build-tsan}
if [ -f "$dir/build.ninja" ]; then
  meson configure "$dir" -Db_sanitize=thread >/dev/null
else
  meson setup "$dir" -Dgui=false -Db_sanitize=thread -Db_lundef=false \
    -Dbuildtype=debugoptimized >/dev/null
fi
targets="app/backprop-train"
for t in metric-log schedule safetensors session session-rules session-snapshot snapshot-conv; do
  targets="$targets tests/engine/test-$t"
done
# shellcheck disable=SC2086
meson compile -C "$dir" $targets >/dev/null || meson compile -C "$dir" $targets
# halt_on_error: a race fails the test instead of only printing.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
  meson test -C "$dir" --no-rebuild --suite session --print-errorlogs --timeout-multiplier 4
