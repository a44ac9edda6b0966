import { describe, it, expect } from 'vitest';
import { createRandom } from '../bench/random.js';
import {
  bootstrapSpeedup,
  classifyOutliers,
  mad,
  mean,
  median,
  medianCiRank,
  medianConfidenceInterval,
  quantileSorted,
  selectInPlace,
  selectMedianInPlace,
  sortedCopy,
  summarize,
} from '../bench/stats/index.js';
import { exactUSf, mannWhitneyU, normalSf, type MannWhitneyOptions } from '../bench/stats/mann-whitney.js';

// Expected values below were computed once with python3 (numpy 2.4.6, scipy 1.17.1) and pasted as
// literals; the tests never run Python.

const ODD = [3.2, 1.5, 9.75, 4.0, 4.0, 2.25, 7.125, 11.5, 0.5, 6.0, 5.5];
const EVEN = [12.0, 7.5, 3.25, 8.0, 15.5, 1.0, 9.0, 4.75, 6.5, 10.0];
const PS = [0, 0.1, 0.25, 1 / 3, 0.5, 0.9, 0.975, 1];

/** Rounds of log-normal timings: each round (process) gets its own level, as JIT luck does. */
function roundsOf(
  seed: number,
  rounds: number,
  perRound: number,
  centerNs: number,
  betweenSd: number,
  withinSd: number,
): number[][] {
  const rng = createRandom(seed);
  return Array.from({ length: rounds }, () => {
    const level = centerNs * Math.exp(betweenSd * rng.normal());
    return Array.from({ length: perRound }, () => level * Math.exp(withinSd * rng.normal()));
  });
}

describe('descriptive', () => {
  it('quantileSorted matches numpy.quantile (type 7)', () => {
    // [float(np.quantile(x, p)) for p in PS]
    const odd = [0.5, 1.5, 2.725, 3.466666666666667, 4.0, 9.75, 11.0625, 11.5];
    const even = [1.0, 3.025, 5.1875, 6.5, 7.75, 12.349999999999998, 14.712500000000002, 15.5];
    const so = sortedCopy(ODD);
    const se = sortedCopy(EVEN);
    PS.forEach((p, i) => {
      expect(quantileSorted(so, p)).toBeCloseTo(odd[i], 12);
      expect(quantileSorted(se, p)).toBeCloseTo(even[i], 12);
    });
  });

  it('quantileSorted rejects empty input and probabilities outside [0, 1]', () => {
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantileSorted([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantileSorted([1, 2], Number.NaN)).toThrow(RangeError);
  });

  it('quantileSorted returns an exact order statistic next to an infinity', () => {
    expect(quantileSorted([1, 2, Infinity], 0.5)).toBe(2);
  });

  it('sortedCopy sorts numerically and leaves its input alone', () => {
    const xs = [10, 9, 100, 1];
    expect(Array.from(sortedCopy(xs))).toEqual([1, 9, 10, 100]);
    expect(xs).toEqual([10, 9, 100, 1]);
  });

  it('median, mean and MAD match numpy / scipy', () => {
    // np.median, np.mean, scipy.stats.median_abs_deviation(x, scale=1.0)
    expect(median(ODD)).toBe(4.0);
    expect(median(EVEN)).toBe(7.75);
    expect(mean(ODD)).toBeCloseTo(5.029545454545455, 12);
    expect(mean(EVEN)).toBeCloseTo(7.75, 12);
    expect(mad(ODD)).toBe(2.0);
    expect(mad(EVEN)).toBe(2.625);
    expect(() => median([])).toThrow(RangeError);
    expect(() => mean([])).toThrow(RangeError);
    expect(() => mad([])).toThrow(RangeError);
  });

  it('median does not reorder its input', () => {
    const xs = [5, 1, 4, 2, 3];
    median(xs);
    expect(xs).toEqual([5, 1, 4, 2, 3]);
  });

  it('quickselect agrees with sorting, ties included, and partitions around k', () => {
    const rng = createRandom(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(60);
      // Few distinct values half of the time: quantised timers produce long runs of ties.
      const distinct = trial % 2 === 0 ? 3 : 1000;
      const xs = Array.from({ length: n }, () => rng.int(distinct));
      const expected = quantileSorted(sortedCopy(xs), 0.5);
      expect(selectMedianInPlace(Float64Array.from(xs), n)).toBe(expected);

      const k = rng.int(n);
      const a = Float64Array.from(xs);
      const kth = selectInPlace(a, n, k);
      expect(kth).toBe(sortedCopy(xs)[k]);
      for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(kth);
      for (let i = k + 1; i < n; i++) expect(a[i]).toBeGreaterThanOrEqual(kth);
    }
  });

  it('selectMedianInPlace only looks at the first n values', () => {
    const a = Float64Array.from([3, 1, 2, -100, -100, -100]);
    expect(selectMedianInPlace(a, 3)).toBe(2);
    expect(() => selectMedianInPlace(a, 0)).toThrow(RangeError);
  });
});

describe('medianConfidenceInterval', () => {
  // Ranks j, k = n + 1 - j (1-based): largest j with scipy.stats.binom.cdf(j - 1, n, 0.5) <= (1 - level) / 2.
  // Cross-checked with scipy.stats.quantile_test(x, q=0).confidence_interval(0.95) for n = 10, 50, 1000.
  const cases: [n: number, level: number, j: number][] = [
    [6, 0.95, 1], // coverage 0.96875
    [10, 0.95, 2], // coverage 0.978515625; j = 3 would give 0.890625
    [10, 0.99, 1],
    [50, 0.95, 18], // coverage 0.96716; j = 19 would give 0.93509
    [50, 0.99, 16],
    [1000, 0.95, 469], // coverage 0.95371; j = 470 would give 0.94632
    [1000, 0.99, 459],
  ];
  for (const [n, level, j] of cases) {
    it(`n = ${n} at ${level}: ranks ${j} and ${n + 1 - j}`, () => {
      const sorted = Float64Array.from({ length: n }, (_, i) => i + 1);
      const ci = medianConfidenceInterval(sorted, level);
      expect(ci).toEqual({ low: j, high: n + 1 - j, level });
    });
  }

  it('n = 1e6 does not overflow (scipy: j = 499020)', () => {
    expect(medianCiRank(1_000_000, 0.95)).toBe(499_020);
  });

  it('defaults to 95 %', () => {
    const sorted = Float64Array.from({ length: 50 }, (_, i) => 10 * i);
    expect(medianConfidenceInterval(sorted)).toEqual({ low: 170, high: 320, level: 0.95 });
  });

  it('too few samples: min and max with the level actually achieved', () => {
    // n = 5: 1 - 2 * binom.cdf(0, 5, 0.5) = 0.9375
    expect(medianConfidenceInterval([1, 2, 3, 4, 5], 0.95)).toEqual({ low: 1, high: 5, level: 0.9375 });
    expect(medianConfidenceInterval([42], 0.95)).toEqual({ low: 42, high: 42, level: 0 });
  });

  it('rejects empty samples and levels outside (0, 1)', () => {
    expect(() => medianConfidenceInterval([], 0.95)).toThrow(RangeError);
    expect(() => medianConfidenceInterval([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => medianConfidenceInterval([1, 2, 3], 0)).toThrow(RangeError);
  });
});

describe('classifyOutliers', () => {
  it('counts mild and severe outliers on both sides (numpy fences)', () => {
    // 100..119 plus 96.5 (inside), 80 (low mild), 40 (low severe), 140 and 142 (high mild),
    // 200 (high severe). np.quantile(x, [.25, .75]) = 103.25, 115.75, IQR 12.5.
    const xs = [...Array.from({ length: 20 }, (_, i) => 100 + i), 40, 80, 140, 142, 200, 96.5];
    const result = classifyOutliers(sortedCopy(xs));
    expect(result.lowSevere).toBe(1);
    expect(result.lowMild).toBe(1);
    expect(result.highMild).toBe(2);
    expect(result.highSevere).toBe(1);
    expect(result.fences.lowSevere).toBeCloseTo(65.75, 12);
    expect(result.fences.lowMild).toBeCloseTo(84.5, 12);
    expect(result.fences.highMild).toBeCloseTo(134.5, 12);
    expect(result.fences.highSevere).toBeCloseTo(153.25, 12);
  });

  it('a value exactly on a fence is not beyond it', () => {
    // 1..8: Q1 = 2.75, Q3 = 6.25, IQR 3.5, high mild fence 11.5; 11.5 itself raises Q3 a little,
    // so check the fence from the result rather than assume it.
    const base = [1, 2, 3, 4, 5, 6, 7, 8];
    const { fences } = classifyOutliers(sortedCopy(base));
    const withEdge = classifyOutliers(sortedCopy([...base, ...base, fences.highMild]));
    expect(withEdge.fences.highMild).toBeGreaterThanOrEqual(fences.highMild);
    expect(withEdge.highMild + withEdge.highSevere).toBe(0);
  });

  it('rejects an empty sample', () => {
    expect(() => classifyOutliers([])).toThrow(RangeError);
  });
});

describe('summarize', () => {
  const xs = [
    1050, 1012, 998, 1005, 1100, 1001, 995, 1020, 1003, 2500, 1008, 999, 1015, 1002, 990, 1011, 1006,
    1000, 997, 1030,
  ];

  it('matches numpy / scipy on a known sample of one round: no interval from one process', () => {
    // np.median 1005.5; median_abs_deviation 7.0; np.mean 1087.1; fences 950.25 / 975 / 1041 /
    // 1065.75 -> 1050 high mild, 1100 and 2500 high severe.
    expect(summarize(xs)).toEqual({
      n: 20,
      medianNs: 1005.5,
      ciLowNs: 1005.5,
      ciHighNs: 1005.5,
      ciLevel: 0,
      madNs: 7,
      meanNs: expect.closeTo(1087.1, 10),
      minNs: 990,
      maxNs: 2500,
      outliers: { lowSevere: 0, lowMild: 0, highMild: 1, highSevere: 2 },
    });
  });

  it('takes the time and its interval from the rounds: the median of the round medians, min to max of five', () => {
    // Five rounds of four: np.median of each 1008.5, 1010.5, 1005.5, 1006.5, 1003.0; their median
    // 1006.5, min 1003, max 1010.5 (order statistics of five reach 1 - 2/32).
    const s = summarize(xs, 0.95, [4, 4, 4, 4, 4]);
    expect(s).toMatchObject({ n: 20, medianNs: 1006.5, ciLowNs: 1003, ciHighNs: 1010.5, ciLevel: 1 - 2 / 32, madNs: 7, minNs: 990, maxNs: 2500 });
  });

  it('passes the level on and reports a lower one when there are too few rounds', () => {
    expect(summarize([3, 1, 2], 0.9, [1, 1, 1]).ciLevel).toBe(0.75);
    expect(summarize(Array.from({ length: 40 }, (_, i) => i + 1), 0.9, Array.from({ length: 40 }, () => 1)).ciLevel).toBe(0.9);
  });

  it('rejects no samples and non-finite samples', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([1, Number.NaN, 3])).toThrow(RangeError);
    expect(() => summarize([1, Infinity])).toThrow(RangeError);
  });
});

describe('bootstrapSpeedup', () => {
  // Four rounds of 15 per side with between-round spread, generated once with numpy
  // (default_rng(12345)) and rounded to 0.1 ns.
  const BASE = [
    [950.5, 854.3, 880.9, 889.0, 859.9, 833.4, 921.8, 908.6, 809.3, 1003.5, 936.6, 859.1, 933.5, 871.7, 889.6],
    [1000.3, 1096.3, 1142.3, 1137.9, 1049.3, 1114.3, 982.2, 1056.7, 1089.4, 995.9, 1060.8, 1161.1, 1214.1, 1107.4, 1110.2],
    [871.8, 863.0, 951.6, 961.6, 896.1, 871.0, 938.2, 940.8, 920.1, 986.9, 921.9, 923.1, 876.2, 932.5, 990.7],
    [1008.5, 1026.9, 1018.9, 1031.9, 1032.2, 1036.5, 965.7, 1020.1, 927.5, 1018.4, 943.5, 1001.3, 1029.0, 984.3, 1009.8],
  ];
  const VAR = [
    [672.2, 726.2, 662.3, 724.8, 654.6, 670.5, 664.2, 701.9, 720.6, 665.2, 695.3, 760.9, 690.6, 673.6, 715.3],
    [758.7, 718.3, 818.6, 763.7, 785.8, 745.1, 838.7, 815.8, 825.3, 781.5, 804.4, 821.6, 827.1, 798.2, 783.4],
    [748.8, 740.7, 791.4, 767.9, 703.5, 771.3, 819.8, 766.7, 708.5, 772.5, 808.4, 785.2, 760.9, 852.6, 854.8],
    [826.7, 809.5, 825.4, 853.5, 827.0, 797.2, 768.2, 762.1, 792.7, 841.0, 805.7, 795.8, 804.0, 795.1, 815.7],
  ];
  const opts = { resamples: 2000, level: 0.95, seed: 1 };

  it('ratio is the ratio of pooled medians (numpy)', () => {
    // np.median([100,104,98,101,110,107,109,99,103,105,97,102]) / np.median([51,49.5,50,55,53,54,52.5,48])
    // = 102.5 / 51.75
    const s = bootstrapSpeedup(
      [[100, 104, 98, 101], [110, 107, 109], [99, 103, 105, 97, 102]],
      [[51, 49.5, 50], [55, 53, 54, 52.5], [48]],
      opts,
    );
    expect(s.ratio).toBeCloseTo(1.9806763285024154, 12);
    // On BASE / VAR: np.median(np.concatenate(BASE)) / np.median(np.concatenate(VAR))
    expect(bootstrapSpeedup(BASE, VAR, opts).ratio).toBeCloseTo(1.2534749034749035, 12);
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = bootstrapSpeedup(BASE, VAR, opts);
    const b = bootstrapSpeedup(BASE, VAR, opts);
    const c = bootstrapSpeedup(BASE, VAR, { ...opts, seed: 2 });
    expect(b).toEqual(a);
    expect(c.ratio).toBe(a.ratio);
    expect([c.ciLow, c.ciHigh]).not.toEqual([a.ciLow, a.ciHigh]);
  });

  it('hierarchical CI matches an independent numpy implementation', () => {
    // Same algorithm in numpy (rounds with replacement, then samples with replacement within each
    // drawn round, median of the pool, ratio), 200 000 resamples, np.quantile(ratios, [.025, .975]):
    // [1.14502205, 1.42211995]. 20 000-resample numpy runs with five seeds vary by under 0.3 %.
    const s = bootstrapSpeedup(BASE, VAR, { resamples: 20_000, level: 0.95, seed: 11 });
    expect(Math.abs(s.ciLow / 1.14502205 - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.ciHigh / 1.42211995 - 1)).toBeLessThan(0.01);
    expect(s.ciLevel).toBe(0.95);
  });

  it('a single round is the ordinary bootstrap (numpy)', () => {
    // Round 3 of each side alone; numpy ordinary bootstrap of the ratio of medians, 1 000 000
    // resamples: ratio 1.1968105795410346, CI [1.13747255, 1.23643054].
    const s = bootstrapSpeedup([BASE[2]], [VAR[2]], { resamples: 20_000, level: 0.95, seed: 3 });
    expect(s.ratio).toBeCloseTo(1.1968105795410346, 12);
    expect(Math.abs(s.ciLow / 1.13747255 - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.ciHigh / 1.23643054 - 1)).toBeLessThan(0.01);
  });

  it('the CI contains the ratio', () => {
    const s = bootstrapSpeedup(BASE, VAR, opts);
    expect(s.ciLow).toBeLessThan(s.ratio);
    expect(s.ciHigh).toBeGreaterThan(s.ratio);
  });

  it('a variant clearly 2x faster has a CI that excludes 1', () => {
    const base = roundsOf(101, 5, 200, 1000, 0.05, 0.1);
    const variant = roundsOf(202, 5, 200, 500, 0.05, 0.1);
    const s = bootstrapSpeedup(base, variant, opts);
    expect(s.ciLow).toBeGreaterThan(1);
    expect(s.ciLow).toBeGreaterThan(1.6);
    expect(s.ciHigh).toBeLessThan(2.5);
  });

  it('a variant clearly 2x slower has a CI below 1', () => {
    const base = roundsOf(101, 5, 200, 500, 0.05, 0.1);
    const variant = roundsOf(202, 5, 200, 1000, 0.05, 0.1);
    const s = bootstrapSpeedup(base, variant, opts);
    expect(s.ciHigh).toBeLessThan(1);
  });

  it('identical distributions give a CI that contains 1', () => {
    const base = roundsOf(303, 5, 200, 1000, 0.05, 0.1);
    const variant = roundsOf(404, 5, 200, 1000, 0.05, 0.1);
    const s = bootstrapSpeedup(base, variant, opts);
    expect(s.ciLow).toBeLessThan(1);
    expect(s.ciHigh).toBeGreaterThan(1);
  });

  it('the CI narrows with more rounds', () => {
    const width = (rounds: number) => {
      const s = bootstrapSpeedup(
        roundsOf(505, rounds, 100, 1000, 0.05, 0.1),
        roundsOf(606, rounds, 100, 800, 0.05, 0.1),
        opts,
      );
      return s.ciHigh - s.ciLow;
    };
    // Between-round spread dominates, so width goes roughly as 1/sqrt(rounds): 3 -> 30 is ~3x.
    expect(width(30)).toBeLessThan(0.6 * width(3));
  });

  it('between-round spread widens the CI compared with pooling everything into one round', () => {
    const base = roundsOf(707, 5, 200, 1000, 0.1, 0.05);
    const variant = roundsOf(808, 5, 200, 1000, 0.1, 0.05);
    const hier = bootstrapSpeedup(base, variant, opts);
    const flat = bootstrapSpeedup([base.flat()], [variant.flat()], opts);
    expect(flat.ratio).toBe(hier.ratio);
    expect(hier.ciHigh - hier.ciLow).toBeGreaterThan(3 * (flat.ciHigh - flat.ciLow));
  });

  it('ignores empty rounds', () => {
    const a = bootstrapSpeedup(BASE, VAR, opts);
    const b = bootstrapSpeedup([[], ...BASE, []], [VAR[0], [], VAR[1], VAR[2], VAR[3]], opts);
    expect(b).toEqual(a);
  });

  it('reports the requested level and widens with it', () => {
    const s90 = bootstrapSpeedup(BASE, VAR, { ...opts, level: 0.9 });
    const s99 = bootstrapSpeedup(BASE, VAR, { ...opts, level: 0.99 });
    expect(s90.ciLevel).toBe(0.9);
    expect(s99.ciLevel).toBe(0.99);
    expect(s99.ciHigh - s99.ciLow).toBeGreaterThan(s90.ciHigh - s90.ciLow);
  });

  it('rejects missing samples, non-positive samples and bad options', () => {
    expect(() => bootstrapSpeedup([], VAR, opts)).toThrow(RangeError);
    expect(() => bootstrapSpeedup(BASE, [[], []], opts)).toThrow(RangeError);
    expect(() => bootstrapSpeedup([[1, 0, 2]], VAR, opts)).toThrow(RangeError);
    expect(() => bootstrapSpeedup([[1, Number.NaN]], VAR, opts)).toThrow(RangeError);
    expect(() => bootstrapSpeedup(BASE, VAR, { ...opts, resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapSpeedup(BASE, VAR, { ...opts, resamples: 1.5 })).toThrow(RangeError);
    expect(() => bootstrapSpeedup(BASE, VAR, { ...opts, level: 1 })).toThrow(RangeError);
  });
});

describe('bootstrapSpeedup against the exact bootstrap distribution', () => {
  // With one sample per round the hierarchical bootstrap is the ordinary one. The distribution of
  // the median of a resample of n (odd) values is exact: P(median <= x_(k)) = P(Bin(n, k/n) >= (n+1)/2),
  // so the percentile interval of median(head)/median(base) was computed exactly with python3
  // (scipy.stats.binom) over all pairs of order statistics, and pasted here.
  const BASE11 = [103.0, 98.5, 101.2, 99.9, 104.7, 100.4, 97.8, 102.3, 100.9, 99.1, 101.8];
  const HEAD11 = [104.9, 106.2, 103.1, 107.5, 105.0, 102.8, 108.3, 104.4, 106.9, 105.6, 103.7];
  const single = (xs: number[]) => xs.map((x) => [x]);

  it('matches the exact 2.5% and 97.5% points of the ratio of medians', () => {
    const s = bootstrapSpeedup(single(HEAD11), single(BASE11), { resamples: 20000, level: 0.95, seed: 3 });
    expect(s.ratio).toBeCloseTo(1.0406342913776014, 12);
    // Exact quantiles fall between the support points 1.02390 | 1.02470 and 1.06559 | 1.06599.
    expect(Math.abs(s.ciLow - 1.0247)).toBeLessThan(0.0015);
    expect(Math.abs(s.ciHigh - 1.0656)).toBeLessThan(0.0015);
  });

  it('and the exact 0.5% and 99.5% points', () => {
    const s = bootstrapSpeedup(single(HEAD11), single(BASE11), { resamples: 20000, level: 0.99, seed: 4 });
    // Exact: between 1.01581 | 1.01845 and 1.07164 | 1.07208.
    expect(Math.abs(s.ciLow - 1.0184)).toBeLessThan(0.003);
    expect(Math.abs(s.ciHigh - 1.0721)).toBeLessThan(0.002);
  });
});

describe('mannWhitneyU against scipy.stats.mannwhitneyu', () => {
  // [float(v) for v in mannwhitneyu(x, y, alternative=..., method=..., use_continuity=...)]
  // with scipy 1.17.1; U is the statistic of x.
  const CASES: Record<string, readonly [number[], number[]]> = {
    smallExact: [[1.1, 2.4, 3.9, 0.7, 5.2], [4.1, 6.3, 7.7, 5.9, 8.4, 3.3]],
    ties: [[1, 2, 2, 3, 3, 3, 4, 5, 9, 9], [2, 3, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11]],
    large: [
      [100.0, 107.0, 102.5, 109.5, 105.0, 100.5, 107.5, 103.0, 110.0, 105.5, 101.0, 108.0, 103.5, 110.5, 106.0, 101.5, 108.5, 104.0, 111.0, 106.5],
      [101.5, 113.5, 111.0, 108.5, 106.0, 103.5, 115.5, 113.0, 110.5, 108.0, 105.5, 103.0, 115.0, 112.5, 110.0, 107.5, 105.0, 102.5, 114.5, 112.0],
    ],
    separated8: [[0, 1, 2, 3, 4, 5, 6, 7], [100, 101, 102, 103, 104, 105, 106, 107]],
    smallTies: [[1, 1, 2], [1, 2, 3, 3]],
  };
  type Row = readonly [keyof typeof CASES, MannWhitneyOptions, number, number];
  const EXPECTED: readonly Row[] = [
    ['smallExact', { alternative: 'two-sided' }, 3.0, 0.030303030303030304],
    ['smallExact', { alternative: 'less' }, 3.0, 0.015151515151515152],
    ['smallExact', { alternative: 'greater' }, 3.0, 0.9913419913419913],
    ['smallExact', { method: 'asymptotic' }, 3.0, 0.03576376659097789],
    ['smallExact', { method: 'asymptotic', continuity: false }, 3.0, 0.028459736916310565],
    ['ties', { alternative: 'two-sided' }, 32.0, 0.06789407672171735],
    ['ties', { alternative: 'less' }, 32.0, 0.033947038360858675],
    ['ties', { alternative: 'greater' }, 32.0, 0.9707610792484487],
    ['ties', { method: 'exact' }, 32.0, 0.06915066357790817],
    ['ties', { method: 'asymptotic', continuity: false }, 32.0, 0.06304075947199646],
    ['large', { alternative: 'two-sided' }, 112.5, 0.01853297487702655],
    ['large', { alternative: 'less' }, 112.5, 0.009266487438513275],
    ['large', { alternative: 'greater' }, 112.5, 0.9913872924094489],
    ['large', { method: 'exact' }, 112.5, 0.018093578658457506],
    ['large', { method: 'asymptotic', continuity: false }, 112.5, 0.017868718844609117],
    ['separated8', { alternative: 'two-sided' }, 0.0, 0.0001554001554001554],
    ['separated8', { alternative: 'less' }, 0.0, 7.77000777000777e-5],
    ['separated8', { alternative: 'greater' }, 0.0, 1.0],
    ['separated8', { method: 'asymptotic' }, 0.0, 0.0009391056991171899],
    ['smallTies', { alternative: 'two-sided' }, 2.5, 0.26165109058823666],
    ['smallTies', { alternative: 'less' }, 2.5, 0.13082554529411833],
    ['smallTies', { alternative: 'greater' }, 2.5, 0.9327595099280924],
    ['smallTies', { method: 'asymptotic', continuity: false }, 2.5, 0.1903379290634306],
  ];

  it.each(EXPECTED)('%s %j', (name, options, u, p) => {
    const [x, y] = CASES[name];
    const r = mannWhitneyU(x, y, options);
    expect(r.u).toBe(u);
    expect(r.p).toBeCloseTo(p, 12);
    expect(Math.abs(r.p - p) / p).toBeLessThan(1e-9);
  });

  it('chooses exact for small samples without ties, asymptotic otherwise (as scipy)', () => {
    expect(mannWhitneyU(...CASES.smallExact).method).toBe('exact');
    expect(mannWhitneyU(...CASES.smallTies).method).toBe('asymptotic');
    expect(mannWhitneyU(...CASES.large).method).toBe('asymptotic');
  });

  it('the exact distribution is symmetric and sums to one', () => {
    // P(U >= 0) = 1; P(U >= mn/2 + k) = P(U <= mn/2 - k).
    expect(exactUSf(0, 6, 9)).toBe(1);
    expect(exactUSf(55, 6, 9)).toBe(0);
    for (let u = 1; u <= 54; u++) expect(exactUSf(u, 6, 9) + exactUSf(54 - u + 1, 6, 9)).toBeCloseTo(1, 12);
    // scipy.stats.mannwhitneyu(range(8), range(100, 108), alternative='less').pvalue = 1 / C(16, 8)
    expect(exactUSf(64, 8, 8)).toBeCloseTo(1 / 12870, 15);
  });

  it('gives p = 1 when every value is tied, and rejects empty or non-finite samples', () => {
    expect(mannWhitneyU([5, 5, 5, 5, 5, 5, 5, 5, 5], [5, 5, 5, 5, 5, 5, 5, 5, 5]).p).toBe(1);
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyU([1, Number.NaN], [1])).toThrow(RangeError);
  });

  it('normalSf matches scipy.stats.norm.sf', () => {
    // norm.sf(z) for z in (-2.5, 0.5, 2.326, 4, 8)
    const z = [-2.5, 0.5, 2.326, 4, 8];
    const expected = [0.9937903346742238, 0.3085375387259869, 0.010009275340867669, 3.167124183311986e-5, 6.22096057427174e-16];
    z.forEach((v, i) => expect(Math.abs(normalSf(v) - expected[i]) / expected[i]).toBeLessThan(1e-13));
  });
});
