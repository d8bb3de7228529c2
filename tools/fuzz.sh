#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, ASan and UBSan, and runs each
# for SECONDS (default 60).
#
#   tools/fuzz.sh [SECONDS] [TARGET...]        e.g. tools/fuzz.sh 600 fuzz_x509 fuzz_dns
#
# A target with a dictionary (tests/fuzz/<target>.dict) gets it. Before fuzzing, every target runs its regression inputs (tests/fuzz/regressions/<target>/,
# inputs that once crashed it). Each target starts from the committed seeds
# (tests/fuzz/corpus/<target>/, written by tests/fuzz/make_corpus.py; fuzz_capture also
# gets the files in captures/) and keeps what it learns in the build directory, never in
# the source tree. A crash, leak, UB report or hang (an input running longer than
# FUZZ_TIMEOUT seconds, default 30) is kept in tests/fuzz/crashes/<target>-...; turn it
# into a regression input once fixed. One summary line per target; the exit status is 1
# when any target failed.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), JOBS (build jobs, default 2),
# FUZZ_PARALLEL (targets fuzzed at once, default 1), FUZZ_TIMEOUT, FUZZ_RSS_LIMIT_MB
# (default 2048).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(fuzz_capture fuzz_frame fuzz_ip_frames fuzz_tcp_reassembly fuzz_tls_stream
             fuzz_handshake fuzz_x509 fuzz_dns fuzz_reassembly_diff fuzz_filter fuzz_output fuzz_decrypt fuzz_quic fuzz_dtls fuzz_qpack
             fuzz_encapsulation)
seconds=60
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
# TLSDISSECT_FUZZ_SKIP: targets left out of this run (a known, documented failure that
# is not fixed yet; see docs/limits.md), e.g. "fuzz_reassembly_diff".
if [[ -n ${TLSDISSECT_FUZZ_SKIP:-} ]]; then
  kept=()
  for t in "${targets[@]}"; do
    if [[ " $TLSDISSECT_FUZZ_SKIP " == *" $t "* ]]; then echo "fuzz.sh: skipping $t (TLSDISSECT_FUZZ_SKIP)"; else kept+=("$t"); fi
  done
  targets=("${kept[@]}")
fi
for t in "${targets[@]}"; do
  if [[ ! " ${all_targets[*]} " == *" $t "* ]]; then
    echo "fuzz.sh: unknown target '$t' (targets: ${all_targets[*]})" >&2
    exit 2
  fi
done

build=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${JOBS:-2}
parallel=${FUZZ_PARALLEL:-1}
timeout=${FUZZ_TIMEOUT:-30}
rss_limit=${FUZZ_RSS_LIMIT_MB:-2048}

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is needed for libFuzzer (apt-get install clang)" >&2
  exit 2
fi
work=$build/fuzz-work
mkdir -p tests/fuzz/crashes "$work/logs"
if ! { CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTLSDISSECT_FUZZ=ON \
         -DTLSDISSECT_TESTS=OFF && cmake --build "$build" -j"$jobs" --target "${targets[@]}"; } \
     >"$work/logs/build.log" 2>&1; then
  tail -40 "$work/logs/build.log" >&2
  echo "fuzz.sh: the build failed (log: $work/logs/build.log)" >&2
  exit 2
fi
bin_dir=$build/tests/fuzz
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Runs one target; writes its summary line to $work/logs/<target>.summary.
run_target() {
  local t=$1 bin=$bin_dir/$1 log=$work/logs/$1.log summary=$work/logs/$1.summary
  local regressions=tests/fuzz/regressions/$t corpus=$work/corpus/$t
  mkdir -p "$corpus"
  : >"$log"
  if compgen -G "$regressions/*" >/dev/null; then
    if ! "$bin" -timeout="$timeout" -rss_limit_mb="$rss_limit" "$regressions"/* >>"$log" 2>&1; then
      echo "$t: FAILED on a regression input in $regressions (log: $log)" >"$summary"
      return
    fi
  fi
  local seeds=()
  [[ -d tests/fuzz/corpus/$t ]] && seeds+=(tests/fuzz/corpus/"$t")
  [[ -d $regressions ]] && seeds+=("$regressions")
  [[ $t == fuzz_capture || $t == fuzz_output ]] && seeds+=(captures)
  local dict=()
  [[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
  local rc=0 start=$SECONDS
  "$bin" "${dict[@]}" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_limit" -print_final_stats=1 \
    -artifact_prefix="tests/fuzz/crashes/$t-" "$corpus" "${seeds[@]}" >>"$log" 2>&1 || rc=$?
  local elapsed=$((SECONDS - start)) last execs rate
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  local cov ft corp
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  local line
  line=$(printf '%-22s %5s s  %10s execs  %6s/s  cov %5s  ft %6s  corpus %5s' "$t" "$elapsed" \
    "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")
  if [[ $rc -eq 0 ]]; then
    echo "$line  ok" >"$summary"
  else
    local artifact
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "$line  FAILED (exit $rc): ${artifact:-see $log}" >"$summary"
  fi
}

running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [[ $running -ge $parallel ]]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
echo "fuzz.sh: ${#targets[@]} targets, ${seconds} s each (logs in $work/logs)"
for t in "${targets[@]}"; do
  cat "$work/logs/$t.summary"
  grep -q ' ok$' "$work/logs/$t.summary" || status=1
done
exit $status
