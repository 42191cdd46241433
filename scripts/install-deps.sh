#!/usr/bin/env bash
# Installs the Debian 12 packages moongrad builds and tests with, those that are missing.
# --check: only report, exit 1 when something is missing.
set -euo pipefail
packages=(build-essential pkg-config liblua5.4-dev lua5.4 libopenblas-dev libreadline-dev
          libcmocka-dev lua-busted zlib1g-dev tmux graphviz
          libstb-dev libsqlite3-dev sqlite3 libcjson-dev libsodium-dev chromium clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = --check ]; then
  echo "missing: ${missing[*]}"
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
