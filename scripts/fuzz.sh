#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time, seeded
# from the corpus kept in fuzz/corpus/. New inputs go to a scratch directory, not into the repo;
# a crash fails the run and leaves its input in build-fuzz/artifacts/.
set -euo pipefail
seconds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
cxx=$(command -v clang++-14 || command -v clang++)
if [[ ! -f "$build/build.ninja" ]]; then
  CXX="$cxx" cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOWSLEUTH_FUZZ=ON \
    -DFLOWSLEUTH_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" >/dev/null
fi
# Quiet unless it fails: then the build's own output says why (a silent exit hid a link error once).
if ! log=$(cmake --build "$build" -j 2 --target fuzz_line_parser fuzz_format_string fuzz_cloudwatch fuzz_config 2>&1); then
  echo "$log" | tail -40
  echo "fuzz: building the fuzz targets failed" >&2
  exit 1
fi
mkdir -p "$build/artifacts"
for target in line_parser format_string cloudwatch config; do
  scratch=$(mktemp -d)
  echo "fuzz_$target: ${seconds}s"
  "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -print_final_stats=0 \
    -artifact_prefix="$build/artifacts/$target-" "$scratch" "$root/fuzz/corpus/$target" 2>"$build/$target.log" || {
      tail -40 "$build/$target.log"; rm -rf "$scratch"; exit 1; }
  grep -E 'Done [0-9]+ runs' "$build/$target.log" | tail -1 || true
  rm -rf "$scratch"
done
echo "fuzzing passed"
