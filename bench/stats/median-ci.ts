// Distribution-free confidence interval of the median. Timing samples are skewed, multi-modal and
// full of ties, so nothing that assumes a shape (t intervals, normal bootstrap) is trustworthy; order
// statistics only assume independent draws from one distribution.
//
// With B the number of samples below the true median, B ~ Binomial(n, 1/2), and for ranks j and
// k = n + 1 - j (1-based) P(X_(j) <= median <= X_(k)) = P(j <= B <= n - j) = 1 - 2 F(j - 1), F the
// Binomial(n, 1/2) CDF. The largest j that still reaches the requested level gives the narrowest
// symmetric interval that does.

export interface MedianInterval {
  readonly low: number;
  readonly high: number;
  /** The requested level when it is reached; the (lower) level actually achieved when n is too small. */
  readonly level: number;
}

const LN2 = Math.LN2;
// F is accumulated over up to n/2 terms; without slack an exact tie between F and (1 - level) / 2
// (possible for small n and "round" levels) would be decided by rounding noise.
const TIE_SLACK = 1e-12;

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Largest 1-based rank j <= (n + 1) / 2 with 1 - 2 F(j - 1) >= level, or 0 when even the full range
 * (j = 1) falls short. Exact Binomial(n, 1/2) CDF, accumulated in log space so that 2^-n does not
 * underflow for large n; cost is linear in n (about n/2 steps), no more than the sort that precedes it.
 */
export function medianCiRank(n: number, level: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sample size must be a positive integer, got ${n}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  const logThreshold = Math.log((1 - level) / 2) + TIE_SLACK;
  let logPmf = -n * LN2;
  let logCdf = logPmf; // log F(0)
  if (logCdf > logThreshold) return 0;
  let j = 1;
  const maxJ = Math.floor((n + 1) / 2);
  for (let i = 1; j < maxJ; i++) {
    logPmf += Math.log((n - i + 1) / i);
    logCdf = logAddExp(logCdf, logPmf); // log F(i)
    if (logCdf > logThreshold) break;
    j = i + 1;
  }
  return j;
}

/**
 * Confidence interval of the median of an ascending sample from its order statistics. When n is too
 * small for `level` (n < 6 at 95 %), returns the minimum and maximum with the coverage they actually
 * have, 1 - 2^(1-n), so callers never report a level the data cannot support.
 */
export function medianConfidenceInterval(sorted: ArrayLike<number>, level = 0.95): MedianInterval {
  const n = sorted.length;
  if (n === 0) throw new RangeError('confidence interval of the median of an empty sample');
  const j = medianCiRank(n, level);
  if (j === 0) return { low: sorted[0], high: sorted[n - 1], level: 1 - Math.pow(2, 1 - n) };
  return { low: sorted[j - 1], high: sorted[n - j], level };
}
