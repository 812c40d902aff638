#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, test and run the
# suite (Debian packages only; --no-upgrade so a running PostgreSQL is left
# alone). Safe to run again.
set -euo pipefail
packages=(bazel-bootstrap bazel-rules-java g++ pkg-config protobuf-compiler libprotobuf-dev
  protobuf-compiler-grpc libgrpc++-dev libabsl-dev libpqxx-dev libpq-dev postgresql-15
  libgtest-dev libgmock-dev grpc-proto prometheus-cpp-dev libssl-dev nlohmann-json3-dev
  libbenchmark-dev libgoogle-perftools-dev yamllint python3 python3-grpcio openssl
  clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm (for buf and the contract check) ship with the machine
# image; Debian's own packages only where they are absent.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-upgrade "${missing[@]}" >/dev/null
fi
