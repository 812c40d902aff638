#!/usr/bin/env bash
# Builds the suite's image from deploy/image/Dockerfile with podman, on a
# machine that reaches Debian's package mirror but no container registry:
# the Debian 12 base is made from Debian's own packages (debootstrap, the
# mirror apt already uses) and imported once. Prints the image's size.
#
#   deploy/image/build.sh [TAG]          TAG defaults to localhost/callcenter:dev
#
# The first build compiles the six services with Bazel inside the image's
# build stage (cold: tens of minutes on two cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tag=${1:-localhost/callcenter:dev}
work=${CALLCENTER_IMAGE_WORK:-/var/tmp/callcenter-image}

missing=()
for p in podman runc debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-upgrade "${missing[@]}" >/dev/null
fi

mkdir -p "$work"
# What these machines need for podman to run anything: the runc runtime,
# the cgroupfs manager (below) and no default ulimits.
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
pm() { podman --runtime runc --cgroup-manager=cgroupfs "$@"; }

base=localhost/debian:12-minbase
if ! pm image exists "$base"; then
  # The mirror apt on this machine uses (deb822 sources or a sources.list).
  mirror=$({ cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true; } |
    grep -E '^(URIs:|deb )' | grep -v security |
    sed -E 's/^(URIs:|deb( \[[^]]*\])?) *//; s/ .*//' | head -1)
  rm -rf "$work/rootfs"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1
  # The packages debootstrap fetched stay out of the image.
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | pm import - "$base" >/dev/null
  rm -rf "$work/rootfs"
fi

# The Dockerfile's own base names, answered from local storage (nothing
# is pulled: podman builds with the images it has).
pm tag "$base" docker.io/library/debian:12 docker.io/library/debian:12-slim
pm build --network host --pull=never -t "$tag" -f "$root/deploy/image/Dockerfile" "$root"
size=$(pm image inspect --format '{{.Size}}' "$tag")
echo "built $tag: $((size / 1000000)) MB"
