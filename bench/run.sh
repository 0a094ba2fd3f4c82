#!/usr/bin/env bash
# The flowsleuth benchmark (`make bench`): times flowsleuth side by side with the tools that bound
# what it could achieve on the same files — `wc -l` for reading text, `igzip -dc` for inflating,
# DuckDB's pairing GROUP BY for diagnosing — and prints the figures with the project's targets.
# Figures, not a test: always exits 0 once the measurements ran, whether targets are met or not.
#
#   bash bench/run.sh build/flowsleuth
#
# The generator must sit beside the binary (build/flowsleuth_bench_gen). Environment, see README:
#   BENCH_RECORDS (10000000), BENCH_V5_RECORDS (= BENCH_RECORDS), BENCH_SEED (1), BENCH_RUNS (3),
#   BENCH_DATA_DIR (bench/data), BENCH_DUCKDB (1; 0 skips DuckDB), BENCH_DUCKDB_DIR (npm cache outside
#   the repository, see bench/duckdb.sh). Without node/npm or network DuckDB is skipped with a line.
set -euo pipefail
export LC_ALL=C  # EPOCHREALTIME and printf must agree on the decimal point

bin=${1:?usage: bench/run.sh path/to/flowsleuth}
gen=$(dirname "$bin")/flowsleuth_bench_gen
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data_dir=${BENCH_DATA_DIR:-$root/bench/data}
results_dir=$root/bench/results
records=${BENCH_RECORDS:-10000000}
v5_records=${BENCH_V5_RECORDS:-$records}
seed=${BENCH_SEED:-1}
runs=${BENCH_RUNS:-3}

die() { echo "bench: $*" >&2; exit 2; }
for v in records v5_records seed runs; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
done
((records > 0 && v5_records > 0 && runs > 0)) || die "record counts and BENCH_RUNS must be positive"
[[ -x $bin ]] || die "no flowsleuth binary at $bin (build it first: make build)"
[[ -x $gen ]] || die "no generator at $gen (it is built with flowsleuth: make build)"

if command -v igzip >/dev/null; then
  compress=(igzip -c); inflate=(igzip -dc); inflate_name="igzip -dc"
else
  echo "bench: igzip not found (Debian package isal); using gzip, so the gzip ratio is not the target's" >&2
  compress=(gzip -1 -c); inflate=(gzip -dc); inflate_name="gzip -dc"
fi
have_time=0
if [[ -x /usr/bin/time ]]; then
  have_time=1
else
  echo "bench: /usr/bin/time not found (Debian package time): peak RSS will not be measured" >&2
fi

mkdir -p "$data_dir" "$results_dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Data files are reused across runs. A marker beside each holds the generator source's digest and
# the file's size, so an interrupted generation or a changed generator is never mistaken for data.
gen_digest=$( (md5sum < "$root/bench/generate.cpp" 2>/dev/null || echo none) | cut -c1-12)
is_current() {  # file key
  [[ -f $1 && -f $1.ok ]] && [[ $(cat "$1.ok") == "$2 $(stat -c %s "$1")" ]]
}
mark_current() { echo "$2 $(stat -c %s "$1")" > "$1.ok"; }

generate() {  # file format count
  local file=$1 format=$2 count=$3 key="gen:$gen_digest seed:$seed"
  if is_current "$file" "$key"; then return; fi
  echo "bench: generating $(basename "$file") ($count records, $format)…" >&2
  rm -f "$file.ok"
  nice "$gen" --records "$count" --format "$format" --seed "$seed" --out "$file.tmp"
  mv "$file.tmp" "$file"
  mark_current "$file" "$key"
}

plain=$data_dir/flows-v2-$records-s$seed.log
gz=$plain.gz
v5=$data_dir/flows-v5-$v5_records-s$seed.log
generate "$plain" v2 "$records"
generate "$v5" v5 "$v5_records"
gz_key="from:$(cat "$plain.ok" | tr ' ' :) with:${compress[0]}"
if ! is_current "$gz" "$gz_key"; then
  echo "bench: compressing with ${compress[*]}…" >&2
  rm -f "$gz.ok"
  nice "${compress[@]}" "$plain" > "$gz.tmp"
  mv "$gz.tmp" "$gz"
  mark_current "$gz" "$gz_key"
fi

plain_bytes=$(stat -c %s "$plain")
gz_bytes=$(stat -c %s "$gz")
v5_bytes=$(stat -c %s "$v5")

report=$tmp/report
emit() { printf '%s\n' "$*" | tee -a "$report"; }

# Best wall time of $runs runs (EPOCHREALTIME, microseconds) and the peak RSS of that best run.
# Sets: best_us, best_rss_kb, failed, and leaves the last run's stdout in $tmp/out when out=capture.
measure() {  # out(/dev/null|capture) command...
  local out=$1; shift
  local dest=/dev/null i t0 t1 us rc rss
  [[ $out == capture ]] && dest=$tmp/out
  best_us=0 best_rss_kb=0 failed=""
  for ((i = 0; i < runs; i++)); do
    rc=0
    t0=${EPOCHREALTIME/./}
    if ((have_time)); then
      /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" > "$dest" 2> "$tmp/err" || rc=$?
    else
      "$@" > "$dest" 2> "$tmp/err" || rc=$?
    fi
    t1=${EPOCHREALTIME/./}
    if ((rc != 0)); then
      failed="exit $rc: $(tail -n 3 "$tmp/err" | tr '\n' ' ')"
      return
    fi
    us=$((t1 - t0))
    rss=0
    ((have_time)) && rss=$(tail -n 1 "$tmp/time" | awk '{print $2}')
    if ((best_us == 0 || us < best_us)); then best_us=$us best_rss_kb=$rss; fi
  done
}

declare -A seconds=() rss_mb=()
row() {  # key label file_label text_bytes records out(/dev/null|capture) command...
  local key=$1 label=$2 file_label=$3 bytes=$4 n=$5 out=$6; shift 6
  echo "bench: $label on $file_label…" >&2
  measure "$out" "$@"
  if [[ -n $failed ]]; then
    emit "$(printf '%-22s %-6s  FAILED (%s)' "$label" "$file_label" "$failed")"
    return
  fi
  seconds[$key]=$(awk -v u="$best_us" 'BEGIN { printf "%.3f", u / 1e6 }')
  local rss_text="n/a"
  ((have_time)) && rss_text=$(awk -v k="$best_rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
  ((have_time)) && rss_mb[$key]=$rss_text
  emit "$(awk -v l="$label" -v f="$file_label" -v u="$best_us" -v b="$bytes" -v n="$n" -v r="$rss_text" \
    'BEGIN { s = u / 1e6; printf "%-22s %-6s %9.3f %9.0f %12.0f %9s\n", l, f, s, b / 1e6 / s, n / s, r }')"
}

# Warm the page cache so every row reads from memory, as the tools it is compared with do.
warm() { cat "$@" > /dev/null; }

check_inspect() {  # expected_records label
  local got skipped
  got=$(grep -m1 -o '"records": [0-9]*' "$tmp/out" | grep -o '[0-9]*$' || true)
  skipped=$(grep -m1 -o '"skipped_lines": [0-9]*' "$tmp/out" | grep -o '[0-9]*$' || true)
  if [[ $got != "$1" || $skipped != 0 ]]; then
    notes+=("$2: inspect read ${got:-?} records (expected $1) and skipped ${skipped:-?} lines")
  fi
}
notes=()

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
emit "flowsleuth benchmark — $(date -u +%Y-%m-%dT%H:%MZ), commit $commit, $(nproc) cores${cpu:+ ($cpu)}"
emit "$(printf 'plain %s: %d records, %.1f MB · gzip: %.1f MB · v5 (29 fields, header): %d records, %.1f MB' \
  "$(basename "$plain")" "$records" "$(awk -v b="$plain_bytes" 'BEGIN{print b/1e6}')" \
  "$(awk -v b="$gz_bytes" 'BEGIN{print b/1e6}')" "$v5_records" "$(awk -v b="$v5_bytes" 'BEGIN{print b/1e6}')")"
emit "best of $runs runs (diagnose JSON: 1), page cache warm; MB/s counts uncompressed text (gzip rows too); RSS is peak resident memory"
emit ""
emit "$(printf '%-22s %-6s %9s %9s %12s %9s' name file seconds MB/s records/s 'RSS MB')"

warm "$plain"
row wc "wc -l" plain "$plain_bytes" "$records" capture wc -l "$plain"
if [[ -z $failed && $(awk '{print $1}' "$tmp/out") != "$records" ]]; then
  notes+=("wc -l counted $(awk '{print $1}' "$tmp/out") lines, expected $records")
fi
row j1 "inspect --threads 1" plain "$plain_bytes" "$records" capture \
  "$bin" inspect --quiet --output json --threads 1 "$plain"
[[ -z $failed ]] && check_inspect "$records" "inspect plain"
row j2 "inspect --threads 2" plain "$plain_bytes" "$records" capture \
  "$bin" inspect --quiet --output json --threads 2 "$plain"
[[ -z $failed ]] && check_inspect "$records" "inspect plain"
row records "records --threads 2" plain "$plain_bytes" "$records" /dev/null \
  "$bin" records --quiet --threads 2 "$plain"

warm "$gz"
row inflate "$inflate_name" gzip "$plain_bytes" "$records" /dev/null "${inflate[@]}" "$gz"
row gz "inspect --threads 2" gzip "$plain_bytes" "$records" capture \
  "$bin" inspect --quiet --output json --threads 2 "$gz"
[[ -z $failed ]] && check_inspect "$records" "inspect gzip"

warm "$v5"
row v5 "inspect --threads 2" v5 "$v5_bytes" "$v5_records" capture \
  "$bin" inspect --quiet --output json --threads 2 "$v5"
[[ -z $failed ]] && check_inspect "$v5_records" "inspect v5"

# diagnose on the plain file the inspect rows read, side by side with the pairing GROUP BY a user
# would otherwise write in DuckDB (bench/duckdb_pairing.mjs), both on 2 threads. The timed diagnose
# row renders text (the default) to /dev/null; one JSON run follows for the report's connection count
# (JSON keeps every connection for its "connections" array, so it is slower and larger).
warm "$plain"
row diagnose "diagnose --threads 2" plain "$plain_bytes" "$records" /dev/null \
  "$bin" diagnose --quiet --threads 2 "$plain"
all_runs=$runs runs=1
row diagnose_json "diagnose --output json" plain "$plain_bytes" "$records" capture \
  "$bin" diagnose --quiet --output json --threads 2 "$plain"
runs=$all_runs
diag_conns=0 diag_ok_records=""
if [[ -z $failed ]]; then
  # The summary closes the report: read its tail rather than parse the whole (large) document.
  diag_conns=$(tail -c 8192 "$tmp/out" | python3 -c '
import json, sys
tail = sys.stdin.read()
doc = json.loads("{" + tail[tail.rindex("\"summary\":"):])
print(sum(doc["summary"]["connections"].values()))' 2>/dev/null || echo 0)
  # The input block opens it: records less NODATA and SKIPDATA lines is what DuckDB should group.
  head_json=$(head -c 4096 "$tmp/out" | tr -d ' \n')
  nodata=$(grep -o '"nodata":[0-9]*' <<< "$head_json" | grep -o '[0-9]*$' || true)
  skipdata=$(grep -o '"skipdata":[0-9]*' <<< "$head_json" | grep -o '[0-9]*$' || true)
  [[ -n $nodata && -n $skipdata ]] && diag_ok_records=$((records - nodata - skipdata))
  if ((diag_conns > 0)); then
    for k in diagnose:text diagnose_json:json; do
      [[ -n ${seconds[${k%:*}]:-} ]] || continue
      emit "$(awk -v c="$diag_conns" -v s="${seconds[${k%:*}]}" -v k="diagnose, ${k#*:}" \
        'BEGIN { printf "  %-20s %-6s %d connections, %.0f connections/s\n", k, "", c, c / s }')"
    done
  else
    notes+=("diagnose: could not read the connection count from the JSON report's summary")
  fi
fi

echo "bench: preparing DuckDB (bench/duckdb.sh)…" >&2
duck_status=0
duck_prefix=$(bash "$root/bench/duckdb.sh" 2> "$tmp/duck_err") || duck_status=$?
grep -v '^DuckDB comparison skipped' "$tmp/duck_err" >&2 || true
if ((duck_status == 0)); then
  row duckdb "DuckDB GROUP BY" plain "$plain_bytes" "$records" capture \
    node "$root/bench/duckdb_pairing.mjs" "$duck_prefix" "$plain" 2
  if [[ -z $failed ]]; then
    read -r _ duck_groups _ duck_records < "$tmp/out" || true
    emit "$(printf '  %-20s %-6s %s groups (ENI × canonical 5-tuple) over %s records' \
      DuckDB "" "${duck_groups:-?}" "${duck_records:-?}")"
    if [[ -n $diag_ok_records && ${duck_records:-} != "$diag_ok_records" ]]; then
      notes+=("DuckDB grouped ${duck_records:-?} records, diagnose read $diag_ok_records with log-status OK")
    fi
  fi
else
  emit "$(grep -m1 '^DuckDB comparison skipped' "$tmp/duck_err" || echo 'DuckDB comparison skipped: bench/duckdb.sh failed')"
fi

# A ratio of two rows' times against a target: a/b, so "slower than" ratios put flowsleuth first
# and the speed-up puts the 1-thread row first.
target() {  # label a_key b_key op(<=|>=) limit
  local label=$1 a=${seconds[$2]:-} b=${seconds[$3]:-} op=$4 limit=$5 sym="≥"
  [[ $op == "<=" ]] && sym="≤"
  if [[ -z $a || -z $b ]]; then
    emit "$(printf '%-44s %7s   (target %s %s×)  n/a' "$label" "-" "$sym" "$limit")"
    return
  fi
  emit "$(awk -v l="$label" -v a="$a" -v b="$b" -v op="$op" -v sym="$sym" -v lim="$limit" 'BEGIN {
    r = a / b; ok = (op == "<=") ? (r <= lim) : (r >= lim)
    printf "%-44s %6.2f×   (target %s %s×)  %s\n", l, r, sym, lim, ok ? "PASS" : "MISS" }')"
}
emit ""
target "inspect plain (2 threads) vs wc -l" j2 wc "<=" 5
target "speed-up, 2 threads vs 1" j1 j2 ">=" 1.6
target "inspect gzip (2 threads) vs $inflate_name" gz inflate "<=" 1.3
target "diagnose (2 threads) vs DuckDB GROUP BY" diagnose duckdb "<=" 0.333
if [[ -n ${seconds[diagnose]:-} && -n ${seconds[duckdb]:-} ]]; then
  emit "$(printf '%-44s %7s   diagnose %.1f s, DuckDB %.1f s' "" "" "${seconds[diagnose]}" "${seconds[duckdb]}")"
fi
if [[ -n ${rss_mb[diagnose]:-} ]]; then
  emit "$(awk -v m="${rss_mb[diagnose]}" -v d="${rss_mb[duckdb]:-}" 'BEGIN {
    printf "%-44s %4d MB   (target ≤ 400 MB)  %s%s\n", "diagnose peak RSS", m, m <= 400 ? "PASS" : "MISS",
      d == "" ? "" : sprintf("   DuckDB %d MB", d) }')"
else
  emit "$(printf '%-44s %7s   (target ≤ 400 MB)  n/a' "diagnose peak RSS" "-")"
fi
for n in "${notes[@]}"; do emit "note: $n"; done

cp "$report" "$results_dir/latest.txt"
echo "bench: written to ${results_dir#"$root"/}/latest.txt" >&2
