// Sharding and merging: the split of a matrix into shards (deterministic, complete, the same whatever
// a machine can run), the join of shards into one results file and its refusals, and the table
// across machines and builds. End to end: shards of real tiny runs (one of them killed and resumed)
// merge to the unsharded run's matrix. Structure only, never timings.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../bench/analysis/analyze.js';
import { planCells } from '../bench/measure/plan.js';
import { assignShards, groupCost, shardPlan } from '../bench/measure/shard.js';
import { mergeShards, unshardedCommand } from '../bench/results/merge.js';
import { parseResults, serializeResults } from '../bench/results/store.js';
import { renderMarkdown } from '../bench/report/markdown.js';
import { crossTargetTable, shortCpuName } from '../bench/report/table.js';
import { renderTerminal } from '../bench/report/terminal.js';
import { discover } from '../bench/spec/registry.js';
import { variantId } from '../bench/spec/define.js';
import type { Cell, Environment, Plan, Registry, ResultsFile, ShardInfo } from '../bench/types.js';
import { cell, environment, invalid, results } from './helpers/results.js';
import { runKilledAfterFirstCell } from './helpers/killed-run.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const quick = ['--rounds', '2', '--time', '10', '--warmup', '2', '--no-progress'];

function hotbench(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const groupName = (plan: Plan) => plan.cells.map((c) => `${c.kernel.definition.name}/${c.size}`);

/** The registry with every variant that `unavailable` picks made unable to run here. */
function withUnavailable(registry: Registry, unavailable: (kernel: string, target: string) => boolean): Registry {
  const variants = new Map(
    [...registry.variants].map(([kernel, list]) => [
      kernel,
      list.map((v) => (unavailable(kernel, v.definition.target ?? 'js') ? { ...v, definition: { ...v.definition, available: () => 'not on this machine' } } : v)),
    ]),
  );
  return { kernels: registry.kernels, variants };
}

describe('assignShards', () => {
  const costs = [5, 1, 9, 3, 3, 7, 2, 8, 4, 6, 1, 1];

  it('puts every group in exactly one shard, 1..n, the same way every time', () => {
    for (const n of [1, 2, 3, 5, 12, 20]) {
      const a = assignShards(costs, n);
      expect(a).toHaveLength(costs.length);
      for (const s of a) expect(s >= 1 && s <= n, `n=${n}`).toBe(true);
      expect(assignShards([...costs], n)).toEqual(a);
    }
    expect(new Set(assignShards(costs, 1))).toEqual(new Set([1]));
    // More shards than groups: one group each, the rest empty.
    expect([...assignShards(costs, 20)].sort((x, y) => x - y)).toEqual(Array.from({ length: costs.length }, (_, i) => i + 1));
  });

  it('balances: longest first, each to the least loaded shard', () => {
    const n = 3;
    const a = assignShards(costs, n);
    const load = Array.from({ length: n }, (_, s) => costs.reduce((sum, c, i) => sum + (a[i] === s + 1 ? c : 0), 0));
    // The greedy schedule's guarantee: no shard exceeds another by more than the largest group.
    expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(Math.max(...costs));
    expect(a[costs.indexOf(9)]).toBe(1); // the longest group starts the first shard
    // Equal costs: round robin in plan order.
    expect(assignShards([1, 1, 1, 1, 1], 2)).toEqual([1, 2, 1, 2, 1]);
  });
});

describe('shardPlan', () => {
  it('splits the built-in matrix into shards that cover every (kernel, size) group exactly once', async () => {
    const whole = planCells(await discover());
    expect(whole.groups.length).toBeGreaterThan(3);
    for (const n of [1, 2, 3, whole.groups.length + 2]) {
      const shards = Array.from({ length: n }, (_, i) => shardPlan(whole, { index: i + 1, count: n }));
      const positions = shards.flatMap((s) => s.shard.assigned).sort((a, b) => a - b);
      expect(positions, `n=${n}`).toEqual(whole.groups.map((_, i) => i));
      expect(shards.flatMap((s) => groupName(s.plan)).sort(), `n=${n}`).toEqual(groupName(whole).sort());
      for (const s of shards) {
        expect(s.shard.matrix).toEqual(shards[0].shard.matrix);
        expect(s.shard.count).toBe(n);
        // A shard measures whole groups: every planned variant of each of its groups.
        for (const c of s.plan.cells) expect(c.variants).toEqual(whole.cells.find((w) => w.kernel === c.kernel && w.size === c.size)!.variants);
      }
      if (n > whole.groups.length) expect(shards.filter((s) => s.plan.cells.length === 0).length).toBe(n - whole.groups.length);
    }
  });

  it('is the same split whatever builds a machine can run', async () => {
    const registry = await discover();
    const machines = [
      registry,
      withUnavailable(registry, (_, target) => target.startsWith('x86-64')), // no native build
      withUnavailable(registry, (_, target) => target === 'x86-64-v4' || target === 'simd'),
      withUnavailable(registry, (kernel) => kernel === 'legval'), // no legval variant at all
    ];
    const plans = machines.map((r) => planCells(r));
    expect(plans[1].skipped.length).toBeGreaterThan(0);
    expect(plans[3].cells.some((c) => c.kernel.definition.name === 'legval')).toBe(false);
    for (const n of [2, 3]) {
      for (let i = 1; i <= n; i++) {
        const split = plans.map((p) => shardPlan(p, { index: i, count: n }).shard);
        for (const s of split) {
          expect(s.assigned).toEqual(split[0].assigned);
          expect(s.matrix).toEqual(split[0].matrix);
        }
      }
    }
    // The machine that cannot run legval still owns legval's groups and lists its variants as skipped.
    const all = Array.from({ length: 3 }, (_, i) => shardPlan(plans[3], { index: i + 1, count: 3 }));
    const legvalShards = all.filter((s) => s.shard.assigned.some((p) => s.shard.matrix[p].kernel === 'legval'));
    // (A plain run leaves parallel variants out: they are hotbench scale's.)
    const serial = registry.variants.get('legval')!.filter((v) => !v.definition.parallel);
    for (const s of legvalShards) expect(s.plan.skipped.filter((k) => k.kernel === 'legval').length).toBe(serial.length);
  });

  it('estimates a larger size of a kernel as costlier', async () => {
    const whole = planCells(await discover(), { kernels: ['legval'] });
    const cost = (size: string) => groupCost(whole.groups.find((g) => g.size === size)!);
    expect(cost('desi')).toBeGreaterThan(cost('tiny'));
  });
});

/** Shards of a constructed two-group matrix on one machine: k/small in shard 1, k/large in shard 2. */
function constructedShards(env: Environment = environment): ResultsFile[] {
  const matrix = [
    { kernel: 'k', size: 'small', variants: ['naive@js', 'fast@js', 'far@qpu'] },
    { kernel: 'k', size: 'large', variants: ['naive@js', 'fast@js', 'far@qpu'] },
  ];
  const large = { name: 'large', params: { n: 9000 } };
  const skipped = [{ kernel: 'k', variant: 'far', target: 'qpu', reason: 'no QPU here' }];
  const shard = (index: number, cells: Cell[]): ResultsFile => ({
    ...results(cells, env),
    command: ['hotbench', 'run', '--shard', `${index}/2`, '--out', `s${index}.json`],
    skipped,
    shard: { index, count: 2, matrix, assigned: [index - 1] },
  });
  return [shard(1, [cell('naive', 1000), cell('fast', 100)]), shard(2, [cell('naive', 9000, { size: large }), cell('fast', 900, { size: large })])];
}

const files = (list: ResultsFile[]) => list.map((results, i) => ({ source: `s${i + 1}.json`, results }));

describe('mergeShards', () => {
  it('joins shards into one results file: cells in plan order, skipped once, no shard field', () => {
    const [one, two] = constructedShards();
    const merged = mergeShards([{ source: 's2.json', results: two }, { source: 's1.json', results: one }]); // any order
    expect(merged.cells.map((c) => `${c.size.name}/${c.variant}`)).toEqual(['small/naive', 'small/fast', 'large/naive', 'large/fast']);
    expect(merged.skipped).toEqual(one.skipped);
    expect(merged.kernels).toEqual(one.kernels);
    expect(merged.shard).toBeUndefined();
    expect(merged.command).toEqual(['hotbench', 'run']);
    expect(merged.mergedFrom!.map((m) => m.index)).toEqual([1, 2]);
    expect(parseResults(serializeResults(merged), 'merged.json')).toEqual(merged); // a valid results file
    expect(unshardedCommand(['hotbench', 'run', '--shard=2/4', '--out=x.json', '--kernel', 'k', '--report', 's2.md', '--quick'])).toEqual(['hotbench', 'run', '--kernel', 'k', '--quick']);
  });

  it('refuses, in one line naming the problem, whatever is not every shard of one matrix from one machine', () => {
    const [one, two] = constructedShards();
    const tweak = (r: ResultsFile, change: (r: ResultsFile) => ResultsFile) => change(JSON.parse(JSON.stringify(r)));
    const withShard = (r: ResultsFile, shard: Partial<ShardInfo>) => ({ ...r, shard: { ...r.shard!, ...shard } });
    const cases: [ResultsFile[], RegExp][] = [
      [[one], /missing shard 2\/2 \(given: 1\/2\)/],
      [[one, one], /shard 1\/2 is given twice \(s1\.json and s2\.json\)/],
      [[one, withShard(two, { count: 3, index: 2 })], /is shard 1\/2 but s2\.json is shard 2\/3/],
      [[one, { ...two, shard: undefined }], /s2\.json is not a shard/],
      [[one, withShard(two, { matrix: [one.shard!.matrix[0]] })], /different matrices/],
      [[one, tweak(two, (r) => ({ ...r, settings: { ...r.settings, seed: 7 } }))], /different settings/],
      [[one, tweak(two, (r) => ({ ...r, environment: { ...r.environment, gitCommit: 'abc' } }))], /different hotbench builds/],
      [[one, tweak(two, (r) => ({ ...r, environment: { ...r.environment, fingerprint: 'machine-b' } }))], /ran on different machines .* report them together instead, hotbench report s1\.json s2\.json$/],
      [[one, tweak(two, (r) => ({ ...r, cells: r.cells.slice(1) }))], /s2\.json: shard 2\/2 has no cell for k\/large naive@js: it did not finish/],
      [[one, tweak(two, (r) => ({ ...r, cells: [...r.cells, cell('naive', 10)] }))], /holds k\/small, which is not one of its groups/],
      [[one, withShard(two, { assigned: [0, 1] })], /both hold k\/small/],
      [[one, withShard(two, { assigned: [] })], /no shard holds k\/large/],
    ];
    for (const [list, pattern] of cases) {
      expect(() => mergeShards(files(list)), String(pattern)).toThrow(pattern);
      try {
        mergeShards(files(list));
      } catch (error) {
        expect((error as Error).name).toBe('UserError');
        expect((error as Error).message).not.toContain('\n');
      }
    }
  });
});

describe('the table across machines and builds', () => {
  const machineA = { ...environment, fingerprint: 'aaaaaaaa11112222', cpuModel: 'AMD EPYC 7763 64-Core Processor' } as Environment;
  const machineB = { ...environment, fingerprint: 'bbbbbbbb33334444', cpuModel: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz' } as Environment;
  const native = (level: string, center: number) => cell('native', center, { rung: 'native', target: level });
  const a = { ...results([cell('naive', 1000), cell('unrolled', 200), native('x86-64-v3', 100), native('x86-64-v4', 80)], machineA), skipped: [] };
  const b = {
    ...results([cell('naive', 2000), cell('unrolled', 500), native('x86-64-v3', 250), cell('wasm', null, { rung: 'wasm', target: 'simd', validation: invalid })], machineB),
    skipped: [{ kernel: 'k', variant: 'native', target: 'x86-64-v4', reason: 'this CPU supports up to x86-64-v3' }],
  };
  const analysis = analyze([{ source: 'a.json', results: a }, { source: 'b.json', results: b }], { confidence: 0.95, bootstrapResamples: 200, noiseThreshold: 0.02, seed: 1 });

  it('has a row per kernel, size and variant and a column per machine and build, each machine against its own baseline', () => {
    const t = crossTargetTable(analysis);
    expect(t.headers).toEqual([
      'kernel', 'size', 'variant',
      'AMD EPYC 7763 aaaaaaaa js', 'AMD EPYC 7763 aaaaaaaa native@x86-64-v3', 'AMD EPYC 7763 aaaaaaaa native@x86-64-v4',
      'Intel Xeon Platinum 8370C bbbbbbbb js', 'Intel Xeon Platinum 8370C bbbbbbbb wasm@simd',
      'Intel Xeon Platinum 8370C bbbbbbbb native@x86-64-v3', 'Intel Xeon Platinum 8370C bbbbbbbb native@x86-64-v4',
    ]);
    expect(t.rows.map((r) => r.slice(0, 3).join(' '))).toEqual(['k small naive', 'k small unrolled', 'k small wasm', 'k small native']); // the ladder's order
    const rows = Object.fromEntries(t.rows.map((r) => [r[2], r.slice(3)]));
    const near = (x: number) => ({ asymmetricMatch: (text: string) => /^\d+(\.\d+)?x$/.test(text) && Math.abs(parseFloat(text) / x - 1) < 0.05 });
    expect(rows.naive).toEqual(['1.00x', '–', '–', '1.00x', '–', '–', '–']);
    expect(rows.unrolled).toEqual([near(5), '–', '–', near(4), '–', '–', '–']); // 1000/200 on A, 2000/500 on B
    expect(rows.native).toEqual(['–', near(10), near(12.5), '–', '–', near(8), 'skipped']);
    expect(rows.wasm).toEqual(['–', '–', '–', '–', 'invalid', '–', '–']);
    expect(shortCpuName('Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz')).toBe('Intel Core i7-8700K');
  });

  it('names the machine in its title, not in every column, when there is one', () => {
    const one = crossTargetTable(analyze([{ source: 'a.json', results: a }], { confidence: 0.95, bootstrapResamples: 200, noiseThreshold: 0.02, seed: 1 }));
    expect(one.title).toMatch(/on AMD EPYC 7763 aaaaaaaa\)$/);
    expect(one.headers).toEqual(['kernel', 'size', 'variant', 'js', 'native@x86-64-v3', 'native@x86-64-v4']);
  });

  it('is in the terminal and the Markdown reports', () => {
    expect(renderTerminal(analysis)).toContain("Speedup over each machine's own baseline, per machine and build");
    const md = renderMarkdown(analysis);
    expect(md).toContain('## Speedup per machine and build');
    expect(md).toContain('| kernel | size | variant | AMD EPYC 7763 aaaaaaaa js |');
  });
});

describe('run --shard and merge, end to end', () => {
  const KERNEL = `import { defineKernel, defineVariant } from 'hotbench';
export const kernel = defineKernel({
  name: 'twice', description: 'doubles its input',
  sizes: { a: { n: 8 }, b: { n: 16 }, c: { n: 32 } },
  generate: ({ n }) => ({ static: {}, perCall: { x: Float64Array.from({ length: n }, (_, i) => i + 1) } }),
  reference: ({ perCall: { x } }) => x.map((v) => 2 * v),
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: n, bytes: 16 * n }),
});
export const naive = defineVariant({ kernel: 'twice', name: 'naive', rung: 'naive', description: 'map', prepare: () => ({ run: ({ x }) => x.map((v) => v * 2) }) });
export const added = defineVariant({ kernel: 'twice', name: 'added', rung: 'unrolled', description: 'add', prepare: () => ({ run: ({ x }) => x.map((v) => v + v) }) });
export const far = defineVariant({ kernel: 'twice', name: 'far', rung: 'native', target: 'qpu', description: 'elsewhere', available: () => 'no QPU here', prepare: () => { throw new Error('never'); } });
`;
  let dir: string;
  const args = ['run', '--kernels', 'kernels', '--kernel', 'twice', ...quick];
  type CellJson = { kernel: string; size: { name: string }; variant: string; target: string };
  const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const keys = (file: string) => (read(file).cells as CellJson[]).map((c) => `${c.kernel}/${c.size.name}/${variantId(c.variant, c.target)}`);

  beforeAll(() => {
    expect(existsSync(cli)).toBe(true); // built by `npm test`
    dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-shard-'));
    mkdirSync(path.join(dir, 'kernels'));
    writeFileSync(path.join(dir, 'kernels', 'twice.mjs'), KERNEL);
  });

  it('shards, one of them killed and resumed, merge to the unsharded run\'s matrix', async () => {
    expect(hotbench([...args, '--out', 'whole.json'], dir).code).toBe(0);

    // The groups cost about the same, the largest (c) a little more: shard 1 of 2 gets c, shard 2
    // gets b and a. Shard 2 is killed after its first group, then resumed.
    const journal = path.join(dir, 's2.json.journal');
    await runKilledAfterFirstCell(cli, [...args, '--shard', '2/2', '--out', 's2.json'], dir, journal);
    expect(existsSync(journal)).toBe(true);
    const one = hotbench([...args, '--shard', '1/2', '--out', 's1.json'], dir);
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(/shard 1\/2: 1 of the matrix's 3 \(kernel, size\) groups/);
    expect(keys('s1.json').sort()).toEqual(['twice/c/added@js', 'twice/c/naive@js']);

    const early = hotbench(['merge', 's1.json', 's2.json', '--out', 'merged.json'], dir);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/^hotbench: merge: s2\.json did not finish .*hotbench run --resume s2\.json\n$/);

    const resumed = hotbench(['run', '--resume', 's2.json', '--no-progress'], dir);
    expect(resumed.stderr).toMatch(/resuming .*s2\.json: 1 of 2 cells done/);
    expect(resumed.code).toBe(0);
    expect(read('s2.json').shard).toMatchObject({ index: 2, count: 2, assigned: [0, 1] });

    const merged = hotbench(['merge', 's2.json', 's1.json', '--out', 'merged.json'], dir);
    expect(merged.code).toBe(0);
    expect(keys('merged.json')).toEqual(keys('whole.json'));
    expect(keys('merged.json')).toHaveLength(6);
    for (const field of ['skipped', 'kernels', 'settings']) expect(read('merged.json')[field], field).toEqual(read('whole.json')[field]);
    expect(read('merged.json').shard).toBeUndefined();
    expect(read('merged.json').command).toEqual(read('whole.json').command.filter((a: string) => a !== '--out' && a !== 'whole.json'));

    // Reported from the shards or from the merged file: the same variants, one machine.
    const fromShards = hotbench(['report', 's1.json', 's2.json', '--format', 'json'], dir);
    const fromMerged = hotbench(['report', 'merged.json', '--format', 'json'], dir);
    const summary = (text: string) => JSON.parse(text).groups.map((g: { size: { name: string }; variants: { variant: string }[] }) => `${g.size.name}:${g.variants.map((v) => v.variant).sort()}`).sort();
    expect(summary(fromShards.stdout)).toEqual(summary(fromMerged.stdout));
  });

  it('writes a valid, empty results file for a shard with no group, and says so', () => {
    const r = hotbench([...args, '--shard', '4/4', '--out', 'empty.json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/shard 4\/4: 0 of the matrix's 3 \(kernel, size\) groups: nothing to measure, writing an empty results file/);
    const empty = read('empty.json');
    expect(empty.cells).toEqual([]);
    expect(empty.shard).toMatchObject({ index: 4, count: 4, assigned: [] });
    expect(hotbench(['report', 'empty.json'], dir).code).toBe(0);
  });

  it('answers bad --shard values and merge mistakes with one line and exit 2', () => {
    writeFileSync(path.join(dir, 'v3.json'), JSON.stringify({ ...read('whole.json'), schemaVersion: 3 }));
    const cases: [string[], RegExp][] = [
      [[...args, '--shard', '0/2'], /--shard needs I\/N with 1 <= I <= N/],
      [[...args, '--shard', '3/2'], /--shard needs I\/N/],
      [[...args, '--shard', 'half'], /--shard needs I\/N/],
      [['merge', 's1.json'], /--out FILE is required/],
      [['merge', '--out', 'm.json'], /give the results file of every shard/],
      [['merge', 's1.json', '--out', 'm.json'], /missing shard 2\/2 \(given: 1\/2\)/],
      [['merge', 's1.json', 's1.json', 's2.json', '--out', 'm.json'], /shard 1\/2 is given twice/],
      [['merge', 's1.json', 'empty.json', '--out', 'm.json'], /is shard 1\/2 but empty\.json is shard 4\/4/],
      [['merge', 's1.json', 'v3.json', '--out', 'm.json'], /v3\.json: results schema version 3 is not supported/],
      [['merge', 's1.json', 'whole.json', '--out', 'm.json'], /whole\.json is not a shard/],
    ];
    for (const [argv, pattern] of cases) {
      const r = hotbench(argv, dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(pattern);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
    expect(existsSync(path.join(dir, 'm.json'))).toBe(false);
    const help = hotbench(['merge', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: hotbench merge SHARD\.json\.\.\. --out FILE/);
  });
});
