// npm run layout:bias — how much a variant's measured speed depends on where things land in memory
// (a benchmark, not a test). It copies this build into folders whose paths differ only in length,
// then measures the same variant from every copy in the same rounds (one child process per copy
// and round, in a shuffled order), twice: with every child started from the same layout
// (HOTBENCH_NO_LAYOUT_SHIFT=1), and with the random layout shift that every hotbench run uses
// (bench/measure/layout.ts). It prints each copy's time relative to the first copy's, with the
// Mann-Whitney U p-value on per-round medians, as the gate would judge it.
//
// The code is the same in every copy, so any difference is layout luck. With a fixed layout, the
// path's length alone moved legval's naive rung by 4-7% in every process; shifted, the luck varies
// between rounds instead, and no copy stands apart.

import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { roundMedians } from '../bench/analysis/analyze.js';
import { UserError } from '../bench/errors.js';
import { NO_LAYOUT_SHIFT_ENV } from '../bench/measure/layout.js';
import { planCells } from '../bench/measure/plan.js';
import { runSides } from '../bench/measure/runner.js';
import { compiledHarness } from '../bench/measure/spawn.js';
import { GATE_SETTINGS, resolveSettings } from '../bench/measure/settings.js';
import { packageRoot } from '../bench/paths.js';
import { compiledBuiltIns, discover } from '../bench/spec/registry.js';
import { median } from '../bench/stats/descriptive.js';
import { mannWhitneyU } from '../bench/stats/mann-whitney.js';
import type { Cell, RunSide } from '../bench/types.js';

const usage = `usage: npm run layout:bias -- [options]

  --kernel NAME     (default legval)
  --size NAME       (default small)
  --variant NAME    one variant, by name or id (default naive)
  --rounds N        rounds of each layout mode (default 30)
  --lengths LIST    extra characters in each copy's folder name (default 0,3,6,9,12,15,18,21)
  --help`;

function fail(message: string): never {
  process.stderr.write(`layout:bias: ${message}\n`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        kernel: { type: 'string', default: 'legval' },
        size: { type: 'string', default: 'small' },
        variant: { type: 'string', default: 'naive' },
        rounds: { type: 'string', default: '30' },
        lengths: { type: 'string', default: '0,3,6,9,12,15,18,21' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}

const values = parse();
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 3) fail('--rounds must be an integer >= 3');
const lengths = values.lengths.split(',').map(Number);
if (lengths.length < 2 || lengths.some((n) => !Number.isInteger(n) || n < 0 || n > 200)) fail('--lengths must list at least two integers from 0 to 200');

const dist = path.join(packageRoot, 'dist');
if (!existsSync(path.join(dist, 'bench', 'measure', 'child.js'))) fail(`${dist} holds no build: run npm run build first`);

/** A copy of this build in a new folder: package.json, dist/, and links to node_modules and the native addons. */
function copyBuild(extra: number): string {
  const root = mkdtempSync(path.join(os.tmpdir(), `hb${'x'.repeat(extra)}-`));
  copies.push(root);
  mkdirSync(path.join(root, 'native'), { recursive: true });
  cpSync(path.join(packageRoot, 'package.json'), path.join(root, 'package.json'));
  cpSync(dist, path.join(root, 'dist'), { recursive: true });
  symlinkSync(path.join(packageRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const binding = path.join(packageRoot, 'native', 'binding');
  if (existsSync(binding)) symlinkSync(binding, path.join(root, 'native', 'binding'), 'dir');
  return root;
}

async function sideOf(root: string): Promise<RunSide> {
  const copy = path.join(root, 'dist');
  const registry = await discover([], compiledBuiltIns(copy));
  const plan = planCells(registry, { kernels: [values.kernel], sizes: [values.size], variants: [values.variant] });
  if (plan.cells.length !== 1 || plan.cells[0].variants.length !== 1) throw new UserError(`${values.kernel}/${values.size} ${values.variant} is not one variant this machine can run`);
  return { label: path.basename(root), plan: plan.cells, harness: compiledHarness(copy) };
}

const copies: string[] = [];
let failure: string | undefined;
const cleanup = () => copies.forEach((copy) => rmSync(copy, { recursive: true, force: true }));
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
try {
  const roots = lengths.map((extra) => copyBuild(extra));
  const sides = await Promise.all(roots.map(sideOf));
  const settings = resolveSettings(GATE_SETTINGS, { rounds });
  const byMode: { mode: string; cells: Cell[] }[] = [];
  for (const mode of ['fixed layout', 'shifted layout']) {
    if (mode === 'fixed layout') process.env[NO_LAYOUT_SHIFT_ENV] = '1';
    else delete process.env[NO_LAYOUT_SHIFT_ENV];
    process.stderr.write(`layout:bias: ${mode}: ${sides.length} copies × ${rounds} rounds of ${values.kernel}/${values.size} ${values.variant}\n`);
    const cells = await runSides(sides, { settings });
    byMode.push({ mode, cells: cells.map(([cell]) => cell) });
  }
  const lines = [`${values.kernel}/${values.size} ${values.variant}, ${rounds} rounds per mode; copies in ${os.tmpdir()}, the first is the reference`, ''];
  lines.push(['path length', ...byMode.map((m) => `${m.mode}: time vs first (p)`)].join(' | '));
  roots.forEach((root, i) => {
    const row = byMode.map(({ cells }) => {
      const reference = [...roundMedians(cells[0]).values()];
      const own = [...roundMedians(cells[i]).values()];
      if (i === 0) return `${(median(own) / 1e6).toPrecision(4)} ms per call`;
      const ratio = median(own) / median(reference) - 1;
      return `${ratio >= 0 ? '+' : '−'}${Math.abs(ratio * 100).toFixed(1)}% (p = ${mannWhitneyU(own, reference).p.toPrecision(2)})`;
    });
    lines.push([String(path.join(root, 'dist').length), ...row].join(' | '));
  });
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  failure = error instanceof UserError ? error.message : String(error);
} finally {
  cleanup();
}
if (failure) fail(failure);
