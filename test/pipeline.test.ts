// Pipelines through the public API, end to end with the compiled CLI: a small user pipeline whose
// study holds a good change, a change of algorithm (checked against the reference of its own
// decomposition), a configuration whose stage is wrong (invalid, never ranked) and one that matches
// its reference but fails the science check. Then the spec's own checks and Amdahl's law. No
// timing is asserted anywhere.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { amdahlPrediction, changedStages } from '../bench/analysis/pipeline.js';
import { definePipeline, resolvedConfigurations } from '../bench/spec/pipeline.js';
import type { ResultsFile } from '../bench/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const quick = ['--rounds', '2', '--time', '10', '--warmup', '2', '--no-progress'];

function hotbench(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The user pipeline is the shipped example, examples/my-pipeline/sumsq.mjs: scale (x·w) → square →
 * sum in blocks of `block` (an algorithm parameter: the rounding depends on it, and the tolerance is
 * exact, so a blocked configuration passes only against a blocked reference); the science check wants
 * a non-negative total, which `sign: -1` breaks in the reference of its own algorithm too.
 */
const USER_PIPELINE = readFileSync(path.join(root, 'examples', 'my-pipeline', 'sumsq.mjs'), 'utf8');

function userFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-pipeline-'));
  writeFileSync(path.join(dir, 'sumsq.mjs'), USER_PIPELINE);
  return dir;
}

beforeAll(() => {
  expect(existsSync(cli)).toBe(true); // built by `npm test`
});

describe('a user pipeline end to end', () => {
  it('measures every configuration; a wrong stage and a failed science check are invalid and never ranked; exit 1', () => {
    const dir = userFolder();
    const out = path.join(dir, 'r.json');
    const reports = ['r.md', 'r.html', 'r.json.report.json'].map((f) => path.join(dir, f));
    const r = hotbench(['pipeline', 'sumsq', '--kernels', dir, ...quick, '--out', out, ...reports.flatMap((f) => ['--report', f])], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;

    // The results file carries the configurations, each with every stage resolved.
    expect(results.pipeline?.configurations.map((c) => c.name)).toEqual(['original', 'typed-square', 'blocked', 'wrong-scale', 'negated']);
    expect(results.pipeline?.configurations[2]).toMatchObject({ stages: { scale: 'loop', square: 'typed', sum: 'loop' }, algorithm: { block: 8 } });
    expect(results.pipeline?.configurations[3].stages).toEqual({ scale: 'wrong', square: 'typed', sum: 'loop' });

    const cell = (name: string) => results.cells.find((c) => c.variant === name)!;
    for (const name of ['original', 'typed-square', 'blocked']) {
      expect(cell(name).validation.status, name).toBe('valid');
      expect(cell(name).stats, name).not.toBeNull();
      // Every round recorded each stage's time inside the calls and alone.
      for (const round of cell(name).rounds) {
        expect(Object.keys(round.stages!.inPipeline).sort()).toEqual(['scale', 'square', 'sum']);
        expect(Object.keys(round.stages!.alone).sort()).toEqual(['scale', 'square', 'sum']);
      }
    }
    expect(cell('wrong-scale').validation.status).toBe('invalid');
    expect(cell('wrong-scale').failure?.kind).toBe('wrong-output');
    expect(cell('wrong-scale').stats).toBeNull();
    expect(cell('wrong-scale').rounds).toHaveLength(0); // never timed
    expect(cell('negated').validation.status).toBe('invalid');
    expect(cell('negated').validation.message).toMatch(/science check failed: total -\d/);

    // The per-change table: each valid row has its speedups; the invalid rows say why.
    expect(r.stdout).toMatch(/pipeline sumsq \(tiny\) — per change/);
    expect(r.stdout).toMatch(/where the time went/);
    expect(r.stdout).toMatch(/wrong-scale: invalid, not ranked/);
    expect(r.stdout).toMatch(/negated: invalid, not ranked: .*science check failed/);
    const analysis = JSON.parse(readFileSync(reports[2], 'utf8'));
    const study = analysis.pipelines[0];
    expect(study.changes.map((c: { configuration: string }) => c.configuration)).toEqual(['original', 'typed-square', 'blocked', 'wrong-scale', 'negated']);
    expect(study.changes[0].verdict).toBe('baseline');
    expect(study.changes[1].speedup.ratio).toBeGreaterThan(0);
    expect(study.changes[1].changedStages).toEqual(['square']);
    expect(study.changes[2].changedStages).toEqual(['scale', 'square', 'sum']); // the algorithm changed
    expect(study.changes[1].amdahl).toBeGreaterThan(0);
    expect(study.changes[3]).toMatchObject({ verdict: 'invalid', stats: null, speedup: null });
    const ranked = analysis.groups[0].variants.filter((v: { rank: number | null }) => v.rank !== null).map((v: { variant: string }) => v.variant);
    expect(ranked.sort()).toEqual(['blocked', 'original', 'typed-square']);

    expect(readFileSync(reports[0], 'utf8')).toMatch(/## Pipeline studies/);
    const html = readFileSync(reports[1], 'utf8');
    expect(html).toMatch(/id="pipelines"/);
    expect(html).toMatch(/time per call by stage/);
  });

  it('hotbench list names the pipelines, built-in and the user\'s, with their configurations', () => {
    const dir = userFolder();
    const r = hotbench(['list', '--kernels', dir], dir);
    expect(r.code).toBe(0);
    const pipelines = r.stdout.slice(r.stdout.indexOf('pipelines (hotbench pipeline NAME):'));
    expect(pipelines).toMatch(/^desi: /m);
    expect(pipelines).toMatch(/^sumsq: /m);
    for (const configuration of ['original', 'typed-square', 'wrong-scale', 'negated']) expect(pipelines).toMatch(new RegExp(`^ {4}${configuration} `, 'm'));
  });

  it('run --pipeline is the same command; a configuration can be chosen', () => {
    const dir = userFolder();
    const out = path.join(dir, 'r.json');
    const r = hotbench(['run', '--pipeline', 'sumsq', '--kernels', dir, '--configuration', 'original,typed-square', ...quick, '--out', out], dir);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
    expect(results.cells.map((c) => c.variant).sort()).toEqual(['original', 'typed-square']);

    // The gate takes a study as its baseline: against itself it passes; without --current it
    // measures the study again (the verdict depends on timings, so only what was measured is checked).
    const same = hotbench(['gate', '--baseline', out, '--current', out, '--out', path.join(dir, 'gate-same'), '--no-progress'], dir);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/sumsq\s+tiny\s+typed-square@js/);
    const fresh = hotbench(['gate', '--baseline', out, '--kernels', dir, ...quick, '--out', path.join(dir, 'gate-fresh')], dir);
    expect(fresh.code).not.toBe(2);
    const head = JSON.parse(readFileSync(path.join(dir, 'gate-fresh', 'head.json'), 'utf8')) as ResultsFile;
    expect(head.pipeline?.name).toBe('sumsq');
    expect(head.cells.map((c) => c.variant).sort()).toEqual(['blocked', 'negated', 'original', 'typed-square', 'wrong-scale']);
  });

  it('answers mistakes with one line and exit 2', () => {
    const dir = userFolder();
    for (const args of [
      ['pipeline', 'nosuch', '--kernels', dir],
      ['pipeline', 'sumsq', '--kernels', dir, '--size', 'huge'],
      ['pipeline', 'sumsq', '--kernels', dir, '--configuration', 'nosuch'],
      ['run', '--pipeline'],
    ]) {
      const r = hotbench(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(hotbench(['pipeline', '--help'], dir).code).toBe(0);
    expect(hotbench(['pipeline', '--list', '--kernels', dir], dir).stdout).toMatch(/sumsq: .*\n[\s\S]*negated/);
  });
});

describe('definePipeline', () => {
  const stage = { name: 'only', description: 'identity', reference: 'id', implementations: { id: { description: 'identity', prepare: () => ({ run: (s: { input: unknown }) => s.input }) } } };
  const base = {
    name: 'p',
    description: 'd',
    sizes: { tiny: { n: 1 } },
    generate: () => ({ static: {}, perCall: new Float64Array(1) }),
    stages: [stage],
    output: (s: { only?: unknown }) => s.only as Float64Array,
    configurations: [{ name: 'original', change: 'as is', stages: {} }],
    tolerance: { abs: 0, rel: 0, ulp: 0 },
    elements: () => 1,
  };

  it('refuses a configuration that names an unknown stage or implementation, and a stage named input', () => {
    expect(() => definePipeline({ ...base, configurations: [{ name: 'a', change: 'x', stages: { nosuch: 'id' } }] })).toThrow(/unknown stage "nosuch"/);
    expect(() => definePipeline({ ...base, configurations: [{ name: 'a', change: 'x', stages: { only: 'fast' } }] })).toThrow(/no implementation "fast"/);
    expect(() => definePipeline({ ...base, stages: [{ ...stage, name: 'input' }] })).toThrow(/not "input"/);
    expect(() => definePipeline({ ...base, stages: [{ ...stage, reference: 'fast' }] })).toThrow(/reference names unknown implementation/);
    expect(definePipeline(base).hotbench).toBe('hotbench.pipeline');
  });

  it('resolves each configuration from the one before it', () => {
    const two = { ...stage, implementations: { ...stage.implementations, other: stage.implementations.id } };
    const p = definePipeline({
      ...base,
      stages: [two, { ...two, name: 'second' }],
      configurations: [
        { name: 'a', change: 'first', stages: { only: 'other' } },
        { name: 'b', change: 'second', stages: { second: 'other' }, algorithm: { k: 2 } },
        { name: 'c', change: 'back', stages: { only: 'id' } },
      ],
    });
    expect(resolvedConfigurations(p).map((c) => [c.stages, c.algorithm])).toEqual([
      [{ only: 'other', second: 'id' }, {}],
      [{ only: 'other', second: 'other' }, { k: 2 }],
      [{ only: 'id', second: 'other' }, { k: 2 }],
    ]);
    const [a, b, c] = resolvedConfigurations(p);
    expect(changedStages(a, b, ['only', 'second'])).toEqual(['only', 'second']); // the algorithm changed: every stage
    expect(changedStages(b, c, ['only', 'second'])).toEqual(['only']);
  });
});

describe("Amdahl's prediction", () => {
  it('is 1/(f_other + Σ f_s/k_s)', () => {
    // Half the time in a stage made 4x faster, a quarter in one left alone, a quarter not in a stage.
    expect(amdahlPrediction(new Map([['a', 0.5], ['b', 0.25]]), 0.25, new Map([['a', 4]]))).toBeCloseTo(1 / (0.25 + 0.125 + 0.25), 12);
    // Nothing changed: no speedup.
    expect(amdahlPrediction(new Map([['a', 0.7]]), 0.3, new Map())).toBeCloseTo(1, 12);
  });
});
