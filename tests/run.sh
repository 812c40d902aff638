#!/usr/bin/env bash
# Runs every test: installs what is missing, starts a private PostgreSQL,
# `bazel test //...`, the protos' buf lint and contract check, the
# end-to-end suite test, a bounded fuzzing round; ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/tools/setup.sh" || exit 1

work=$(mktemp -d /tmp/callcenter-tests.XXXXXX)
chmod 755 "$work"
cleanup() { "$root/deploy/local/pg.sh" stop "$work/pg" >/dev/null 2>&1 || true; }
trap cleanup EXIT
eval "$("$root/deploy/local/pg.sh" start "$work/pg")" || { echo "cannot start PostgreSQL" >&2; exit 1; }
export PGHOST PGPORT PGUSER PGDATABASE
export CALLCENTER_REQUIRE_PG=1

passed=0
failed=0

# Unit, database and service tests.
bazel test //... --test_env=CALLCENTER_REQUIRE_PG 2>&1 | tee "$work/bazel.log" | grep -E "^//|Executed|FAIL|ERROR" || true
for xml in $(find -L bazel-testlogs/ -name test.xml -not -path "*/run_*_of_*" -not -path "*/shard_*" 2>/dev/null); do
  t=$(grep -o 'tests="[0-9]*"' "$xml" | head -1 | grep -o '[0-9]*')
  f=$(grep -o 'failures="[0-9]*"' "$xml" | head -1 | grep -o '[0-9]*')
  e=$(grep -o 'errors="[0-9]*"' "$xml" | head -1 | grep -o '[0-9]*')
  t=${t:-0}; f=${f:-0}; e=${e:-0}
  passed=$((passed + t - f - e))
  failed=$((failed + f + e))
done
if grep -q "FAILED TO BUILD\|Build did NOT complete\|FAILED in\|NO STATUS" "$work/bazel.log"; then
  failed=$((failed + 1))
  echo "bazel test reported failures"
fi

# Protos: buf lint (STANDARD) and the public contract check.
tooldir=${CALLCENTER_TOOL_CACHE:-/tmp/callcenter-tools}
mkdir -p "$tooldir"
if [ ! -x "$tooldir/node_modules/.bin/buf" ]; then
  (cd "$tooldir" && npm install --no-audit --no-fund --silent @bufbuild/buf@1.75.0 >/dev/null 2>&1)
fi
if (cd protos && "$tooldir/node_modules/.bin/buf" lint); then
  passed=$((passed + 1)); echo "buf lint: PASS"
else
  failed=$((failed + 1)); echo "buf lint: FAIL"
fi
contract="$root/../shared/tools/contract-check"
if [ -f "$contract/contract.mjs" ]; then
  cc="$work/contract"
  cp -r "$contract" "$cc" && chmod -R u+w "$cc"
  if (cd "$cc" && npm install --no-audit --no-fund --silent >/dev/null 2>&1) &&
     PROJECT_DIR="$root" node "$cc/contract.mjs" >"$work/contract.log" 2>&1; then
    passed=$((passed + 1)); echo "contract check: $(tail -1 "$work/contract.log")"
  else
    failed=$((failed + 1)); echo "contract check: FAIL"; grep FAIL "$work/contract.log" | head -20
  fi
fi

# Kubernetes manifests and image recipe: render, schemas, policies, yamllint.
for bin in order pricing guidedselling payment hold orchestration; do
  "bazel-bin/services/$bin/$bin" --list-config
done >"$work/service-config.jsonl" 2>/dev/null
if (cd deploy && npm ci --no-audit --no-fund --silent >/dev/null 2>&1) &&
   (cd deploy && SERVICE_CONFIG_JSON="$work/service-config.jsonl" node checks/check.mjs >"$work/deploy.log" 2>&1); then
  passed=$((passed + 1)); echo "deploy checks: $(tail -1 "$work/deploy.log")"
else
  failed=$((failed + 1)); echo "deploy checks: FAIL"; grep -E "FAIL|rror" "$work/deploy.log" | head -20
fi
if (cd deploy && SERVICE_CONFIG_JSON="$work/service-config.jsonl" node --test checks/ >"$work/deploy-test.log" 2>&1); then
  passed=$((passed + 1)); echo "deploy policy tests: $(grep -E '^# pass' "$work/deploy-test.log")"
else
  failed=$((failed + 1)); echo "deploy policy tests: FAIL"; grep -E "not ok|Error" "$work/deploy-test.log" | head -20
fi
if yamllint -c deploy/.yamllint.yaml deploy/ >"$work/yamllint.log" 2>&1; then
  passed=$((passed + 1)); echo "yamllint deploy/: PASS"
else
  failed=$((failed + 1)); echo "yamllint deploy/: FAIL"; head -20 "$work/yamllint.log"
fi

# End to end through real processes.
e2e_out=$("$root/tests/e2e/suite_e2e.sh" 2>&1)
echo "$e2e_out" | grep -E "^e2e " || true
read -r _ ep ef <<<"$(echo "$e2e_out" | grep '^E2E_RESULT' | tail -1)"
if [ -z "${ep:-}" ]; then
  echo "$e2e_out" | tail -30
  ef=1; ep=0
fi
passed=$((passed + ep))
failed=$((failed + ef))

# Fuzzing, bounded: each libFuzzer target for FUZZ_SECONDS (15) from its
# corpus (clang, AddressSanitizer and UBSan; tests/fuzz/run.sh SECONDS for
# longer runs).
fuzz_out=$(FUZZ_SEED=${FUZZ_SEED:-1} "$root/tests/fuzz/run.sh" "${FUZZ_SECONDS:-15}" 2>&1)
echo "$fuzz_out" | grep -E "^fuzz |^  " || true
read -r fp _ ff _ <<<"$(echo "$fuzz_out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)"
if [ -z "${fp:-}" ]; then
  echo "$fuzz_out" | tail -30
  ff=1; fp=0
fi
passed=$((passed + fp))
failed=$((failed + ff))

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
