// The Mann-Whitney U test (Wilcoxon rank-sum): do two independent samples come from the same
// distribution, or is one stochastically larger? Rank-based, so it assumes no shape (timings are
// skewed and multi-modal) and a few wild values cannot drive it.
//
// Conventions follow scipy.stats.mannwhitneyu, so figures can be checked against it:
// - the statistic is U of x: R1 - n1(n1+1)/2, R1 the sum of x's ranks in the pooled sample, ties
//   given their average rank;
// - `alternative` 'greater' means x tends to be larger than y, 'less' smaller, 'two-sided' either;
// - 'asymptotic': normal approximation with the tie correction of the variance and a continuity
//   correction of 1/2; 'exact': the permutation distribution of U (no tie correction, so it is
//   chosen automatically only without ties); 'auto' picks 'exact' when a sample has at most 8
//   values and there are no ties, as scipy does.

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface MannWhitneyOptions {
  readonly alternative?: Alternative;
  readonly method?: 'auto' | 'exact' | 'asymptotic';
  /** Continuity correction of the normal approximation (default true). */
  readonly continuity?: boolean;
}

export interface MannWhitneyResult {
  /** U of the first sample. */
  readonly u: number;
  readonly p: number;
  readonly method: 'exact' | 'asymptotic';
}

/** Average ranks (1-based) of `values`, and the sizes of the groups of tied values. */
function averageRanks(values: Float64Array): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    const rank = (i + 1 + j) / 2; // average of ranks i+1 .. j
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    if (j - i > 1) tieSizes.push(j - i);
    i = j;
  }
  return { ranks, tieSizes };
}

/** Standard normal upper tail, Q(z) = erfc(z / √2) / 2, to about 1e-15 relative. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return erfc(z / Math.SQRT2) / 2;
}

// erfc by the Chebyshev-fitted approximation of Numerical Recipes (erfccheb), relative error < 1.2e-16
// over the whole line; erfc(-x) = 2 - erfc(x).
const ERFC_COEFFICIENTS = [
  -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4,
  3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8,
  -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
  -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
];

function erfcNonNegative(z: number): number {
  const t = 2 / (2 + z);
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COEFFICIENTS.length - 1; j > 0; j--) {
    const previous = d;
    d = ty * d - dd + ERFC_COEFFICIENTS[j];
    dd = previous;
  }
  return t * Math.exp(-z * z + 0.5 * (ERFC_COEFFICIENTS[0] + ty * d) - dd);
}

function erfc(x: number): number {
  return x >= 0 ? erfcNonNegative(x) : 2 - erfcNonNegative(-x);
}

/**
 * P(U >= u) under the null for samples of sizes n1 and n2 without ties: the count of arrangements
 * with U = k is the coefficient of q^k in the Gaussian binomial [n1+n2 choose n1]_q, built as the
 * product over i of (1 - q^(N-m+i)) / (1 - q^i), m = min(n1, n2); every partial product is itself a
 * Gaussian binomial, so the coefficients stay non-negative integers.
 */
export function exactUSf(u: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const total = n1 + n2;
  const maxU = n1 * n2;
  if (u <= 0) return 1;
  if (u > maxU) return 0;
  const c = new Float64Array(maxU + 1);
  c[0] = 1;
  for (let i = 1; i <= m; i++) {
    const up = total - m + i;
    for (let k = maxU; k >= up; k--) c[k] -= c[k - up]; // × (1 - q^up)
    for (let k = i; k <= maxU; k++) c[k] += c[k - i]; // ÷ (1 - q^i)
  }
  let all = 0;
  let tail = 0;
  for (let k = 0; k <= maxU; k++) {
    all += c[k];
    if (k >= u) tail += c[k];
  }
  return tail / all;
}

/**
 * Mann-Whitney U test of x against y. Throws RangeError on an empty sample or a value that is not a
 * finite number (a NaN has no rank).
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[], options: MannWhitneyOptions = {}): MannWhitneyResult {
  const { alternative = 'two-sided', method = 'auto', continuity = true } = options;
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU: both samples need at least one value');
  const pooled = new Float64Array(n1 + n2);
  pooled.set(x, 0);
  pooled.set(y, n1);
  for (const v of pooled) if (!Number.isFinite(v)) throw new RangeError(`mannWhitneyU: ${v} is not a finite number`);

  const { ranks, tieSizes } = averageRanks(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  // The statistic whose upper tail is the p-value; two-sided doubles the larger one's tail.
  const [u, factor] = alternative === 'greater' ? [u1, 1] : alternative === 'less' ? [u2, 1] : [Math.max(u1, u2), 2];
  const chosen = method === 'auto' ? (n1 > 8 && n2 > 8) || tieSizes.length > 0 ? 'asymptotic' : 'exact' : method;

  let p: number;
  if (chosen === 'exact') {
    p = exactUSf(Math.floor(u), n1, n2);
  } else {
    const n = n1 + n2;
    const tieTerm = tieSizes.reduce((sum, t) => sum + t * t * t - t, 0);
    const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const z = (u - (n1 * n2) / 2 - (continuity ? 0.5 : 0)) / sd;
    // All values tied: no information, sd is 0 and the p-value is 1.
    p = sd > 0 ? normalSf(z) : 1;
  }
  return { u: u1, p: Math.min(1, Math.max(0, p * factor)), method: chosen };
}
