#!/usr/bin/env bash
# From a fresh machine: install, build, bring the suite up and run a sample
# call-center session through the front door. `deploy/local/suite down` stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/setup.sh"
"$root/deploy/local/suite" up
state=${CALLCENTER_STATE_DIR:-$root/.state}
CALLCENTER_JWT_SECRET=${CALLCENTER_JWT_SECRET:-$(cat "$state/jwt_secret")} \
  "$root/bazel-bin/tests/e2e/sample_session" session
