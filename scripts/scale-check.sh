#!/usr/bin/env bash
# The README's parallel-scaling commands (kmeans at n = 10^6, d = 20, k = 10; the four backends beside
# the native rung; strong, then weak), run unchanged on whatever machine this is: on a 16-core
# machine the default numbers of workers are p = 1, 2, 4, 8, 16. For a machine without Node.js: give
# the node binary of a portable bundle as the first argument or in $NODE (default: node on the PATH),
# from the folder that holds the built project (dist/, node_modules/, native/binding/).
#
#   scripts/scale-check.sh [NODE] [-- EXTRA_HOTBENCH_FLAGS...]
#   NODE=/opt/bundle/bin/node scripts/scale-check.sh
#
# Environment: OUT (default reports/scale-check/<time>), ROUNDS (default 5), SIZE (default intel;
# tiny for a smoke test of the script itself), HOTBENCH_MPIRUN (an
# MPI launcher other than mpirun on the PATH, e.g. "srun --mpi=pmix"); without MPI the mpi rung is
# skipped and says why. Writes strong.json, weak.json, their reports (.md, .html) and summary.md,
# and prints the machine, its load before and after, and each step's time.
set -euo pipefail

NODE_BIN="${NODE:-node}"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then NODE_BIN="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
EXTRA=("$@")

cd "$(dirname "$0")/.."
CLI=dist/bench/cli/main.js
fail() { echo "scale-check: $*" >&2; exit 2; }
command -v "$NODE_BIN" >/dev/null 2>&1 || [ -x "$NODE_BIN" ] || fail "no node at '$NODE_BIN' (give the bundle's node as the first argument or in NODE)"
[ -f "$CLI" ] || fail "$PWD/$CLI is missing: run from a built hotbench (npm run build, or the portable bundle)"

OUT="${OUT:-reports/scale-check/$(date -u +%Y-%m-%dT%H-%M-%SZ)}"
ROUNDS="${ROUNDS:-5}"
mkdir -p "$OUT"
SIZE="${SIZE:-intel}"
COMMON=(--kernel kmeans --size "$SIZE" --variant native,threads,processes,native-threads,mpi --rounds "$ROUNDS")

echo "node:   $("$NODE_BIN" --version) ($NODE_BIN)"
echo "cores:  $(nproc) logical; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
LAUNCHER="${HOTBENCH_MPIRUN:-mpirun}"
echo "mpi:    $(command -v "${LAUNCHER%% *}" 2>/dev/null || echo "no ${LAUNCHER%% *}: the mpi rung will be skipped")"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$NODE_BIN" "$CLI" targets || true

status=0
for mode in strong weak; do
  start=$(date +%s)
  echo
  echo "== hotbench scale ${COMMON[*]} --mode $mode ${EXTRA[*]+"${EXTRA[*]}"}"
  # Exit 1 (a variant failed at some p) still leaves a complete results file; 2 is bad usage.
  set +e
  "$NODE_BIN" "$CLI" scale "${COMMON[@]}" --mode "$mode" ${EXTRA[@]+"${EXTRA[@]}"} --no-progress \
    --out "$OUT/$mode.json" --report "$OUT/$mode.md" --report "$OUT/$mode.html"
  code=$?
  set -e
  echo "== $mode: exit $code after $(( $(date +%s) - start )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$code" -ge 2 ] && exit "$code"
  [ "$code" -gt "$status" ] && status=$code
done

"$NODE_BIN" "$CLI" report "$OUT/strong.json" "$OUT/weak.json" --out "$OUT/summary.md"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $OUT (strong.json, weak.json, *.md, *.html, summary.md)"
exit "$status"
