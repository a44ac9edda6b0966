// Joining the shards of one matrix (`hotbench run --shard i/n` on n machines) into one results file,
// as an unsharded run on that machine would have written it: cells in plan order, the skipped
// variants and kernels joined, no `shard` field, and `mergedFrom` naming the shards.
//
// A results file describes one environment, so only shards measured on the same kind of machine
// (equal fingerprints), by the same hotbench and with the same settings are joined; anything else is
// refused with one line. Shards from different machines are still comparable, side by side:
// `hotbench report a.json b.json` groups them by machine.

import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../errors.js';
import { variantId } from '../spec/define.js';
import type { Cell, KernelInfo, MergedShard, ResultsFile, ShardInfo, SkippedVariant } from '../types.js';

export interface ShardFile {
  readonly source: string;
  readonly results: ResultsFile;
}

/** Flags whose values differ between the shards of one matrix: each shard's own files. */
const PER_SHARD_FLAGS = ['--shard', '--out', '--report'];

/** The run's command with what differs between shards (`--shard`, `--out`, `--report`) taken out. */
export function unshardedCommand(command: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < command.length; i++) {
    const arg = command[i];
    if (PER_SHARD_FLAGS.includes(arg)) i++;
    else if (!PER_SHARD_FLAGS.some((flag) => arg.startsWith(`${flag}=`))) out.push(arg);
  }
  return out;
}

function label(shard: ShardInfo): string {
  return `${shard.index}/${shard.count}`;
}

const groupKey = (kernel: string, size: string): string => JSON.stringify([kernel, size]);

/** The first pair of files that differ in `what`, as a one-line refusal, or nothing. */
function sameOrFail(files: readonly ShardFile[], what: (r: ResultsFile) => unknown, why: (a: ShardFile, b: ShardFile) => string): void {
  const first = files[0];
  const other = files.find((f) => !isDeepStrictEqual(what(f.results), what(first.results)));
  if (other) throw new UserError(`merge: ${why(first, other)}`);
}

/** Every shard of one matrix, each once → one results file. Throws a UserError naming what is wrong. */
export function mergeShards(files: readonly ShardFile[]): ResultsFile {
  if (files.length === 0) throw new UserError('merge: give the results files of every shard');
  for (const f of files) if (!f.results.shard) throw new UserError(`merge: ${f.source} is not a shard (no shard field: it was not written by hotbench run --shard)`);
  const shardOf = (f: ShardFile): ShardInfo => f.results.shard!;

  const count = shardOf(files[0]).count;
  const odd = files.find((f) => shardOf(f).count !== count);
  if (odd) throw new UserError(`merge: ${files[0].source} is shard ${label(shardOf(files[0]))} but ${odd.source} is shard ${label(shardOf(odd))}: all shards must split the matrix the same number of ways`);
  const byIndex = new Map<number, ShardFile>();
  for (const f of files) {
    const twin = byIndex.get(shardOf(f).index);
    if (twin) throw new UserError(`merge: shard ${label(shardOf(f))} is given twice (${twin.source} and ${f.source})`);
    byIndex.set(shardOf(f).index, f);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) throw new UserError(`merge: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} (given: ${[...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${count}`).join(', ')})`);

  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
  sameOrFail(ordered, (r) => r.shard!.matrix, (a, b) => `${a.source} and ${b.source} are shards of different matrices (their kernels, sizes or variants differ: were they run with the same filters and kernel folders?)`);
  sameOrFail(ordered, (r) => r.settings, (a, b) => `${a.source} and ${b.source} were measured with different settings (rounds, time, seed…): shards must share them`);
  sameOrFail(
    ordered,
    (r) => [r.environment.harnessVersion, r.environment.gitCommit],
    (a, b) => `${a.source} and ${b.source} were run by different hotbench builds (${a.results.environment.harnessVersion} at ${a.results.environment.gitCommit ?? 'no commit'} vs ${b.results.environment.harnessVersion} at ${b.results.environment.gitCommit ?? 'no commit'})`,
  );
  sameOrFail(
    ordered,
    (r) => r.environment.fingerprint,
    (a, b) =>
      `${a.source} and ${b.source} ran on different machines (${a.results.environment.fingerprint} ${a.results.environment.cpuModel} vs ${b.results.environment.fingerprint} ${b.results.environment.cpuModel}) and a results file holds one machine: report them together instead, hotbench report ${ordered.map((f) => f.source).join(' ')}`,
  );
  sameOrFail(ordered, (r) => [r.environment.node, r.environment.v8], (a, b) => `${a.source} and ${b.source} ran on different Node versions (${a.results.environment.node} vs ${b.results.environment.node}): report them together instead`);

  // Each group of the matrix belongs to exactly one shard, which holds a cell or a skipped entry for
  // each of its variants (an interrupted shard does not), and no cell of another group.
  const matrix = shardOf(ordered[0]).matrix;
  const owner = new Array<ShardFile | undefined>(matrix.length);
  for (const f of ordered) {
    for (const position of shardOf(f).assigned) {
      if (position >= matrix.length) throw new UserError(`merge: ${f.source}: shard ${label(shardOf(f))} names group ${position}, beyond the matrix's ${matrix.length}`);
      const other = owner[position];
      if (other) throw new UserError(`merge: ${other.source} and ${f.source} both hold ${matrix[position].kernel}/${matrix[position].size}: the shards were not split by the same rule`);
      owner[position] = f;
    }
  }
  const orphan = matrix.findIndex((_, position) => !owner[position]);
  if (orphan >= 0) throw new UserError(`merge: no shard holds ${matrix[orphan].kernel}/${matrix[orphan].size}: the shards were not split by the same rule`);
  for (const f of ordered) {
    const { cells, skipped } = f.results;
    const positions = new Set(shardOf(f).assigned.map((p) => groupKey(matrix[p].kernel, matrix[p].size)));
    const stray = cells.find((c) => !positions.has(groupKey(c.kernel, c.size.name)));
    if (stray) throw new UserError(`merge: ${f.source}: shard ${label(shardOf(f))} holds ${stray.kernel}/${stray.size.name}, which is not one of its groups`);
    for (const position of shardOf(f).assigned) {
      const { kernel, size, variants } = matrix[position];
      const absent = variants.find(
        (id) =>
          !cells.some((c) => c.kernel === kernel && c.size.name === size && variantId(c.variant, c.target) === id) &&
          !skipped.some((s) => s.kernel === kernel && (s.size === undefined || s.size === size) && variantId(s.variant, s.target) === id),
      );
      if (absent) throw new UserError(`merge: ${f.source}: shard ${label(shardOf(f))} has no cell for ${kernel}/${size} ${absent}: it did not finish (resume it with hotbench run --resume ${f.source})`);
    }
  }

  // Plan order: the matrix's groups in order, each with its shard's cells in that shard's order.
  const cells: Cell[] = matrix.flatMap(({ kernel, size }, position) => owner[position]!.results.cells.filter((c) => c.kernel === kernel && c.size.name === size));
  const kernelOrder = [...new Set([...matrix.map((g) => g.kernel), ...ordered.flatMap((f) => f.results.skipped.map((s) => s.kernel))])];
  const rank = (kernel: string): number => kernelOrder.indexOf(kernel);
  const kernels = new Map<string, KernelInfo>();
  for (const f of ordered) for (const k of f.results.kernels) if (!kernels.has(k.name)) kernels.set(k.name, k);
  const skipped = new Map<string, SkippedVariant>();
  for (const f of ordered) {
    for (const s of f.results.skipped) {
      const key = JSON.stringify([s.kernel, s.variant, s.target, s.size ?? null]);
      if (!skipped.has(key)) skipped.set(key, s);
    }
  }
  const first = ordered[0].results;
  const roofline = ordered.find((f) => f.results.roofline)?.results.roofline;
  const mergedFrom: MergedShard[] = ordered.map((f) => ({ source: f.source, index: shardOf(f).index, createdAt: f.results.createdAt, command: f.results.command }));
  const { shard: _shard, roofline: _roofline, mergedFrom: _merged, ...header } = first;
  return {
    ...header,
    // The merged run began when its first shard did.
    createdAt: ordered.map((f) => f.results.createdAt).sort()[0],
    command: unshardedCommand(first.command),
    kernels: [...kernels.values()].sort((a, b) => rank(a.name) - rank(b.name)),
    cells,
    // A stable sort: within a kernel, the order the first shard of it listed them in (the plan's).
    skipped: [...skipped.values()].sort((a, b) => rank(a.kernel) - rank(b.kernel)),
    ...(roofline ? { roofline } : {}),
    mergedFrom,
  };
}
