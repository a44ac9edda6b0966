// hotbench merge: join the results files of a sharded run (`run --shard i/n`) into one.

import { UserError } from '../errors.js';
import { findJournal } from '../results/journal.js';
import { mergeShards } from '../results/merge.js';
import { readResults, writeResults } from '../results/store.js';
import { parse, text } from './args.js';

export const mergeHelp = `usage: hotbench merge SHARD.json... --out FILE

Joins the results files of 'hotbench run --shard I/N' into one results file, as one unsharded run
would have written it: the matrix's cells in plan order, the skipped variants joined, and
'mergedFrom' naming the shards. Every shard 1..N must be given exactly once, and all must come from
the same matrix (filters and kernel folders), settings, hotbench build and kind of machine (equal
fingerprints, since a results file describes one machine). Shards from different machines are
reported together instead, grouped by machine: hotbench report a.json b.json.

options:
  --out FILE          the merged results file (required)

exit status: 0 merged; 2 bad usage, an unreadable file, or files that are not every shard of one
matrix from one kind of machine (one line says which and why).`;

export async function mergeCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse('merge', argv, { out: { type: 'string' } }, true);
  if (values.help) {
    process.stdout.write(`${mergeHelp}\n`);
    return 0;
  }
  const out = text(values.out);
  if (!out) throw new UserError('merge: --out FILE is required (see hotbench merge --help)');
  if (positionals.length === 0) throw new UserError('merge: give the results file of every shard (see hotbench merge --help)');
  const files = positionals.map((source) => {
    // An interrupted shard keeps its journal until it finishes; asked first, since one killed before
    // its results file was first written has the journal alone.
    if (findJournal(source)) throw new UserError(`merge: ${source} did not finish (its journal is beside it): resume it with hotbench run --resume ${source}`);
    return { source, results: readResults(source) };
  });
  const merged = mergeShards(files);
  writeResults(out, merged);
  process.stderr.write(`merged ${files.length} shards (${merged.cells.length} cells): ${out}\n`);
  return 0;
}
