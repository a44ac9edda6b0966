// The pieces between the kernels and the reports: settings, planning, the results file, the CPU
// level, batching, one measured round, outliers per round.

import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capLevel, x86LevelFromFlags, X86_LEVELS } from '../bench/env/cpu.js';
import { collectEnvironment } from '../bench/env/environment.js';
import { UserError } from '../bench/errors.js';
import { createRandom } from '../bench/random.js';
import { planCells } from '../bench/measure/plan.js';
import { drawLayoutShift, LAYOUT_LIMITS, layoutEnvironment, NO_LAYOUT_SHIFT_ENV, readLayoutShift } from '../bench/measure/layout.js';
import { chooseBatch, measureRound, sampleTargetNs, warmUpAndSizeBatch, type RoundChecks } from '../bench/measure/sampler.js';
import { runChild } from '../bench/measure/spawn.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../bench/measure/settings.js';
import { parseResults, readResults, serializeResults, writeResults } from '../bench/results/store.js';
import { defineVariant } from '../bench/spec/define.js';
import { discover } from '../bench/spec/registry.js';
import { summarize } from '../bench/stats/index.js';
import { SCHEMA_VERSION, type ResultsFile, type SizeParams } from '../bench/types.js';
import legval from '../kernels/legval/index.js';
import unrolled from '../variants/legval/unrolled.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'hotbench-test-'));

describe('createRandom', () => {
  it('fills arrays with exactly the stream of single draws, and carries on from there', () => {
    const one = createRandom(9);
    const bulk = createRandom(9);
    const singles = Array.from({ length: 1001 }, () => one.uniform(-2, 3));
    expect(Array.from(bulk.fillUniform(new Float64Array(1001), -2, 3))).toEqual(singles);
    expect(bulk.next()).toBe(one.next());
    expect(createRandom(10).fillUniform(new Float64Array(3), 0, 1)).not.toEqual(createRandom(9).fillUniform(new Float64Array(3), 0, 1));
  });
});

describe('settings', () => {
  it('layers config and command line over the defaults', () => {
    const s = resolveSettings({ rounds: 3, timeMs: 50 }, { rounds: 7, seed: undefined });
    expect(s.rounds).toBe(7);
    expect(s.timeMs).toBe(50);
    expect(s.seed).toBe(DEFAULT_SETTINGS.seed);
  });

  it('rejects nonsense with a one-line UserError', () => {
    expect(() => resolveSettings({ rounds: 0 })).toThrow(UserError);
    expect(() => resolveSettings({ rounds: 2.5 })).toThrow(/rounds must be an integer >= 1/);
    expect(() => resolveSettings({ colour: 1 })).toThrow(/unknown measure setting "colour"/);
  });
});

describe('planCells', () => {
  it('plans every size of every kernel by default, quick sizes with --quick, filters by name or id', async () => {
    const registry = await discover();
    expect(planCells(registry).cells.filter((c) => c.kernel.definition.name === 'legval').map((c) => c.size)).toEqual(['tiny', 'small', 'desi', 'desi-trace']);
    expect(planCells(registry, { kernels: ['legval'], quick: true }).cells.map((c) => c.size)).toEqual(['tiny', 'small']);
    const one = planCells(registry, { kernels: ['legval'], sizes: ['desi'], variants: ['naive', 'unrolled@js'] }).cells;
    expect(one).toHaveLength(1);
    expect(one[0].variants.map((v) => v.definition.name)).toEqual(['naive', 'unrolled']);
  });

  it('leaves a kernel\'s opt-in sizes out of the default matrix; --size NAME or --size all brings them in', async () => {
    const registry = await discover();
    const sizes = (filters: Parameters<typeof planCells>[1]) => planCells(registry, { kernels: ['resolution'], variants: ['naive'], ...filters }).cells.map((c) => c.size);
    expect(sizes({})).toEqual(['tiny', 'small']);
    expect(sizes({ sizes: ['desi-bundle'] })).toEqual(['desi-bundle']);
    expect(sizes({ sizes: ['all'] })).toEqual(['tiny', 'small', 'desi-subbundle', 'desi-bundle']);
    expect(sizes({ sizes: ['all'], quick: true })).toEqual(['tiny', 'small']);
    expect(() => sizes({ sizes: ['desi-subbundle'], quick: true })).toThrow(/nothing to run/);
    // A kernel without defaultSizes keeps every size in the default matrix.
    expect(planCells(registry, { kernels: ['legval'], sizes: ['all'] }).cells.map((c) => c.size)).toEqual(['tiny', 'small', 'desi', 'desi-trace']);
  });

  it('names what exists when a filter names what does not', async () => {
    const registry = await discover();
    expect(() => planCells(registry, { kernels: ['legvall'] })).toThrow(/unknown kernel "legvall" \(known: (.*, )?legval[,)]/);
    expect(() => planCells(registry, { sizes: ['huge'] })).toThrow(/unknown size "huge" \(known: .*, all\)/);
    expect(() => planCells(registry, { variants: ['turbo'] })).toThrow(/unknown variant "turbo"/);
  });
});

describe('results file', () => {
  const results = (): ResultsFile => ({
    schemaVersion: SCHEMA_VERSION,
    createdAt: 'now',
    command: ['hotbench', 'run'],
    environment: collectEnvironment(),
    settings: DEFAULT_SETTINGS,
    kernels: [],
    skipped: [],
    cells: [
      {
        kernel: 'k', variant: 'v', rung: 'naive', target: 'js', description: '', size: { name: 's', params: {} }, seed: 1, elements: 1,
        work: { flops: 1, bytes: 1 },
        validation: { status: 'invalid', maxAbsError: Infinity, maxRelError: NaN, maxUlp: Infinity, cases: [] },
        samples: [], rounds: [], stats: null, nsPerElement: null, setupNs: null, coldStart: null,
      },
    ],
  });

  it('round-trips, non-finite error figures included', () => {
    const dir = tmp();
    const file = path.join(dir, 'sub', 'results.json');
    writeResults(file, results());
    const back = readResults(file);
    expect(back.cells[0].validation.maxAbsError).toBe(Infinity);
    expect(back.cells[0].validation.maxRelError).toBeNaN();
    expect(back.environment).toEqual(results().environment);
    expect(readdirSync(path.dirname(file))).toEqual(['results.json']); // no temporary left behind
  });

  it('turns a missing, corrupt, foreign or future file into one clear UserError', () => {
    const dir = tmp();
    const write = (name: string, text: string) => { const f = path.join(dir, name); writeFileSync(f, text); return f; };
    expect(() => readResults(path.join(dir, 'none.json'))).toThrow(/none.json: no such file/);
    expect(() => readResults(write('trunc.json', serializeResults(results()).slice(0, 100)))).toThrow(/not valid JSON/);
    expect(() => readResults(write('arr.json', '[]'))).toThrow(/not a hotbench results file/);
    expect(() => readResults(write('v9.json', JSON.stringify({ ...results(), schemaVersion: 9 })))).toThrow(/schema version 9 is not supported/);
    expect(() => parseResults(JSON.stringify({ ...results(), cells: [{ kernel: 1 }] }), 'x.json')).toThrow(/x\.json: not a valid results file: \/cells\/0: must have required property/);
    const kernelNotText = { ...results(), cells: [{ ...results().cells[0], kernel: 1 }] };
    expect(() => parseResults(JSON.stringify(kernelNotText), 'x.json')).toThrow(/\/cells\/0\/kernel: must be string/);
    try {
      readResults(write('bad.json', '{'));
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('environment', () => {
  it('derives the x86-64 level from the psABI flag sets', () => {
    const upTo = (n: number) => X86_LEVELS.slice(0, n).flatMap((l) => l.flags);
    expect(x86LevelFromFlags([])).toBeNull();
    expect(x86LevelFromFlags(upTo(1))).toBe('x86-64');
    expect(x86LevelFromFlags(upTo(2))).toBe('x86-64-v2');
    expect(x86LevelFromFlags(upTo(3))).toBe('x86-64-v3');
    expect(x86LevelFromFlags(upTo(4))).toBe('x86-64-v4');
    expect(x86LevelFromFlags(upTo(4).filter((f) => f !== 'fma'))).toBe('x86-64-v2'); // v4 needs v3
  });

  it('caps the level only downwards', () => {
    expect(capLevel('x86-64-v4', 'x86-64-v2')).toBe('x86-64-v2');
    expect(capLevel('x86-64-v2', 'x86-64-v4')).toBe('x86-64-v2');
    expect(capLevel('x86-64-v3', undefined)).toBe('x86-64-v3');
    expect(capLevel(null, 'x86-64-v2')).toBeNull();
    expect(() => capLevel('x86-64-v3', 'v3')).toThrow(UserError);
  });

  it('fingerprints this machine with everything a results file promises', () => {
    const env = collectEnvironment();
    expect(env.cores).toBeGreaterThan(0);
    expect(env.memoryBytes).toBeGreaterThan(0);
    expect(env.node).toBe(process.version);
    expect(env.v8).toBe(process.versions.v8);
    expect(env.harnessVersion).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
    expect(env.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(collectEnvironment().fingerprint).toBe(env.fingerprint);
  });
});

describe('measuring', () => {
  it('sizes samples to last at least minSampleNs and 100 timer readings, and to yield about maxSamples per round', () => {
    const timer = { resolutionNs: 1, overheadNs: 20 };
    const s = { ...DEFAULT_SETTINGS, minSampleNs: 10_000, timeMs: 1, maxSamples: 1000 };
    expect(sampleTargetNs(timer, s)).toBe(10_000); // 10 µs
    expect(sampleTargetNs({ ...timer, overheadNs: 500 }, s)).toBe(50_000); // a slow timer asks for longer samples
    expect(sampleTargetNs(timer, { ...s, timeMs: 200, maxSamples: 100 })).toBe(2_000_000); // 2 ms samples for 100 per 200 ms
    // Sized with a 10% margin, so that samples stay above the target.
    expect(chooseBatch(100, 10_000)).toBe(110);
    expect(chooseBatch(50_000, 10_000)).toBe(1); // long calls are never batched
  });

  it('sizes the batch from timed batches, not single calls: a 3 ns call timed alone reads as the timer', async () => {
    // A fake clock: each batch of n calls "takes" 40 ns of timer overhead plus 3 ns per call.
    let clock = 0;
    const time = (batch: number) => {
      clock += 40 + 3 * batch;
      return 40 + 3 * batch;
    };
    const batch = await warmUpAndSizeBatch(time, 10_000, 1, () => clock);
    // Steady per-call time of the batches that lasted >= 10 µs: (40 + 3n) / n, just above 3 ns.
    expect(batch * 3).toBeGreaterThanOrEqual(10_000);
    expect(batch * 3).toBeLessThan(12_000);
  });

  const inputsOf = (seed: number) => {
    const params = legval.sizes.tiny;
    const inputs = legval.generate(params, seed);
    const further = legval.perCall!(params, seed + 1, inputs.static);
    return { params, inputs: { static: inputs.static, perCall: [inputs.perCall, further], distinct: 2 } };
  };
  const noProblems: RoundChecks = { output: () => null, sameObjectOtherValues: async () => null, changedInputs: () => [] };

  it('measures one round: setup, batch, samples in ns per call, the timer, the empty call', async () => {
    const { params, inputs } = inputsOf(42);
    const settings = { ...DEFAULT_SETTINGS, timeMs: 20, warmupMs: 5, minSamples: 5, maxSamples: 50 };
    const m = await measureRound(unrolled, inputs, params, settings, 3, noProblems);
    expect(m.record.round).toBe(3);
    expect(m.record.inputs).toBe(2);
    expect(m.record.async).toBeUndefined();
    expect(m.record.emptyCall!.medianNs).toBeGreaterThan(0);
    expect(m.record.samples).toBe(m.samples.length);
    expect(m.samples.length).toBeGreaterThanOrEqual(5);
    expect(m.record.batch).toBeGreaterThan(1); // a tiny legval call is far below 10 µs
    expect(m.samples.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
    expect(m.record.setupNs).toBeGreaterThan(0);
    expect(m.record.timer.overheadNs).toBeGreaterThan(0);
  });

  /** A variant of a one-value kernel whose call is a multiply-add: a few ns. */
  const madd = defineVariant<unknown, Float64Array, Float64Array, SizeParams>({
    kernel: 'madd', name: 'madd', rung: 'unrolled', description: 'one multiply-add',
    prepare: () => {
      const out = new Float64Array(1);
      return { run: (x) => { out[0] = x[0] * 1.5 + 0.25; return out; } };
    },
  });
  const maddInputs = { static: {}, perCall: [Float64Array.of(1), Float64Array.of(2)], distinct: 2 };

  it('batches a call of a few ns so that every sample lasts at least minSampleNs and a round yields about maxSamples', async () => {
    const settings = { ...DEFAULT_SETTINGS, timeMs: 200, warmupMs: 50, minSampleNs: 10_000, maxSamples: 1000 };
    const m = await measureRound(madd, maddInputs, {}, settings, 0, noProblems);
    expect(m.samples.length).toBeGreaterThanOrEqual(settings.minSamples);
    // Not tens of thousands of tiny samples (what sizing from single timed calls gave), but about maxSamples.
    expect(m.samples.length).toBeLessThanOrEqual(1.25 * settings.maxSamples);
    expect(m.samples.length).toBeGreaterThanOrEqual(0.25 * settings.maxSamples);
    for (const perCall of m.samples) expect(perCall * m.record.batch).toBeGreaterThanOrEqual(settings.minSampleNs);
  });

  it("checks the last timed call's output against the input it was given, and the inputs after the round", async () => {
    const settings = { ...DEFAULT_SETTINGS, timeMs: 10, warmupMs: 2, minSamples: 3, maxSamples: 50 };
    const seen: number[] = [];
    const checks: RoundChecks = {
      output: (output, index) => {
        seen.push(index);
        return (output as Float64Array)[0] === maddInputs.perCall[index][0] * 1.5 + 0.25 ? null : 'wrong';
      },
      sameObjectOtherValues: async (call) => (((await call(maddInputs.perCall[1])) as Float64Array)[0] === 3.25 ? null : 'wrong'),
      changedInputs: () => [],
    };
    await measureRound(madd, maddInputs, {}, settings, 0, checks);
    expect(seen).toHaveLength(1);
    const wrong = { ...checks, output: () => '3 of 3 values outside tolerance' };
    await expect(measureRound(madd, maddInputs, {}, settings, 0, wrong)).rejects.toMatchObject({ name: 'RoundFault', kind: 'wrong-output' });
    const remembered = { ...checks, sameObjectOtherValues: async () => 'wrong' };
    await expect(measureRound(madd, maddInputs, {}, settings, 0, remembered)).rejects.toMatchObject({ kind: 'wrong-output', message: /answered from memory/ });
    const scribbled = { ...checks, changedInputs: () => ['static.x'] };
    await expect(measureRound(madd, maddInputs, {}, settings, 0, scribbled)).rejects.toMatchObject({ kind: 'mutated-input', message: /changed its input static\.x/ });
  });

  it('awaits an asynchronous run inside the timed loop and records the round as async', async () => {
    const settings = { ...DEFAULT_SETTINGS, timeMs: 10, warmupMs: 2, minSamples: 3, maxSamples: 50 };
    const later = { ...madd, prepare: () => ({ run: async (x: Float64Array) => Float64Array.of(x[0] * 1.5 + 0.25) }) } as typeof madd;
    let checked: unknown;
    const m = await measureRound(later, maddInputs, {}, settings, 0, { ...noProblems, output: (o) => ((checked = o), null) });
    expect(m.record.async).toBe(true);
    expect(checked).toBeInstanceOf(Float64Array); // the resolved output, not a Promise
    expect(m.record.emptyCall!.medianNs).toBeGreaterThan(0);
  });

  it('counts Tukey outliers within each round, not across rounds', () => {
    const roundA = Array.from({ length: 20 }, (_, i) => 100 + (i % 5));
    const roundB = Array.from({ length: 20 }, (_, i) => 200 + (i % 5));
    const pooled = summarize([...roundA, ...roundB], 0.95, [20, 20]);
    expect(pooled.outliers).toEqual({ lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 0 });
    const withSpike = summarize([...roundA.slice(0, 19), 1000, ...roundB], 0.95, [20, 20]);
    expect(withSpike.outliers.highSevere).toBe(1);
    expect(() => summarize([1, 2, 3], 0.95, [1, 1])).toThrow(RangeError);
  });
});

describe('layout shift of the child processes', () => {
  it('draws each part uniformly below its limit and carries it to the child through the environment', () => {
    expect(drawLayoutShift(() => 0)).toEqual({ envBytes: 0, heapWords: 0, codeOps: 0 });
    const top = drawLayoutShift(() => 0.999999);
    expect(top).toEqual({ envBytes: LAYOUT_LIMITS.envBytes - 1, heapWords: LAYOUT_LIMITS.heapWords - 1, codeOps: LAYOUT_LIMITS.codeOps - 1 });
    const shift = { envBytes: 123, heapWords: 4567, codeOps: 8 };
    expect(readLayoutShift(layoutEnvironment(shift))).toEqual(shift);
    expect(readLayoutShift({})).toBeNull();
    expect(readLayoutShift({ HOTBENCH_LAYOUT: 'garbage' })).toBeNull();
  });

  it('starts every child from a layout of its own and records it with the round', async () => {
    const registry = await discover();
    const [cell] = planCells(registry, { kernels: ['legval'], sizes: ['tiny'], variants: ['unrolled'] }).cells;
    const settings = { ...DEFAULT_SETTINGS, timeMs: 5, warmupMs: 1, minSamples: 3, maxSamples: 20 };
    const job = { kind: 'measure' as const, kernel: cell.kernel.ref, variant: cell.variants[0].ref, size: 'tiny', seed: 42, round: 0, settings };
    const layouts = [];
    for (let i = 0; i < 3; i++) {
      const reply = await runChild(job, settings);
      if (!reply.ok || reply.kind !== 'measure') throw new Error(`child failed: ${JSON.stringify(reply)}`);
      const { layout } = reply.measurement.record;
      expect(layout).toBeDefined();
      for (const key of ['envBytes', 'heapWords', 'codeOps'] as const) {
        expect(Number.isInteger(layout![key]) && layout![key] >= 0 && layout![key] < LAYOUT_LIMITS[key]).toBe(true);
      }
      layouts.push(JSON.stringify(layout));
    }
    // Three draws from about 1.6e9 layouts: equal ones mean the shift is not drawn per process.
    expect(new Set(layouts).size).toBe(3);

    process.env[NO_LAYOUT_SHIFT_ENV] = '1';
    try {
      const reply = await runChild(job, settings);
      expect(reply.ok && reply.kind === 'measure' && reply.measurement.record.layout).toBeUndefined();
    } finally {
      delete process.env[NO_LAYOUT_SHIFT_ENV];
    }
  });
});
