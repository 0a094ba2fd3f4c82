#!/usr/bin/env bash
# Installs the Debian 12 packages flowsleuth needs to build, test and benchmark.
# Idempotent: does nothing (and needs no network) when every package is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-program-options-dev libboost-graph-dev
  libfmt-dev libyaml-cpp-dev doctest-dev
  libisal-dev               # gzip inflate (isa-l)
  libsimdjson-dev           # CloudWatch Logs JSON exports and subscription payloads
  clang-14 libclang-rt-14-dev   # libFuzzer targets
  time isal                 # benchmark: /usr/bin/time for peak RSS, igzip as the reference
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "flowsleuth: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
