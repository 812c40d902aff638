#!/usr/bin/env bash
# Runs the load generator against the local suite and prints, besides its
# report, the CPU time each process spent per completed order (the
# services, PostgreSQL's processes together, and the load generator).
#
#   tests/load/cpu_per_order.sh [load_generator flags]   e.g. --agents=16 --seconds=15
#
# Needs the suite up (deploy/local/suite up) with CALLCENTER_STATE_DIR as
# it was started, and bazel-bin/tests/load/load_generator built (-c opt).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
state=${CALLCENTER_STATE_DIR:-$root/.state}
services="order pricing guidedselling payment hold orchestration"
ticks_per_second=$(getconf CLK_TCK)

# utime + stime of one process, in clock ticks (0 if it has gone).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
snapshot() {
  for s in $services; do echo "$s $(ticks "$(cat "$state/$s.pid")")"; done
  local pg=0
  for p in $(pgrep -x postgres || true); do pg=$((pg + $(ticks "$p"))); done
  echo "postgres $pg"
}

before=$(snapshot)
export CALLCENTER_JWT_SECRET=${CALLCENTER_JWT_SECRET:-$(cat "$state/jwt_secret")}
out=$(mktemp)
trap 'rm -f "$out" "$out.cpu"' EXIT
TIMEFORMAT='%U %S'  # bash's own `time`: the load generator's user and system CPU
{ time "$root/bazel-bin/tests/load/load_generator" "$@" >"$out" 2>&1; } 2>"$out.cpu"
after=$(snapshot)
cat "$out"
report=$(cat "$out"; echo "load_generator_cpu $(cat "$out.cpu")")
orders=$(sed -n 's/.*whole flow *n=\([0-9]*\).*/\1/p' "$out")
if [ -z "$orders" ] || [ "$orders" -eq 0 ]; then
  echo "no completed orders: no CPU per order" >&2
  exit 1
fi
echo "CPU per completed order (ms):"
join <(echo "$before" | sort) <(echo "$after" | sort) |
  awk -v n="$orders" -v hz="$ticks_per_second" \
    '{printf "  %-14s %6.2f\n", $1, 1000 * ($3 - $2) / hz / n; total += ($3 - $2)}
     END {printf "  %-14s %6.2f\n", "(services+pg)", 1000 * total / hz / n}'
echo "$report" | awk -v n="$orders" '/^load_generator_cpu/ {printf "  %-14s %6.2f\n", "load_generator", 1000 * ($2 + $3) / n}'
