#!/bin/sh
# The GPU rung's check on a machine with an NVIDIA GPU and no Node.js (issue 20): unpack the
# portable bundle (npm run bundle), say what the machine is (hotbench targets, with the host <-> GPU
# copy bandwidth), validate and measure gpu@cuda beside native@x86-64-v4 at the real sizes, and
# judge both figures (scripts/gpu-check-summary.mjs). A few minutes: 3 rounds of 300 ms per variant.
#
# usage: scripts/gpu-check.sh BUNDLE.tar.xz [--allow-no-gpu] [--sizes LIST]
#   BUNDLE.tar.xz   the bundle, e.g. dist-bundle/hotbench-0.1.0-linux-x64.tar.xz
#   --allow-no-gpu  go on when gpu@cuda cannot run here (to try the rest on a machine without a GPU)
#   --sizes LIST    the sizes to measure (default desi,intel: legval and ghspots desi, kmeans intel)
#
# Writes to $OUT (default ./gpu-check-out) seven files: log.txt (everything printed, nvidia-smi's
# view of the GPU included), targets.txt, targets.json, results.json, report.md, report.html,
# summary.txt.
# Exit status: 0 when every gpu@cuda cell is valid and measured; 1 otherwise (skipped, invalid,
# failed), or when any step fails; 2 for bad usage. Run from the repository's root (it runs
# scripts/gpu-check-summary.mjs with the bundle's node).
set -eu

usage() {
  # The comment block at the top of this file.
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
}

bundle=
allow_no_gpu=0
sizes=desi,intel
while [ $# -gt 0 ]; do
  case $1 in
    --allow-no-gpu) allow_no_gpu=1 ;;
    --sizes) [ $# -ge 2 ] || usage; sizes=$2; shift ;;
    --help|-h) usage ;;
    -*) echo "gpu-check: unknown option $1" >&2; usage ;;
    *) [ -z "$bundle" ] || usage; bundle=$1 ;;
  esac
  shift
done
[ -n "$bundle" ] || usage
[ -f "$bundle" ] || { echo "gpu-check: no bundle at $bundle (npm run bundle makes one)" >&2; exit 2; }
[ -f scripts/gpu-check-summary.mjs ] || { echo "gpu-check: run it from the repository's root" >&2; exit 2; }

out=${OUT:-./gpu-check-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/log.txt
: >"$log"
say() { echo "$*" | tee -a "$log"; }
fail() { say "gpu-check: FAILED: $*"; exit 1; }
# Runs a command with its output in the log too; its own exit status, not tee's.
logged() {
  status_file=$(mktemp)
  { set +e; "$@" 2>&1; echo $? >"$status_file"; } | tee -a "$log"
  status=$(cat "$status_file")
  rm -f "$status_file"
  return "$status"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/hotbench-gpu-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "gpu-check: unpacking $bundle into $work"
if command -v xz >/dev/null 2>&1; then
  tar -xJf "$bundle" -C "$work" || fail "could not unpack $bundle"
elif command -v python3 >/dev/null 2>&1; then
  # No xz: Python's standard library reads .tar.xz too.
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$bundle" "$work" || fail "could not unpack $bundle"
else
  fail "unpacking $bundle needs xz (or python3)"
fi
hotbench=$(ls -d "$work"/hotbench-*-linux-x64 2>/dev/null | head -n 1)/hotbench
[ -x "$hotbench" ] || fail "no hotbench launcher in $bundle"
node=${hotbench%/hotbench}/node/bin/node

say "gpu-check: the GPU as nvidia-smi sees it (its clocks and load before measuring)"
if command -v nvidia-smi >/dev/null 2>&1; then
  logged nvidia-smi || true
  logged nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem,temperature.gpu,power.draw,utilization.gpu --format=csv || true
else
  say "(no nvidia-smi on this machine)"
fi

say "gpu-check: hotbench targets"
logged "$hotbench" targets >"$out/targets.txt" || fail "hotbench targets failed"
cat "$out/targets.txt"
"$hotbench" targets --json --bandwidth >"$out/targets.json" 2>>"$log" || fail "hotbench targets --json --bandwidth failed"
gpu_status=$(sed -n 's/^  gpu@cuda *//p' "$out/targets.txt")
case $gpu_status in
  runnable) say "gpu-check: gpu@cuda is runnable" ;;
  *)
    if [ "$allow_no_gpu" = 1 ]; then say "gpu-check: gpu@cuda cannot run here (${gpu_status:-not listed}); going on (--allow-no-gpu)"
    else fail "gpu@cuda cannot run here (${gpu_status:-not listed})"; fi ;;
esac

say "gpu-check: hotbench run (sizes $sizes)"
set +e
logged "$hotbench" run --kernel legval,ghspots,kmeans --variant gpu@cuda,native@x86-64-v4 --size "$sizes" \
  --rounds 3 --time 300 --warmup 100 --no-progress --no-roofline \
  --out "$out/results.json" --report "$out/report.md" --report "$out/report.html"
run_status=$?
set -e
[ -f "$out/results.json" ] || fail "hotbench run wrote no results (exit $run_status)"
[ "$run_status" -le 1 ] || fail "hotbench run exited $run_status"

say "gpu-check: summary"
set +e
"$node" scripts/gpu-check-summary.mjs "$out/results.json" "$out/targets.json" >"$out/summary.txt" 2>&1
summary_status=$?
set -e
tee -a "$log" <"$out/summary.txt"
if [ "$summary_status" -ne 0 ] && [ "$allow_no_gpu" != 1 ]; then fail "see $out/summary.txt"; fi
[ "$run_status" -eq 0 ] || fail "hotbench run exited 1: a variant was invalid or failed (see $out/report.md)"
say "gpu-check: done; files in $out"
