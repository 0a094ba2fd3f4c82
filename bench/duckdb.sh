#!/usr/bin/env bash
# DuckDB for the diagnose benchmark (bench/run.sh), from the npm package @duckdb/node-api, installed
# into a cache OUTSIDE the repository and reused from there. Only the benchmark calls this: the
# build, the tests, `make demo` and `make test` never download anything.
#
#   bash bench/duckdb.sh              # install when missing; print the npm prefix that holds it
#   bash bench/duckdb.sh FILE         # the same, then run the pairing GROUP BY over FILE, timed
#
# On success prints the prefix on stdout and exits 0. When node or npm is missing, or the install
# fails (no network), prints "DuckDB comparison skipped: <why>" on stderr and exits 1.
# Environment: BENCH_DUCKDB_DIR (${XDG_CACHE_HOME:-$HOME/.cache}/flowsleuth-bench/duckdb),
# BENCH_DUCKDB=0 to skip the comparison, BENCH_DUCKDB_THREADS (2).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=${BENCH_DUCKDB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/flowsleuth-bench/duckdb}
package='@duckdb/node-api'

skip() { echo "DuckDB comparison skipped: $*" >&2; exit 1; }

[[ ${BENCH_DUCKDB:-1} != 0 ]] || skip "BENCH_DUCKDB=0"
case $prefix in
  "$(cd "$here/.." && pwd)"/*) skip "BENCH_DUCKDB_DIR ($prefix) is inside the repository" ;;
esac
command -v node >/dev/null || skip "node not found (Debian packages nodejs npm)"

loads() {  # the installed package resolves and its native binding loads
  (cd "$prefix" 2>/dev/null && node -e "require('@duckdb/node-api')" >/dev/null 2>&1)
}

if ! loads; then
  command -v npm >/dev/null || skip "npm not found (Debian package npm)"
  mkdir -p "$prefix" || skip "cannot create $prefix"
  echo "bench: installing $package into $prefix…" >&2
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! timeout 600 npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
      "$package" > "$log" 2>&1; then
    why=$(sed -n 's/^npm error //p' "$log" | grep -m2 -E '^code |reason:' | tr '\n' ' ' || true)
    skip "npm install $package into $prefix failed (${why:-see the npm log}; no network?)"
  fi
  loads || skip "$package installed into $prefix but does not load"
fi

if (($# == 0)); then
  echo "$prefix"
  exit 0
fi
file=$1
[[ -r $file ]] || { echo "bench: cannot read $file" >&2; exit 2; }
echo "$prefix"
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -f 'seconds %e peak_rss_kb %M' \
    node "$here/duckdb_pairing.mjs" "$prefix" "$file" "${BENCH_DUCKDB_THREADS:-2}"
else
  node "$here/duckdb_pairing.mjs" "$prefix" "$file" "${BENCH_DUCKDB_THREADS:-2}"
fi
