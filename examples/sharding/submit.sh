#!/bin/bash
# Runs the benchmark matrix as N shards on a Slurm cluster, then merges them:
#   examples/sharding/submit.sh 8                       # the whole matrix in 8 shards
#   examples/sharding/submit.sh 4 --kernel legval       # arguments after N go to hotbench run
# Writes shards/shard-I.json (and .log), then merged.json and report.md, in the current folder.
set -euo pipefail
here=$(dirname "$0")
count=${1:?usage: submit.sh N [hotbench run arguments]}
shift
mkdir -p shards
# --parsable prints "jobid" or "jobid;cluster".
array=$(sbatch --parsable --array="1-$count" "$here/shard.sbatch" "$@")
array=${array%%;*}
sbatch --dependency="afterok:$array" "$here/merge.sbatch"
echo "shards: job array $array (1-$count); merge queued after it"
