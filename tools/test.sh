#!/usr/bin/env bash
# Builds tlsdissect and runs every test: unit tests, the command-line contract, and
# the differential tests against tshark (bundled captures, and the real-world ones
# in ../shared/captures-real when present). Then the same suite under ASan+UBSan.
# tests/README.md: labels (ctest -L fast), golden outputs, the tshark cache, skips.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}  # build jobs and tests run at once (the suite passes with -j2 in both builds)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTLSDISSECT_TESTS=ON -DTLSDISSECT_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest -j"$jobs" --output-on-failure)
if [[ ${TLSDISSECT_SKIP_SANITIZERS:-0} != 1 ]]; then
  # The sanitizer build asks tshark the same questions: it reads the first build's answers.
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTLSDISSECT_TESTS=ON -DTLSDISSECT_SANITIZE=ON \
    -DTLSDISSECT_TSHARK_CACHE_DIR="$PWD/build/tshark-cache" >/dev/null
  cmake --build build-asan -j"$jobs"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j"$jobs" --output-on-failure)
fi
# Optional: every fuzz target (tests/fuzz/, clang + libFuzzer) for this many seconds each,
# after its regression inputs. Off unless TLSDISSECT_FUZZ_SECONDS is set (.ci/run sets 25).
if [[ ${TLSDISSECT_FUZZ_SECONDS:-0} -gt 0 ]]; then
  JOBS=$jobs bash tools/fuzz.sh "$TLSDISSECT_FUZZ_SECONDS"
fi
