// The arithmetic of the gate's power study (scripts/gate-power.ts, `npm run gate:power`): alarm
// rates with their confidence intervals, and the same trials re-decided at other thresholds. A
// verdict's ratio and p-value do not depend on the threshold, so one campaign answers for every
// threshold without measuring again.

import { decide } from '../analysis/compare.js';
import type { FactorSummary, PowerTrial, RateEstimate } from '../types.js';

/** Wilson score interval for k successes in n trials (z = 1.96: 95%). Sensible at k = 0 and k = n. */
export function wilson(k: number, n: number, z = 1.959963984540054): RateEstimate {
  if (n === 0) return { alarms: 0, trials: 0, rate: Number.NaN, low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  // At k = 0 (k = n) the bound is exactly 0 (1); computed, it would be off by rounding.
  return { alarms: k, trials: n, rate: p, low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Did this trial's gate fire, at `threshold` (the gate's own threshold when undefined)? A regression
 * is any compared cell slower; an invalid variant counts too, as it fails the gate.
 */
export function alarmed(trial: PowerTrial, threshold?: number): boolean {
  const { comparison } = trial.verdict;
  return comparison.cells.some((cell) => {
    if (cell.verdict === 'invalid') return true;
    if (threshold === undefined || cell.ratio === null || cell.pValue === null) return cell.verdict === 'slower';
    return decide(cell.ratio.ratio, cell.pValue, comparison.settings.alpha, threshold).verdict === 'slower';
  });
}

function medianOf(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per factor (0 = A/A): how often the gate fired, the realised slowdown, and how long gates took. */
export function summarizeTrials(trials: readonly PowerTrial[], threshold?: number): FactorSummary[] {
  const factors = [...new Set(trials.map((t) => t.factor))].sort((a, b) => a - b);
  return factors.map((factor) => {
    const mine = trials.filter((t) => t.factor === factor);
    const ratios = mine.flatMap((t) => t.verdict.comparison.cells.flatMap((c) => (c.ratio ? [c.ratio.ratio] : [])));
    const walls = mine.map((t) => t.wallMs);
    return {
      factor,
      alarms: wilson(mine.filter((t) => alarmed(t, threshold)).length, mine.length),
      realisedRatio: medianOf(ratios),
      medianWallMs: medianOf(walls),
      maxWallMs: Math.max(...walls),
      medianMeasureMs: medianOf(mine.map((t) => t.verdict.durations.measureMs)),
      medianLoad: medianOf(mine.flatMap((t) => (t.loadAverage === undefined ? [] : [t.loadAverage]))),
    };
  });
}

/**
 * The kind of the next trial (0 = A/A, else the slowdown factor), or null when every kind has its
 * trials. Kinds advance in proportion to their targets, the least advanced first (ties: A/A, then
 * the smaller factor), so that the kinds stay interleaved however the targets differ and wherever
 * a campaign is stopped or resumed: a change in the machine's state falls on every kind alike.
 */
export function nextTrialKind(done: readonly number[], targets: ReadonlyMap<number, number>): number | null {
  let best: { factor: number; progress: number } | null = null;
  for (const [factor, target] of [...targets.entries()].sort((a, b) => a[0] - b[0])) {
    const count = done.filter((f) => f === factor).length;
    if (count >= target) continue;
    const progress = count / target;
    if (best === null || progress < best.progress) best = { factor, progress };
  }
  return best?.factor ?? null;
}
