#!/usr/bin/env bash
# End to end: bring the real suite up (six processes, real PostgreSQL), drive
# the thin order path through the front door, restart everything, and check
# the order survived. Prints "e2e: N passed, N failed" counts on stdout's last
# line as "E2E_RESULT passed failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export CALLCENTER_STATE_DIR=${CALLCENTER_STATE_DIR:-$(mktemp -d /tmp/callcenter-e2e.XXXXXX)}
chmod 755 "$CALLCENTER_STATE_DIR"
export CALLCENTER_JWT_SECRET=${CALLCENTER_JWT_SECRET:-e2e-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
unset DATABASE_URL
# Below the ephemeral port range, so no outgoing connection can hold them.
export CALLCENTER_PORT_BASE=${CALLCENTER_PORT_BASE:-25051}
suite="$root/deploy/local/suite"
client="$root/bazel-bin/tests/e2e/sample_session"
passed=0
failed=0
step() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "e2e PASS: $name"
  else
    failed=$((failed + 1))
    echo "e2e FAIL: $name"
  fi
}
trap '"$suite" down >/dev/null 2>&1 || true' EXIT

step "suite up, all six services SERVING" "$suite" up
out=$("$client" session --check 2>&1)
rc=$?
echo "$out"
step "sample session places and submits an order" test $rc -eq 0
order_id=$(echo "$out" | sed -n 's/^ORDER_ID=//p')
# A client in another language that knows only API.md's names and learns
# the messages from the servers' reflection.
step "a Python client through reflection places, holds and clears orders" \
  "$root/tests/e2e/reflection_client.py"
step "suite down" "$suite" down
step "suite up again" "$suite" up
step "the order survives a restart" "$client" verify "$order_id"
"$suite" down >/dev/null 2>&1

# The same suite with TLS as in production (mutual TLS between services).
export CALLCENTER_TLS=1
tls_dir="$CALLCENTER_STATE_DIR/tls"
admin=(TLS_CA_FILE="$tls_dir/ca.crt" TLS_CERT_FILE="$tls_dir/admin.crt" TLS_KEY_FILE="$tls_dir/admin.key")
step "suite up with TLS, all six SERVING to a client with a certificate" "$suite" up
step "with TLS, a session places and submits an order" env "${admin[@]}" "$client" session --check
health_plain=$("$client" health 2>&1)
step "with TLS, a plaintext client reaches no service" \
  test "$(echo "$health_plain" | grep -c NOT_SERVING)" -eq 6
health_anonymous=$(env TLS_CA_FILE="$tls_dir/ca.crt" "$client" health 2>&1)
step "with TLS, a client without a certificate reaches only the front door" \
  test "$(echo "$health_anonymous" | grep -c ' SERVING')" -eq 1 -a \
  "$(echo "$health_anonymous" | grep -c '^orchestration .* SERVING')" -eq 1
"$suite" down >/dev/null 2>&1
echo "E2E_RESULT $passed $failed"
[ "$failed" -eq 0 ]
