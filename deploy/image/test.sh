#!/usr/bin/env bash
# Runs the six services from the image (deploy/image/build.sh) as Kubernetes
# runs them: a read-only root filesystem, a numeric non-root user, no
# capabilities; against a private PostgreSQL on this machine, then drives
# the sample session through the front door and checks its outcome.
#
#   deploy/image/test.sh [TAG]           TAG defaults to localhost/callcenter:dev
#
# Ends with "N passed, N failed". Needs the image built and the sample
# session binary (bazel build //tests/e2e:sample_session).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tag=${1:-localhost/callcenter:dev}
work=${CALLCENTER_IMAGE_WORK:-/var/tmp/callcenter-image}
mkdir -p "$work"
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
pm() { podman --runtime runc --cgroup-manager=cgroupfs "$@"; }

base=${CALLCENTER_IMAGE_PORT_BASE:-26051}
services=(order pricing guidedselling payment hold orchestration)
declare -A ports=([orchestration]=$base [order]=$((base + 1)) [pricing]=$((base + 2))
                  [guidedselling]=$((base + 3)) [payment]=$((base + 4)) [hold]=$((base + 5)))
passed=0
failed=0
step() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); echo "image PASS: $name"
  else failed=$((failed + 1)); echo "image FAIL: $name"; fi
}

pg=$(mktemp -d /tmp/callcenter-image-pg.XXXXXX)
chmod 755 "$pg"
cleanup() {
  for s in "${services[@]}"; do pm rm -f "cc-test-$s" >/dev/null 2>&1 || true; done
  "$root/deploy/local/pg.sh" stop "$pg/data" >/dev/null 2>&1 || true
}
trap cleanup EXIT
eval "$("$root/deploy/local/pg.sh" start "$pg/data")"
secret=image-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

step "the image exists" pm image exists "$tag"
size=$(pm image inspect --format '{{.Size}}' "$tag" 2>/dev/null || echo 0)
echo "image $tag: $((size / 1000000)) MB"
user=$(pm image inspect --format '{{.Config.User}}' "$tag" 2>/dev/null)
step "the image runs as a numeric non-root user ($user)" \
  bash -c "[[ '$user' =~ ^[1-9][0-9]*(:[0-9]+)?$ ]]"

run() {
  local s=$1
  shift
  pm run -d --name "cc-test-$s" --network host --read-only --cap-drop=ALL \
    --security-opt no-new-privileges \
    -e PORT="${ports[$s]}" -e METRICS_PORT=0 -e PGHOST=127.0.0.1 -e PGPORT="$PGPORT" \
    -e PGUSER="$PGUSER" -e PGDATABASE="$PGDATABASE" -e DRAIN_DELAY_MS=200 "$@" \
    "$tag" "/usr/local/bin/$s" >/dev/null
}
for s in order pricing guidedselling payment hold; do run "$s"; done
run orchestration -e CALLCENTER_JWT_SECRET="$secret" \
  -e ORDER_ADDR="dns:///127.0.0.1:${ports[order]}" \
  -e PRICING_ADDR="dns:///127.0.0.1:${ports[pricing]}" \
  -e GUIDEDSELLING_ADDR="dns:///127.0.0.1:${ports[guidedselling]}" \
  -e PAYMENT_ADDR="dns:///127.0.0.1:${ports[payment]}" \
  -e HOLD_ADDR="dns:///127.0.0.1:${ports[hold]}"

client="$root/bazel-bin/tests/e2e/sample_session"
serving=0
for _ in $(seq 1 60); do
  serving=$(CALLCENTER_PORT_BASE=$base "$client" health 2>/dev/null | grep -c ' SERVING$')
  [ "$serving" -eq 6 ] && break
  sleep 1
done
step "six services from the image SERVING (read-only root, user 10001, no capabilities)" \
  test "$serving" -eq 6
if [ "$serving" -ne 6 ]; then
  for s in "${services[@]}"; do
    echo "--- $s: $(pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' "cc-test-$s" 2>&1)"
    pm logs "cc-test-$s" 2>&1 | tail -3
  done
fi
for s in "${services[@]}"; do
  caps=$(pm inspect --format '{{.EffectiveCaps}}' "cc-test-$s" 2>/dev/null)
  ro=$(pm inspect --format '{{.HostConfig.ReadonlyRootfs}}' "cc-test-$s" 2>/dev/null)
  step "$s: read-only root filesystem ($ro), no capabilities ($caps)" \
    test "$ro" = true -a "$caps" = "[]"
done
out=$(CALLCENTER_PORT_BASE=$base CALLCENTER_JWT_SECRET=$secret "$client" session --check 2>&1)
rc=$?
echo "$out" | tail -5
step "the sample session places, submits and ships an order through the image's services" \
  test $rc -eq 0
for s in "${services[@]}"; do pm logs "cc-test-$s" >"$work/$s.log" 2>&1 || true; done
step "no card number, card token, e-mail address or telephone number in the containers' logs" \
  "$root/tests/e2e/scan_logs.py" "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
