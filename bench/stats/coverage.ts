// How often an interval method's 95% interval actually covers what it estimates, on round-to-round
// spreads measured on a real machine: a seeded simulation that draws experiments of a few rounds
// (with replacement) from many measured rounds, builds each method's interval, and counts how often
// it holds the population's own value. The tests run it (test/coverage.test.ts) and the README quotes
// it (`npm run coverage`): it is why hotbench's intervals are order statistics over rounds.
//
// The measured rounds are a population (a "plasmode"): a variant's per-round medians, paired across
// variants by round (they ran in the same rounds). What each method estimates, on that population:
// - order statistics (hotbench): the median of the per-round ratios, or of the per-round medians;
// - Welch's t on log per-round medians: the ratio of the two sides' geometric means;
// - the percentile bootstrap of rounds (hotbench before: resample rounds, ratio of the medians):
//   the ratio of the two sides' medians.

import { createRandom } from '../random.js';
import { bootstrapSpeedup } from './bootstrap.js';
import { quantileSorted, sortedCopy } from './descriptive.js';
import { ratioOfRounds, roundsInterval } from './rounds.js';
import { studentTQuantile } from './student-t.js';

/** One variant's measured rounds: round number → its median ns per call. */
export interface MeasuredRounds {
  /** Which measured run the rounds come from: only rounds of one run are paired. */
  readonly run: string;
  readonly kernel: string;
  readonly size: string;
  /** `variant@target`. */
  readonly variant: string;
  readonly rounds: Readonly<Record<string, number>>;
}

export type IntervalMethod = 'order-statistics' | 'welch-t' | 'bootstrap';
export const INTERVAL_METHODS: readonly IntervalMethod[] = ['order-statistics', 'welch-t', 'bootstrap'];

export interface CoverageOptions {
  /** Rounds per simulated experiment (hotbench's default is 5). */
  readonly rounds: number;
  /** Simulated experiments per pair (speedups) or per variant (a variant's own interval). */
  readonly experiments: number;
  readonly level: number;
  readonly seed: number;
  /** Resamples of the bootstrap method (it is slow: keep it modest). */
  readonly bootstrapResamples: number;
  /** The methods to simulate (default all). */
  readonly methods?: readonly IntervalMethod[];
}

export interface CoverageFigure {
  readonly method: IntervalMethod;
  /** What the intervals are for: a speedup (a pair of variants) or one variant's time. */
  readonly target: 'speedup' | 'time';
  readonly experiments: number;
  /** Share of the intervals that held the population's value. */
  readonly coverage: number;
  /** The level the intervals claimed (order statistics: what five rounds reach, 93.75%). */
  readonly claimed: number;
  /** The pair (or variant) where the method covered least, and how often. */
  readonly worst: { readonly name: string; readonly coverage: number };
}

const logs = (xs: readonly number[]): number[] => xs.map(Math.log);
const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const varianceOf = (xs: readonly number[]): number => {
  const m = meanOf(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};
const medianOf = (xs: readonly number[]): number => quantileSorted(sortedCopy(xs), 0.5);

/** Welch's t interval of a / b on log scale: the ratio of geometric means. */
export function welchRatio(a: readonly number[], b: readonly number[], level: number): { low: number; high: number } {
  const la = logs(a);
  const lb = logs(b);
  const va = varianceOf(la) / la.length;
  const vb = varianceOf(lb) / lb.length;
  const df = va + vb > 0 ? (va + vb) ** 2 / (va ** 2 / (la.length - 1) + vb ** 2 / (lb.length - 1)) : la.length + lb.length - 2;
  const half = studentTQuantile((1 + level) / 2, df) * Math.sqrt(va + vb);
  const d = meanOf(la) - meanOf(lb);
  return { low: Math.exp(d - half), high: Math.exp(d + half) };
}

/** Student's t interval of one side's log values: its geometric mean. */
export function tInterval(a: readonly number[], level: number): { low: number; high: number } {
  const la = logs(a);
  const half = studentTQuantile((1 + level) / 2, la.length - 1) * Math.sqrt(varianceOf(la) / la.length);
  const m = meanOf(la);
  return { low: Math.exp(m - half), high: Math.exp(m + half) };
}

/** The rounds both variants have, in a fixed order: the population of paired rounds. */
function sharedRounds(a: MeasuredRounds, b: MeasuredRounds): string[] {
  return Object.keys(a.rounds).filter((r) => r in b.rounds).sort((x, y) => Number(x) - Number(y));
}

interface Tally {
  hits: number;
  total: number;
  worst: { name: string; coverage: number };
  claimed: number;
}

function tally(): Tally {
  return { hits: 0, total: 0, worst: { name: '', coverage: Infinity }, claimed: NaN };
}

function record(t: Tally, name: string, hits: number, total: number): void {
  t.hits += hits;
  t.total += total;
  if (hits / total < t.worst.coverage) t.worst = { name, coverage: hits / total };
}

function figure(method: IntervalMethod, target: 'speedup' | 'time', t: Tally, level: number): CoverageFigure {
  return { method, target, experiments: t.total, coverage: t.hits / t.total, claimed: Number.isNaN(t.claimed) ? level : t.claimed, worst: t.worst };
}

/**
 * Coverage of each method's intervals: for speedups, every ordered pair of variants of the same
 * kernel and size (measured in the same rounds); for a variant's own time, every variant. Seeded:
 * the same measured rounds and options give the same figures.
 */
export function simulateCoverage(measured: readonly MeasuredRounds[], options: CoverageOptions): CoverageFigure[] {
  const { rounds, experiments, level, seed, bootstrapResamples } = options;
  const methods = options.methods ?? INTERVAL_METHODS;
  const on = (m: IntervalMethod): boolean => methods.includes(m);
  if (!(Number.isInteger(rounds) && rounds >= 2)) throw new RangeError(`rounds must be an integer >= 2, got ${rounds}`);
  const random = createRandom(seed);
  const speedup = new Map(INTERVAL_METHODS.map((m) => [m, tally()]));
  const time = new Map(INTERVAL_METHODS.map((m) => [m, tally()]));

  for (const a of measured) {
    for (const b of measured) {
      if (a === b || a.run !== b.run || a.kernel !== b.kernel || a.size !== b.size) continue;
      const shared = sharedRounds(a, b);
      if (shared.length < rounds) continue;
      const pa = shared.map((r) => a.rounds[r]);
      const pb = shared.map((r) => b.rounds[r]);
      const truth: Record<IntervalMethod, number> = {
        'order-statistics': medianOf(pa.map((x, i) => x / pb[i])),
        'welch-t': Math.exp(meanOf(logs(pa)) - meanOf(logs(pb))),
        bootstrap: medianOf(pa) / medianOf(pb),
      };
      const hits: Record<IntervalMethod, number> = { 'order-statistics': 0, 'welch-t': 0, bootstrap: 0 };
      for (let e = 0; e < experiments; e++) {
        const picks = Array.from({ length: rounds }, () => random.int(shared.length));
        const xa = picks.map((i) => pa[i]);
        const xb = picks.map((i) => pb[i]);
        if (on('order-statistics')) {
          const os = ratioOfRounds(xa, xb, level);
          speedup.get('order-statistics')!.claimed = os.ciLevel;
          if (os.ciLow <= truth['order-statistics'] && truth['order-statistics'] <= os.ciHigh) hits['order-statistics']++;
        }
        if (on('welch-t')) {
          const w = welchRatio(xa, xb, level);
          if (w.low <= truth['welch-t'] && truth['welch-t'] <= w.high) hits['welch-t']++;
        }
        if (on('bootstrap')) {
          const bs = bootstrapSpeedup(xa.map((x) => [x]), xb.map((x) => [x]), { resamples: bootstrapResamples, level, seed: random.int(2 ** 31) });
          if (bs.ciLow <= truth.bootstrap && truth.bootstrap <= bs.ciHigh) hits.bootstrap++;
        }
      }
      for (const m of methods) record(speedup.get(m)!, `${a.kernel}/${a.size} ${a.variant} over ${b.variant}`, hits[m], experiments);
    }

    const population = Object.values(a.rounds);
    if (population.length < rounds) continue;
    const truth: Record<IntervalMethod, number> = { 'order-statistics': medianOf(population), 'welch-t': Math.exp(meanOf(logs(population))), bootstrap: medianOf(population) };
    const hits: Record<IntervalMethod, number> = { 'order-statistics': 0, 'welch-t': 0, bootstrap: 0 };
    for (let e = 0; e < experiments; e++) {
      const xs = Array.from({ length: rounds }, () => population[random.int(population.length)]);
      if (on('order-statistics')) {
        const os = roundsInterval(xs, level);
        time.get('order-statistics')!.claimed = os.level;
        if (os.low <= truth['order-statistics'] && truth['order-statistics'] <= os.high) hits['order-statistics']++;
      }
      if (on('welch-t')) {
        const t = tInterval(xs, level);
        if (t.low <= truth['welch-t'] && truth['welch-t'] <= t.high) hits['welch-t']++;
      }
      if (on('bootstrap')) {
        // The bootstrap of one side's median: a ratio over a constant 1 does it with the same code.
        const bs = bootstrapSpeedup(xs.map((x) => [x]), [[1]], { resamples: bootstrapResamples, level, seed: random.int(2 ** 31) });
        if (bs.ciLow <= truth.bootstrap && truth.bootstrap <= bs.ciHigh) hits.bootstrap++;
      }
    }
    for (const m of methods) record(time.get(m)!, `${a.kernel}/${a.size} ${a.variant}`, hits[m], experiments);
  }
  return [...methods.map((m) => figure(m, 'speedup', speedup.get(m)!, level)), ...methods.map((m) => figure(m, 'time', time.get(m)!, level))];
}
