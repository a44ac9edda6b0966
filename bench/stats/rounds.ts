// Intervals over rounds. A round is one child process; its samples share the process's JIT
// decisions, memory layout and CPU placement, so the samples of one round are not independent draws
// of the quantity a user asks about ("how long does a call take?"), and the processes are. Each
// round is therefore reduced to one value (its median time, or a ratio of two variants' medians in
// that round), and the intervals come from those few, independent per-round values.
//
// The interval is the distribution-free one for a median: order statistics, whose coverage follows
// from the binomial distribution alone, whatever the shape of the per-round values. That matters:
// measured per-round times are skewed, bimodal (memory layout) and now and then far off (a round
// that shared the machine), and with five rounds a t interval or a bootstrap of five values covers
// far less than it claims on such data (bench/stats/coverage.ts measures all three on measured
// spreads; README "Statistics"). The price is honesty about the level: five rounds can promise
// 93.75% (min to max), not 95%, and the level reported is the one reached.

import type { RatioEstimate } from '../types.js';
import { sortedCopy, quantileSorted } from './descriptive.js';
import { medianConfidenceInterval } from './median-ci.js';

/** A per-round center with its interval; `level` is what the interval reaches (0: no interval). */
export interface RoundsInterval {
  /** The median of the per-round values. */
  readonly center: number;
  readonly low: number;
  readonly high: number;
  /** The requested level when the rounds reach it, else the (lower) level they do reach. */
  readonly level: number;
  readonly rounds: number;
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

function checkValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what}: no rounds`);
  values.forEach((v, i) => {
    // Durations or ratios of durations: a zero, negative or non-finite one means something broke.
    if (!(v > 0 && v < Infinity)) throw new RangeError(`${what}: round ${i} is not a positive finite number: ${v}`);
  });
}

/**
 * The median of per-round values with its distribution-free interval: order statistics of the
 * rounds, at `level` when there are enough of them (6 rounds for 95%), else min to max at the
 * level that reaches (5 rounds: 93.75%; one round: the point, level 0).
 */
export function roundsInterval(values: readonly number[], level = 0.95): RoundsInterval {
  checkLevel(level);
  checkValues(values, 'roundsInterval');
  const sorted = sortedCopy(values);
  const ci = medianConfidenceInterval(sorted, level);
  return { center: quantileSorted(sorted, 0.5), low: ci.low, high: ci.high, level: ci.level, rounds: values.length };
}

/**
 * numerator / denominator, round by round: each round's ratio of the two (measured in the same round,
 * where the rounds carry the same numbers, so that whatever slowed that round slowed both), then the
 * median of those ratios with its distribution-free interval (roundsInterval). Rounds are paired by
 * their number; when no numbers are shared (two separate runs), by position, which pairs
 * independent draws: still a valid interval, of the typical ratio of two such draws.
 */
export function ratioOfRounds(
  numerator: ReadonlyMap<number, number> | readonly number[],
  denominator: ReadonlyMap<number, number> | readonly number[],
  level = 0.95,
): RatioEstimate {
  checkLevel(level);
  const ratios = pairedRatios(numerator, denominator);
  const interval = roundsInterval(ratios, level);
  return { ratio: interval.center, ciLow: interval.low, ciHigh: interval.high, ciLevel: interval.level };
}

/** The per-round ratios numerator/denominator, paired as ratioOfRounds describes. */
export function pairedRatios(numerator: ReadonlyMap<number, number> | readonly number[], denominator: ReadonlyMap<number, number> | readonly number[]): number[] {
  const a = asMap(numerator);
  const b = asMap(denominator);
  checkValues([...a.values()], 'ratioOfRounds numerator');
  checkValues([...b.values()], 'ratioOfRounds denominator');
  const shared = [...a.keys()].filter((round) => b.has(round));
  if (shared.length > 0) return shared.map((round) => a.get(round)! / b.get(round)!);
  const av = [...a.values()];
  const bv = [...b.values()];
  return av.slice(0, Math.min(av.length, bv.length)).map((v, i) => v / bv[i]);
}

function asMap(values: ReadonlyMap<number, number> | readonly number[]): ReadonlyMap<number, number> {
  return Array.isArray(values) ? new Map(values.map((v, i) => [i, v])) : (values as ReadonlyMap<number, number>);
}
