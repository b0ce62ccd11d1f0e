#!/usr/bin/env bash
# MPI benchmark of issue #7: wall time of an ensemble of the historical scenario as 1 process
# and as K processes of an MPI job (mpirun -n K), one thread each, repeated; the ratios are
# taken within each repetition (1 process, then K, back to back). Also checks that the K-process
# folder is byte-identical to the 1-process one (run-info.json aside). CPU is user + system time
# of all processes: on a shared machine the wall-time ratio is only meaningful at low load.
# Usage: bench/mpi-ensemble.sh [RUNS] [REPEATS] [K]   (defaults 1000, 1 and 2)
# Needs azsim built with MPI (scripts/install-deps --with-mpi; cmake finds it). Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
AZSIM=${AZSIM:-build/bin/azsim}
RUNS=${1:-1000}
REPEATS=${2:-1}
K=${3:-2}
SCENARIO=scenarios/azawad-2012-2014.yaml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --bind-to none -n "$K")
((K > $(nproc))) && MPIRUN+=(--oversubscribe --mca mpi_yield_when_idle 1)

measure() {  # measure OUT CMD... -> "wall_s cpu_s"
  local out=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$TMP/time" "$@" run "$SCENARIO" --runs "$RUNS" --threads 1 --seed 1 --out "$out" -q
  awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$TMP/time"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $RUNS runs, 1 thread per process"
echo
echo "| repeat | load before | 1 process wall (s) | $K processes wall (s) | speed-up | runs/s ($K proc.) | CPU 1 / $K proc. (s) | load after |"
echo "|---|---|---|---|---|---|---|---|"
for ((i = 1; i <= REPEATS; i++)); do
  before=$(cut -d' ' -f1 /proc/loadavg)
  read -r w1 c1 < <(measure "$TMP/one-$i" "$AZSIM")
  read -r wk ck < <(measure "$TMP/k-$i" "${MPIRUN[@]}" "$AZSIM")
  for f in runs.csv targets.csv control.csv strength.csv casualties.csv manifest.json; do
    cmp -s "$TMP/one-$i/$f" "$TMP/k-$i/$f" || { echo "$f differs between 1 and $K processes!" >&2; exit 1; }
  done
  after=$(cut -d' ' -f1 /proc/loadavg)
  awk -v i="$i" -v lb="$before" -v la="$after" -v a="$w1" -v b="$wk" -v r="$RUNS" -v c1="$c1" -v ck="$ck" \
    'BEGIN { printf "| %d | %s | %.1f | %.1f | %.2fx | %.2f | %.1f / %.1f | %s |\n", i, lb, a, b, a / b, r / b, c1, ck, la }'
  rm -rf "$TMP/one-$i" "$TMP/k-$i"
done
