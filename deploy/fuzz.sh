#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (AddressSanitizer and UBSan)
# and runs each for a fixed time budget over its committed seed corpus.
# Usage: ./deploy/fuzz.sh [seconds per target, default 30]
# The seed is fixed (BARAZA_FUZZ_SEED, default 1) and so is the number of runs
# (10,000 per second of budget; the budget itself only caps a slow machine at
# three times it), so that a CI run explores the same inputs each time whatever
# the machine's speed, and a failure is repeatable. BARAZA_FUZZ_SEED=0 picks a
# random seed, for exploring by hand with a longer budget.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUDGET="${1:-${BARAZA_FUZZ_SECONDS:-30}}"
SEED="${BARAZA_FUZZ_SEED:-1}"
BUILD="$ROOT/build-fuzz"
ensure_packages clang libclang-rt-14-dev nlohmann-json3-dev libsimdjson-dev cmake make \
  libprotobuf-dev protobuf-compiler
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CXX=clang++ cmake -S "$ROOT/fuzz" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
say "building the fuzz targets (clang, ASan, UBSan)"
cmake --build "$BUILD" -j"${BARAZA_JOBS:-$(nproc 2>/dev/null || echo 2)}" >"$BUILD/build.log" 2>&1 ||
  { tail -30 "$BUILD/build.log" >&2; say "error: the fuzz build failed; see $BUILD/build.log"; exit 1; }

status=0
for target in transitions case_codec; do
  work="$(mktemp -d)"
  say "fuzzing $target for ${BUDGET}s (seed $SEED)"
  if ! "$BUILD/fuzz_$target" -runs="$((BUDGET * 10000))" -max_total_time="$((BUDGET * 3))" \
        -seed="$SEED" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$BUILD/crash-$target-" "$work" "$ROOT/fuzz/corpus/$target" \
        >"$BUILD/fuzz_$target.log" 2>&1; then
    tail -40 "$BUILD/fuzz_$target.log" >&2
    say "error: fuzz_$target found a failing input; it is saved as $BUILD/crash-$target-*"
    status=1
  else
    say "  $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second\(s\)' "$BUILD/fuzz_$target.log" | tail -1), no failure"
  fi
  rm -rf "$work"
done
exit $status
