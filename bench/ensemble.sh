#!/usr/bin/env bash
# Ensemble benchmarks of issue "ensembles": wall time of a 1,000-run historical ensemble with 1
# and 2 threads (their ratio from this one invocation), and the peak memory of a 10,000-run
# ensemble, both with /usr/bin/time -v. Usage: bench/ensemble.sh [RUNS] [BIG_RUNS]
# (defaults 1000 and 10000; smaller values for a quick look). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
AZSIM=${AZSIM:-build/bin/azsim}
RUNS=${1:-1000}
BIG=${2:-10000}
SCENARIO=scenarios/azawad-2012-2014.yaml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

measure() {  # measure LABEL THREADS RUNS -> "wall_s peak_kB"
  local out="$TMP/$1"
  /usr/bin/time -v "$AZSIM" run "$SCENARIO" --runs "$3" --threads "$2" --seed 1 --out "$out" -q 2> "$TMP/$1.time"
  local wall peak
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$TMP/$1.time" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/$1.time")
  echo "$wall $peak"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r w1 m1 < <(measure one 1 "$RUNS")
read -r w2 m2 < <(measure two 2 "$RUNS")
cmp -s "$TMP/one/runs.csv" "$TMP/two/runs.csv" && cmp -s "$TMP/one/control.csv" "$TMP/two/control.csv" || { echo "1 and 2 threads differ!" >&2; exit 1; }
read -r wb mb < <(measure big 2 "$BIG")
echo
echo "| ensemble | threads | wall (s) | runs/s | peak RSS (MiB) |"
echo "|---|---|---|---|---|"
awk -v r="$RUNS" -v w="$w1" -v m="$m1" 'BEGIN { printf "| %d runs | 1 | %.1f | %.1f | %.0f |\n", r, w, r / w, m / 1024 }'
awk -v r="$RUNS" -v w="$w2" -v m="$m2" 'BEGIN { printf "| %d runs | 2 | %.1f | %.1f | %.0f |\n", r, w, r / w, m / 1024 }'
awk -v r="$BIG" -v w="$wb" -v m="$mb" 'BEGIN { printf "| %d runs | 2 | %.1f | %.1f | %.0f |\n", r, w, r / w, m / 1024 }'
awk -v a="$w1" -v b="$w2" 'BEGIN { printf "\n2 threads vs 1: %.2fx\n", a / b }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
