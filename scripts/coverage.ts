// npm run coverage — how often each interval method's intervals hold what they estimate, on
// round-to-round spreads measured here (bench/stats/coverage.ts). A study, not a test: the test
// (test/coverage.test.ts) runs the same simulation on the committed spreads and asserts hotbench's.
//
//   npm run coverage                                  simulate on test/fixtures/round-spread.json
//   npm run coverage -- --extract RESULTS.json --label NAME --out FILE [--add]
//                                                     take a run's per-round medians as spreads
//
// Spreads come from runs with many rounds (`hotbench run --rounds 30 ...`): every valid variant's
// per-round medians, by round, so that variants measured in the same round can be paired.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { roundMedians } from '../bench/analysis/analyze.js';
import { readResults, toJson, writeFileAtomic } from '../bench/results/store.js';
import { simulateCoverage, type MeasuredRounds } from '../bench/stats/coverage.js';
import { variantId } from '../bench/spec/define.js';

const usage = `usage: npm run coverage -- [options] [SPREADS.json]
       npm run coverage -- --extract RESULTS.json --label NAME --out SPREADS.json [--add]

  --rounds N          rounds per simulated experiment (default 5, hotbench's default)
  --experiments N     experiments per pair of variants and per variant (default 200)
  --level L           requested confidence level (default 0.95)
  --seed N            (default 1)
  --resamples N       resamples of the bootstrap method (default 500)
  --extract FILE      instead: write the per-round medians of FILE's valid variants to --out,
                      under --label (--add: beside the spreads already in --out); only variants
                      with at least --min-rounds rounds (default 20) are taken`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function fail(message: string): never {
  process.stderr.write(`coverage: ${message}\n`);
  process.exit(2);
}

interface SpreadsFile {
  readonly note: string;
  readonly sources: readonly { readonly label: string; readonly file: string; readonly command: readonly string[]; readonly createdAt: string; readonly loadAverage: readonly number[] }[];
  readonly cells: readonly MeasuredRounds[];
}

function parsed() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        rounds: { type: 'string' },
        experiments: { type: 'string' },
        level: { type: 'string' },
        seed: { type: 'string' },
        resamples: { type: 'string' },
        extract: { type: 'string' },
        label: { type: 'string' },
        out: { type: 'string' },
        add: { type: 'boolean' },
        'min-rounds': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function extract(file: string, label: string, out: string, add: boolean, minRounds: number): void {
  let results;
  try {
    results = readResults(file);
  } catch (error) {
    fail((error as Error).message);
  }
  const cells: MeasuredRounds[] = results.cells
    // A population of a few rounds says little about the spread: only well-measured variants.
    .filter((c) => c.validation.status === 'valid' && c.stats !== null && roundMedians(c).size >= minRounds)
    .map((c) => ({ run: label, kernel: c.kernel, size: c.size.name, variant: variantId(c.variant, c.target), rounds: Object.fromEntries(roundMedians(c)) }));
  const before: SpreadsFile | null = add && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as SpreadsFile) : null;
  if (before?.sources.some((s) => s.label === label)) fail(`${out} already holds spreads labelled ${label}`);
  const source = { label, file: path.basename(file), command: results.command, createdAt: results.createdAt, loadAverage: results.environment.loadAverage };
  const spreads: SpreadsFile = {
    note: 'Per-round medians (ns per call) of measured runs, by round number: the populations of npm run coverage and test/coverage.test.ts.',
    sources: [...(before?.sources ?? []), source],
    cells: [...(before?.cells ?? []), ...cells],
  };
  writeFileAtomic(out, toJson(spreads));
  process.stdout.write(`${out}: ${cells.length} variants from ${file} as ${label}\n`);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function main(): void {
  const { values, positionals } = parsed();
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (values.extract) {
    if (!values.label || !values.out) fail('--extract needs --label and --out');
    extract(values.extract, values.label, values.out, values.add ?? false, integer('min-rounds', values['min-rounds'], 20, 2));
    return;
  }
  const file = positionals[0] ?? path.join(root, 'test', 'fixtures', 'round-spread.json');
  if (!existsSync(file)) fail(`${file}: no such file`);
  const spreads = JSON.parse(readFileSync(file, 'utf8')) as SpreadsFile;
  const level = values.level === undefined ? 0.95 : Number(values.level);
  if (!(level > 0 && level < 1)) fail('--level must be in (0, 1)');
  const options = {
    rounds: integer('rounds', values.rounds, 5, 2),
    experiments: integer('experiments', values.experiments, 200, 1),
    level,
    seed: integer('seed', values.seed, 1, 0),
    bootstrapResamples: integer('resamples', values.resamples, 500, 10),
  };
  const labels = [...new Set(spreads.cells.map((c) => c.run))];
  process.stdout.write(`${file}: ${spreads.cells.length} measured variants (${labels.join(', ')}); ${options.rounds} rounds per experiment, ${options.experiments} experiments each, ${pct(level)} requested\n\n`);
  for (const label of [...labels, 'all']) {
    const cells = label === 'all' ? spreads.cells : spreads.cells.filter((c) => c.run === label);
    process.stdout.write(`${label}\n  target   method            claimed  covered   experiments  worst\n`);
    for (const f of simulateCoverage(cells, options)) {
      process.stdout.write(`  ${f.target.padEnd(8)} ${f.method.padEnd(17)} ${pct(f.claimed).padStart(7)}  ${pct(f.coverage).padStart(7)}  ${String(f.experiments).padStart(12)}  ${pct(f.worst.coverage)} ${f.worst.name}\n`);
    }
    process.stdout.write('\n');
  }
}

main();
