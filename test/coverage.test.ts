// Intervals that keep their promise: hotbench's intervals over rounds (order statistics of the
// per-round values) cover what they estimate as often as they claim, on round-to-round spreads
// measured on this project's machine (test/fixtures/round-spread.json, made by `npm run coverage --
// --extract`), at the default 5 rounds. A seeded simulation of thousands of experiments; the README's
// "Statistics" quotes the same figures (npm run coverage).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulateCoverage, welchRatio, type MeasuredRounds } from '../bench/stats/coverage.js';
import { ratioOfRounds, roundsInterval } from '../bench/stats/rounds.js';

const spreads = JSON.parse(readFileSync(new URL('./fixtures/round-spread.json', import.meta.url), 'utf8')) as { cells: MeasuredRounds[] };

describe('coverage of the intervals over rounds, on measured spreads', () => {
  const figures = simulateCoverage(spreads.cells, { rounds: 5, experiments: 80, level: 0.95, seed: 7, bootstrapResamples: 100, methods: ['order-statistics', 'welch-t'] });
  const of = (method: string, target: string) => figures.find((f) => f.method === method && f.target === target)!;

  it('uses enough measured rounds and simulated experiments', () => {
    expect(spreads.cells.length).toBeGreaterThanOrEqual(20);
    for (const c of spreads.cells) expect(Object.keys(c.rounds).length).toBeGreaterThanOrEqual(20);
    expect(of('order-statistics', 'speedup').experiments).toBeGreaterThanOrEqual(2000);
    expect(of('order-statistics', 'time').experiments).toBeGreaterThanOrEqual(2000);
  });

  it('claims what five rounds can reach, 93.75%, and covers that often: within 2 points of the 95% asked for', () => {
    for (const target of ['speedup', 'time']) {
      const f = of('order-statistics', target);
      expect(f.claimed).toBeCloseTo(1 - 2 / 32, 10);
      expect(Math.abs(f.coverage - 0.95), target).toBeLessThanOrEqual(0.02);
      expect(Math.abs(f.coverage - f.claimed), target).toBeLessThanOrEqual(0.02);
    }
  });

  it("shows why not Welch's t: on the same spreads it covers well under its 95%", () => {
    expect(of('welch-t', 'speedup').coverage).toBeLessThan(0.93);
  });
});

describe('the intervals themselves', () => {
  it('take the median of the per-round values, and min to max with five rounds at 93.75%', () => {
    const r = roundsInterval([5, 1, 4, 2, 3]);
    expect(r).toEqual({ center: 3, low: 1, high: 5, level: 1 - 2 / 32, rounds: 5 });
  });

  it('reach the requested level from six rounds, with order statistics inside the range as rounds grow', () => {
    expect(roundsInterval([1, 2, 3, 4, 5, 6]).level).toBe(0.95);
    const many = Array.from({ length: 30 }, (_, i) => i + 1);
    const r = roundsInterval(many);
    expect(r.level).toBe(0.95);
    // Binomial(30, 1/2): ranks 10 and 21 (1-based) are the narrowest symmetric pair reaching 95%.
    expect([r.low, r.high]).toEqual([10, 21]);
  });

  it('give no interval with one round', () => {
    expect(roundsInterval([7])).toEqual({ center: 7, low: 7, high: 7, level: 0, rounds: 1 });
  });

  it('pair rounds by their number for a ratio, and take the median of the per-round ratios', () => {
    const base = new Map([[0, 10], [1, 20], [2, 40], [3, 10], [4, 10]]);
    const head = new Map([[4, 5], [0, 5], [1, 10], [2, 20], [3, 5], [9, 1]]);
    expect(ratioOfRounds(base, head)).toEqual({ ratio: 2, ciLow: 2, ciHigh: 2, ciLevel: 1 - 2 / 32 });
  });

  it('refuse rounds that are not positive durations', () => {
    expect(() => roundsInterval([1, 0, 2])).toThrow(RangeError);
    expect(() => ratioOfRounds([1, 2], [1, NaN])).toThrow(RangeError);
    expect(() => roundsInterval([])).toThrow(RangeError);
  });

  it("computes Welch's interval around the ratio of geometric means", () => {
    const w = welchRatio([1, 2, 4], [1, 1, 1], 0.95);
    expect(Math.sqrt(w.low * w.high)).toBeCloseTo(2, 12);
  });
});
