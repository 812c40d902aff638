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
# Recovery and the payment sweep within seconds, for the crash round.
export SAGA_IDLE_MS=5000 SAGA_RECOVERY_INTERVAL_MS=500
export PAYMENT_SWEEP_MIN_AGE_MS=7000 PAYMENT_SWEEP_INTERVAL_MS=1000
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
step "sample session places, submits and ships an order" test $rc -eq 0
order_id=$(echo "$out" | sed -n 's/^ORDER_ID=//p')
# A client in another language that knows only API.md's names and learns
# the messages from the servers' reflection.
step "a Python client through reflection places, holds and clears orders" \
  "$root/tests/e2e/reflection_client.py"

# A stalled dependency: the pricing service stopped (SIGSTOP) for a while.
# Calls that need it fail within the front door's downstream deadline,
# calls that do not still answer meanwhile, and it serves again on SIGCONT.
kill -STOP "$(cat "$CALLCENTER_STATE_DIR/pricing.pid")"
step "pricing stalled: AddLine answers DEADLINE_EXCEEDED or UNAVAILABLE within 5 s, GetOrder meanwhile at once" \
  "$client" stalled "$order_id"
kill -CONT "$(cat "$CALLCENTER_STATE_DIR/pricing.pid")"
step "pricing resumed: a session places, submits and ships an order" "$client" session --check
step "suite down" "$suite" down
step "suite up again" "$suite" up
step "the order survives a restart" "$client" verify "$order_id"

# PostgreSQL stopped for a few seconds: readiness follows it on every
# service within about a second, both ways (a pod that cannot work is
# pulled from its Service; one that can is put back).
pgdir="$CALLCENTER_STATE_DIR/postgres"
"$root/deploy/local/pg.sh" stop "$pgdir" >/dev/null
sleep 2
during=$("$client" health 2>&1)
echo "$during"
step "PostgreSQL stopped: all six NOT_SERVING within 2 s" \
  test "$(echo "$during" | grep -c NOT_SERVING)" -eq 6
sleep 2
"$root/deploy/local/pg.sh" start "$pgdir" >/dev/null
sleep 2
after=$("$client" health 2>&1)
echo "$after"
step "PostgreSQL back: all six SERVING within 2 s" \
  test "$(echo "$after" | grep -c ' SERVING$')" -eq 6
outage_logs=$(cat "$CALLCENTER_STATE_DIR"/logs/*.log | grep -c '"message":"database unreachable"')
step "the outage is logged once per service, not per call ($outage_logs)" \
  test "$outage_logs" -le 6 -a "$outage_logs" -ge 1
step "after the outage, a session places an order" "$client" session --check

# Every service's process is still the one started (none died of a fault).
alive() {
  local service
  for service in order pricing guidedselling payment hold orchestration; do
    kill -0 "$(cat "$CALLCENTER_STATE_DIR/$service.pid")" 2>/dev/null || return 1
  done
}

# A fault in the middle of orders placed, shipped and returned by 8 agents;
# afterwards no order confirmed to an agent is lost, recovery settles every
# interrupted saga, the sweep leaves no authorisation off its order, and
# every invoice is captured and every refund made exactly once.
under_load() {
  local name=$1 fault=$2 load_log="$CALLCENTER_STATE_DIR/load-${1// /-}.log"
  "$root/bazel-bin/tests/load/load_generator" --agents=8 --seconds=10 --allow_failures --ship \
    --return_one --port_base="$CALLCENTER_PORT_BASE" --front_doors="${FRONT_DOORS:-1}" \
    >"$load_log" 2>&1 &
  local load_pid=$!
  sleep 3
  "$fault"
  wait "$load_pid"
  local load_rc=$?
  grep -E "completed=|lost=|OK|FAILED|customer=" "$load_log"
  step "$name: no order confirmed to an agent is lost" test "$load_rc" -eq 0
  sleep 10  # SAGA_IDLE_MS and PAYMENT_SWEEP_MIN_AGE_MS, and a round of each
  local unfinished
  unfinished=$(env PGHOST=127.0.0.1 PGPORT="$(cat "$CALLCENTER_STATE_DIR/postgres/port")" \
    PGUSER=postgres PGDATABASE=postgres psql -Atc \
    "SELECT count(*) FROM orchestration_svc.sagas WHERE state NOT IN ('DONE', 'COMPENSATED')")
  step "$name: recovery settled every interrupted saga ($unfinished left)" \
    test "$unfinished" = 0
  step "$name: every live payment is counted by its order" "$client" settled
  local customer
  customer=$(sed -n 's/^customer=//p' "$load_log")
  step "$name: every shipped order's captures equal its invoices, each refund made once" \
    "$root/bazel-bin/tests/load/load_generator" --port_base="$CALLCENTER_PORT_BASE" \
    --verify_captures="$customer"
}

# PostgreSQL restarted under load: every service stays up, NOT_SERVING on
# readiness and UNAVAILABLE at once while it is gone, SERVING again within
# seconds of its return.
restart_postgres() {
  "$root/deploy/local/pg.sh" stop "$pgdir" >/dev/null
  sleep 2
  local during
  during=$("$client" health 2>&1)
  step "PostgreSQL restarted under load: all six NOT_SERVING while it is gone" \
    test "$(echo "$during" | grep -c NOT_SERVING)" -eq 6
  step "PostgreSQL restarted under load: a change answers UNAVAILABLE at once" \
    "$client" unavailable
  "$root/deploy/local/pg.sh" start "$pgdir" >/dev/null
  sleep 3
  local back
  back=$("$client" health 2>&1)
  step "PostgreSQL restarted under load: all six SERVING within 3 s of its return" \
    test "$(echo "$back" | grep -c ' SERVING$')" -eq 6
  step "PostgreSQL restarted under load: every service stayed up" alive
}
under_load "PostgreSQL restarted" restart_postgres

# The front door killed (SIGKILL) in the middle of orders, then restarted;
# the same with the payment service killed (authorisations left PENDING).
# SIGKILL to the instances named in KILL ("payment", "order-2", ...), then
# the suite brought back up.
kill_instances() {
  local s
  for s in $KILL; do kill -9 "$(cat "$CALLCENTER_STATE_DIR/$s.pid")"; done
  sleep 1
  step "$KILL killed under load, restarted" "$suite" up
}
KILL=orchestration under_load "orchestration killed" kill_instances
KILL=payment under_load "payment killed" kill_instances
"$suite" down >/dev/null 2>&1

# Two replicas of every service on the one database, the agents spread over
# both front doors, and one replica of each service killed (SIGKILL) in the
# middle: the other replicas carry on, recovery (whichever front door claims
# a saga) finishes each once, and the same checks hold: nothing lost,
# nothing captured, refunded or voided twice.
export CALLCENTER_REPLICAS=2
step "suite up with two replicas of every service, all twelve SERVING" "$suite" up
KILL="orchestration-2 order-2 pricing-2 guidedselling-2 payment-2 hold-2" FRONT_DOORS=2 \
  under_load "two replicas, one of each killed" kill_instances
"$suite" down >/dev/null 2>&1
unset CALLCENTER_REPLICAS

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

# Nothing that must never be logged was: card numbers, card tokens, the
# test customers' e-mail addresses and telephone numbers, over every log of
# the whole run (both suites, the faults and the crashes included).
step "no card number, card token, e-mail address or telephone number in any log" \
  "$root/tests/e2e/scan_logs.py" "$CALLCENTER_STATE_DIR/logs"
echo "E2E_RESULT $passed $failed"
[ "$failed" -eq 0 ]
