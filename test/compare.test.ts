// Comparison of two runs and the gate's rules, on constructed results: which verdict each situation
// gets, the thresholds' precedence, the basis, and the layouts that only show what was decided. Also
// the gate:power knob (driven by a fake clock) and the power study's arithmetic.

import { describe, expect, it } from 'vitest';
import { chooseBasis, compareResults, decide, DEFAULT_COMPARE } from '../bench/analysis/compare.js';
import { alarmed, nextTrialKind, summarizeTrials, wilson } from '../bench/gate/power.js';
import { withSlowdown } from '../bench/measure/slowdown.js';
import { formatChange, gateSummaryMarkdown, renderComparison } from '../bench/report/comparison.js';
import type { Cell, CompareSettings, GateVerdict, PowerTrial, ResultsFile } from '../bench/types.js';
import { cell, environment, invalid, kernelK, results, type Shape } from './helpers/results.js';

const TWELVE: Shape = { rounds: 12, perRound: 40, noise: 0.01, between: 0.01 };
const c = (variant: string, centerNs: number | null, seed: number, overrides: Partial<Cell> = {}, shape = TWELVE) => cell(variant, centerNs, overrides, seed, shape);

function compare(base: Cell[], head: Cell[], settings: Partial<CompareSettings> = {}, baseFile?: ResultsFile, headFile?: ResultsFile) {
  return compareResults(
    { source: 'base.json', results: baseFile ?? results(base) },
    { source: 'head.json', results: headFile ?? results(head) },
    { ...DEFAULT_COMPARE, ...settings },
  );
}

const verdictOf = (comparison: ReturnType<typeof compare>, variant: string) => comparison.cells.find((x) => x.variant === variant)!;

describe('compareResults: verdicts', () => {
  it('the same code measured twice is unchanged, and the gate passes', () => {
    const r = compare([c('naive', 1000, 1), c('fast', 100, 2)], [c('naive', 1000, 3), c('fast', 100, 4)]);
    expect(r.basis).toBe('absolute');
    expect(r.cells.map((x) => x.verdict)).toEqual(['unchanged', 'unchanged']);
    expect(r.passed).toBe(true);
    const fast = verdictOf(r, 'fast');
    expect(fast.ratio!.ciLow).toBeLessThan(1.01);
    expect(fast.ratio!.ciHigh).toBeGreaterThan(0.99);
    expect(fast.pValue).toBeGreaterThan(0.01);
    expect(fast.base).toMatchObject({ status: 'valid', rounds: 12 });
  });

  it('10% slower over 12 rounds is slower: significant and beyond the 5% threshold; the gate fails', () => {
    const r = compare([c('fast', 100, 2)], [c('fast', 110, 4)]);
    const fast = verdictOf(r, 'fast');
    expect(fast.verdict).toBe('slower');
    expect(fast.ratio!.ratio).toBeCloseTo(1.1, 1);
    expect(fast.ratio!.ciLow).toBeGreaterThan(1.05);
    expect(fast.pValue).toBeLessThan(1e-4);
    expect(fast.reason).toMatch(/^\+\d+\.\d%, p = .* < 0\.01 and beyond the 5% threshold$/);
    expect(r.passed).toBe(false);
    expect(r.counts.slower).toBe(1);
  });

  it('10% faster is faster, and passes', () => {
    const r = compare([c('fast', 110, 2)], [c('fast', 100, 4)]);
    expect(verdictOf(r, 'fast').verdict).toBe('faster');
    expect(r.passed).toBe(true);
  });

  it('3% slower is within the default 5% threshold, but slower at 2%', () => {
    const base = [c('fast', 100, 2)];
    const head = [c('fast', 103, 4)];
    const r = compare(base, head);
    expect(verdictOf(r, 'fast')).toMatchObject({ verdict: 'unchanged', threshold: 0.05, thresholdSource: 'default' });
    expect(verdictOf(r, 'fast').reason).toMatch(/significant .* but within the 5% threshold/);
    expect(verdictOf(compare(base, head, { threshold: 0.02 }), 'fast').verdict).toBe('slower');
  });

  it('thresholds: KERNEL=T on the command line, then the kernel\'s gateThreshold, then the default', () => {
    const base = [c('fast', 100, 2)];
    const head = [c('fast', 103, 4)];
    const declared = (t: number) => results(head, environment, [{ ...kernelK, gateThreshold: t }]);
    const byKernel = compare(base, head, {}, undefined, declared(0.02));
    expect(verdictOf(byKernel, 'fast')).toMatchObject({ verdict: 'slower', threshold: 0.02, thresholdSource: 'kernel' });
    const byFlag = compare(base, head, { kernelThresholds: { k: 0.1 } }, undefined, declared(0.02));
    expect(verdictOf(byFlag, 'fast')).toMatchObject({ verdict: 'unchanged', threshold: 0.1, thresholdSource: 'command line' });
    const otherKernel = compare(base, head, { kernelThresholds: { other: 0.01 }, threshold: 0.04 });
    expect(verdictOf(otherKernel, 'fast')).toMatchObject({ threshold: 0.04, thresholdSource: 'default' });
  });

  it('a large difference over too few rounds is not significant: the round is the unit', () => {
    const two: Shape = { rounds: 2, perRound: 500, noise: 0.01 };
    const r = compare([c('fast', 100, 2, {}, two)], [c('fast', 200, 4, {}, two)]);
    // Two rounds a side: the smallest two-sided p of the U test is 2 / C(4, 2) = 0.33.
    expect(verdictOf(r, 'fast').pValue).toBeCloseTo(1 / 3, 10);
    expect(verdictOf(r, 'fast').verdict).toBe('unchanged');
  });

  it('a head variant that turns invalid fails the gate, whatever its speed', () => {
    const r = compare([c('naive', 1000, 1), c('fast', 100, 2)], [c('naive', 1000, 3), c('fast', null, 4, { validation: invalid, stats: null })]);
    expect(verdictOf(r, 'fast')).toMatchObject({ verdict: 'invalid', ratio: null, pValue: null });
    expect(verdictOf(r, 'fast').reason).toMatch(/head is invalid: cell: 3 of 10 values outside tolerance/);
    expect(r.passed).toBe(false);
  });

  it('a head variant that failed in a round is invalid too', () => {
    const r = compare([c('fast', 100, 2)], [c('fast', 50, 4, { error: 'round 3: child process killed by SIGKILL' })]);
    expect(verdictOf(r, 'fast').verdict).toBe('invalid');
    expect(r.passed).toBe(false);
  });

  it('new (head only, or base invalid) and missing (base only) neither fail nor pass anything', () => {
    const r = compare(
      [c('naive', 1000, 1), c('gone', 500, 2), c('fixed', null, 3, { validation: invalid, stats: null })],
      [c('naive', 1000, 4), c('added', 300, 5), c('fixed', 400, 6)],
    );
    expect(r.cells.map((x) => [x.variant, x.verdict])).toEqual([
      ['naive', 'unchanged'],
      ['added', 'new'],
      ['fixed', 'new'],
      ['gone', 'missing'],
    ]);
    expect(verdictOf(r, 'fixed').reason).toMatch(/base is invalid/);
    expect(r.passed).toBe(true);
    expect(r.counts).toMatchObject({ unchanged: 1, new: 2, missing: 1, slower: 0, invalid: 0, faster: 0 });
  });

  it('a size whose parameters changed is not compared: new', () => {
    const r = compare([c('fast', 100, 2)], [c('fast', 200, 4, { size: { name: 'small', params: { n: 2000 } } })]);
    expect(verdictOf(r, 'fast')).toMatchObject({ verdict: 'new', ratio: null });
    expect(verdictOf(r, 'fast').reason).toMatch(/size small changed \(base \{"n":1000\}, head \{"n":2000\}\)/);
  });

  it('decide: slower at exactly 1 + threshold when significant; p at alpha is not significant', () => {
    expect(decide(1.05, 0.001, 0.01, 0.05).verdict).toBe('slower');
    expect(decide(1.0499, 0.001, 0.01, 0.05).verdict).toBe('unchanged');
    expect(decide(1 / 1.05, 0.001, 0.01, 0.05).verdict).toBe('faster');
    expect(decide(2, 0.01, 0.01, 0.05).verdict).toBe('unchanged');
    expect(decide(2, 0.01, 0.01, 0.05).reason).toMatch(/not significant \(p = 0\.010 ≥ 0\.01\)/);
  });
});

describe('compareResults: basis', () => {
  const machineB = { ...environment, fingerprint: 'machine-b' };

  it('absolute on one machine; relative to each run\'s baseline variant round by round across machines', () => {
    // Head's machine is twice as slow at everything: relative times are unchanged.
    const base = [c('naive', 1000, 1), c('fast', 100, 2)];
    const head = [c('naive', 2000, 3), c('fast', 200, 4)];
    const r = compare(base, head, {}, undefined, results(head, machineB));
    expect(r.basis).toBe('relative');
    expect(r.basisReason).toMatch(/machines differ \(fingerprint machine-a vs machine-b\)/);
    expect(verdictOf(r, 'naive')).toMatchObject({ verdict: 'unchanged', pValue: 1, reason: 'the reference of relative times' });
    expect(verdictOf(r, 'fast').verdict).toBe('unchanged');
    expect(verdictOf(r, 'fast').ratio!.ratio).toBeCloseTo(1, 1);
    // Forced absolute, the machine's factor shows as a regression.
    expect(verdictOf(compare(base, head, { basis: 'absolute' }, undefined, results(head, machineB)), 'fast').verdict).toBe('slower');
  });

  it('relative times still catch a variant that slowed more than the machine', () => {
    const base = [c('naive', 1000, 1), c('fast', 100, 2)];
    const head = [c('naive', 2000, 3), c('fast', 240, 4)];
    const r = compare(base, head, {}, undefined, results(head, machineB));
    expect(verdictOf(r, 'fast').verdict).toBe('slower');
    expect(verdictOf(r, 'fast').ratio!.ratio).toBeCloseTo(1.2, 1);
  });

  it('relative without a valid baseline variant compares nothing and says so', () => {
    const base = [c('naive', null, 1, { validation: invalid, stats: null }), c('fast', 100, 2)];
    const head = [c('naive', 2000, 3), c('fast', 500, 4)];
    const r = compare(base, head, {}, undefined, results(head, machineB));
    expect(verdictOf(r, 'fast')).toMatchObject({ verdict: 'unchanged', ratio: null });
    expect(verdictOf(r, 'fast').reason).toMatch(/relative times need a valid baseline variant in both runs/);
  });

  it('chooseBasis honours a forced basis', () => {
    const a = results([]);
    expect(chooseBasis(a, a, 'relative').basis).toBe('relative');
    expect(chooseBasis(a, results([], machineB), 'absolute').basis).toBe('absolute');
  });
});

describe('comparison layouts', () => {
  const r = compare([c('naive', 1000, 1), c('fast', 100, 2)], [c('naive', 1000, 3), c('fast', 110, 4)]);

  it('terminal, Markdown and JSON show the verdicts analysis decided', () => {
    const terminal = renderComparison(r, 'terminal');
    expect(terminal).toMatch(/k\s+small\s+fast@js\s+.*\+10\.\d% \[\+\d+\.\d%, \+\d+\.\d%\].*SLOWER/);
    expect(terminal).toMatch(/^FAIL: 1 slower, 1 unchanged$/m);
    expect(terminal).toMatch(/two-sided Mann-Whitney U test on per-round medians/);
    const md = renderComparison(r, 'md');
    expect(md).toMatch(/^# hotbench compare/);
    expect(md).toMatch(/\| k \| small \| fast@js \| .* \| SLOWER \|/);
    expect(JSON.parse(renderComparison(r, 'json')).cells[1].verdict).toBe('slower');
    expect(formatChange(1.042)).toBe('+4.2%');
    expect(formatChange(0.9)).toBe('−10.0%');
    expect(formatChange(2.5)).toBe('+150%');
  });

  it('the gate summary says pass or fail, what was compared, the basis and the time', () => {
    const verdict: GateVerdict = {
      passed: false,
      exitCode: 1,
      mode: 'against',
      description: 'gate --against main (abc): interleaved',
      base: { ref: 'main', commit: 'abc', file: 'base.json' },
      head: { commit: 'def', file: 'head.json' },
      install: 'symlink',
      durations: { setupMs: 5000, measureMs: 40000, totalMs: 46000 },
      comparison: r,
    };
    const md = gateSummaryMarkdown(verdict);
    expect(md).toMatch(/^## hotbench gate: ❌ FAIL: 1 slower, 1 unchanged/);
    expect(md).toContain('gate --against main (abc): interleaved');
    expect(md).toMatch(/basis: absolute times/);
    expect(md).toMatch(/setup 5\.0 s \(symlink\), measuring 40\.0 s, total 46\.0 s/);
  });
});

describe('the gate:power slowdown knob', () => {
  /** A fake clock: reading it costs 10 ns; a call of the fake variant takes 1000 ns. */
  function fake() {
    let t = 0;
    let calls = 0;
    const clock = { now: () => (t += 10), overheadNs: 10 };
    const prepared = { run: (x: number) => { calls++; t += 1000; return [x]; }, dispose: () => { calls = -1; } };
    return { clock, prepared, time: () => t, calls: () => calls };
  }

  it('runs the variant once per call, returns its output, and adds fraction × its typical time', () => {
    const f = fake();
    const slowed = withSlowdown(f.prepared, 0.05, f.clock);
    for (let i = 0; i < 100; i++) expect(slowed.run(i)).toEqual([i]);
    expect(f.calls()).toBe(100);
    // Steady state: a call costs 1000 ns of work + 5% of it waited on the clock (+ the readings).
    const before = f.time();
    for (let i = 0; i < 63; i++) slowed.run(i);
    const perCall = (f.time() - before) / 63;
    expect(perCall).toBeGreaterThanOrEqual(1050);
    expect(perCall).toBeLessThan(1050 + 30);
    slowed.dispose?.();
    expect(f.calls()).toBe(-1);
  });

  it('rejects a fraction that is not positive', () => {
    const f = fake();
    expect(() => withSlowdown(f.prepared, 0, f.clock)).toThrow(RangeError);
    expect(() => withSlowdown(f.prepared, -0.1, f.clock)).toThrow(RangeError);
  });
});

describe('power study arithmetic', () => {
  it('Wilson intervals match the textbook values', () => {
    const half = wilson(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    // No alarm in 300 trials still allows a rate up to 1.26%.
    expect(wilson(0, 300).high).toBeCloseTo(0.012643, 5);
    expect(wilson(0, 300).low).toBe(0);
  });

  it('interleaves trial kinds in proportion to their targets, wherever a campaign resumes', () => {
    const targets = new Map([[0, 3], [0.03, 1], [0.05, 1]]);
    const order: number[] = [];
    for (let k = nextTrialKind(order, targets); k !== null; k = nextTrialKind(order, targets)) order.push(k);
    // A/A first on ties; each A/B kind as soon as it lags A/A in proportion; all targets met exactly.
    expect(order).toEqual([0, 0.03, 0.05, 0, 0]);
    // Resuming from any prefix continues the same schedule.
    for (let n = 0; n <= order.length; n++) expect(nextTrialKind(order.slice(0, n), targets)).toBe(n < order.length ? order[n] : null);
    // Raised targets (a resumed campaign with more trials) continue from what is done.
    expect(nextTrialKind(order, new Map([[0, 3], [0.03, 2], [0.05, 1]]))).toBe(0.03);
    expect(nextTrialKind([], new Map([[0, 0]]))).toBeNull();
  });

  it('re-decides trials at other thresholds from their ratios and p-values', () => {
    const base = [c('fast', 100, 2)];
    const head = [c('fast', 103, 4)];
    const comparison = compare(base, head);
    const trial: PowerTrial = {
      factor: 0.03,
      exitCode: 0,
      wallMs: 30_000,
      verdict: { passed: true, exitCode: 0, mode: 'against', description: '', base: { commit: null, file: '' }, head: { commit: null, file: '' }, durations: { setupMs: 0, measureMs: 0, totalMs: 0 }, comparison },
    };
    expect(alarmed(trial)).toBe(false);
    expect(alarmed(trial, 0.02)).toBe(true);
    const [summary] = summarizeTrials([trial, { ...trial, wallMs: 40_000 }], 0.02);
    expect(summary).toMatchObject({ factor: 0.03, medianWallMs: 35_000, maxWallMs: 40_000 });
    expect(summary.alarms).toMatchObject({ alarms: 2, trials: 2, rate: 1 });
    expect(summary.realisedRatio).toBeCloseTo(1.03, 1);
  });
});
