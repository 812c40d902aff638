#!/usr/bin/env bash
# Fuzzes each target for SECONDS (default 60) with libFuzzer: built with
# clang, libFuzzer and AddressSanitizer (Bazel's --config=fuzz, in an
# output base of its own so that the ordinary build's cache stays), each
# started from its corpus in tests/fuzz/corpus/<target>/. New inputs go to
# a scratch folder (printed); a crash or broken invariant is kept under
# that folder's artifacts/ and fails the run. Ends with "N passed, N failed".
# FUZZ_SEED fixes libFuzzer's seed (0, the default: a new one each run; the
# test command fixes it, so that CI replays one known sequence).
#
#   tests/fuzz/run.sh [SECONDS] [TARGET ...]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(request_fuzzer jwt_fuzzer money_fuzzer config_fuzzer pricing_fuzzer)
# One output base per checkout (an output base belongs to one workspace).
out_base=${CALLCENTER_FUZZ_OUTPUT_BASE:-$HOME/.cache/callcenter-fuzz/$(echo "$root" | md5sum | cut -c1-12)}
labels=()
for t in "${targets[@]}"; do labels+=("//tests/fuzz:$t"); done
# --symlink_prefix=/: no bazel-* links, so the ordinary build's stay put.
if ! bazel --output_base="$out_base" build --config=fuzz --symlink_prefix=/ "${labels[@]}" \
    >/tmp/callcenter-fuzz-build.log 2>&1; then
  tail -30 /tmp/callcenter-fuzz-build.log
  echo "fuzz: the targets did not build"
  echo "0 passed, ${#targets[@]} failed"
  exit 1
fi
bin=$(bazel --output_base="$out_base" info --config=fuzz bazel-bin 2>/dev/null)
work=$(mktemp -d /tmp/callcenter-fuzz.XXXXXX)
passed=0
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t/new" "$work/$t/artifacts"
  "$bin/tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
    -seed="${FUZZ_SEED:-0}" \
    -timeout=10 -artifact_prefix="$work/$t/artifacts/" "$work/$t/new" "tests/fuzz/corpus/$t" \
    >"$work/$t/log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log" | tail -1)
  found=$(find "$work/$t/new" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz PASS: $t: ${runs:-0} executions in ${seconds} s, $found new inputs ($work/$t/new)"
  else
    failed=$((failed + 1))
    echo "fuzz FAIL: $t (exit $rc): $(grep -m1 -E 'invariant broken|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY' "$work/$t/log")"
    echo "  input kept in: $(ls "$work/$t/artifacts/" | head -1) under $work/$t/artifacts; log $work/$t/log"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
