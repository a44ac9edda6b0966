// Descriptive statistics of timing samples. Everything here is a pure function of its arguments;
// callers that need several order statistics sort once (sortedCopy) and pass the sorted array on,
// while single medians go through quickselect, which is linear and does not need a copy when the
// caller owns a scratch buffer (the bootstrap does this thousands of times).

/** Ascending copy as a Float64Array (typed-array sort is numeric, unlike Array.prototype.sort). */
export function sortedCopy(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/**
 * Quantile of an ascending array by linear interpolation between order statistics
 * (Hyndman & Fan type 7, numpy's default), so figures match what people get from numpy or R.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  const low = sorted[lo];
  // Return the order statistic itself when no interpolation is needed: otherwise an infinite
  // neighbour would turn an exact hit into NaN (0 * Infinity).
  if (frac === 0 || lo + 1 >= n) return low;
  const high = sorted[lo + 1];
  return low + frac * (high - low);
}

/**
 * Partially orders a[0..n) in place so that a[k] is the k-th smallest (0-based), everything
 * before it is <= a[k] and everything after it is >= a[k]. Median-of-three pivots with a
 * Hoare partition that stops on equal keys, so samples full of ties (quantised timers) still split
 * evenly instead of degrading to quadratic time.
 */
export function selectInPlace(a: Float64Array, n: number, k: number): number {
  if (!(n >= 1 && n <= a.length)) throw new RangeError(`select: n must be in [1, ${a.length}], got ${n}`);
  if (!(k >= 0 && k < n) || !Number.isInteger(k)) throw new RangeError(`select: k must be in [0, ${n}), got ${k}`);
  let l = 0;
  let ir = n - 1;
  for (;;) {
    if (ir <= l + 1) {
      if (ir === l + 1 && a[ir] < a[l]) {
        const t = a[l];
        a[l] = a[ir];
        a[ir] = t;
      }
      return a[k];
    }
    const mid = (l + ir) >>> 1;
    let t = a[mid];
    a[mid] = a[l + 1];
    a[l + 1] = t;
    // Order a[l] <= a[l+1] <= a[ir]: the two ends then act as sentinels for the scans below.
    if (a[l] > a[ir]) {
      t = a[l];
      a[l] = a[ir];
      a[ir] = t;
    }
    if (a[l + 1] > a[ir]) {
      t = a[l + 1];
      a[l + 1] = a[ir];
      a[ir] = t;
    }
    if (a[l] > a[l + 1]) {
      t = a[l];
      a[l] = a[l + 1];
      a[l + 1] = t;
    }
    let i = l + 1;
    let j = ir;
    const pivot = a[l + 1];
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (a[j] > pivot);
      if (j < i) break;
      t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    a[l + 1] = a[j];
    a[j] = pivot;
    if (j >= k) ir = j - 1;
    if (j <= k) l = i;
  }
}

/**
 * Median of a[0..n) (mean of the two middle values when n is even, as type 7 gives), reordering
 * a[0..n) in place. Linear time on average.
 */
export function selectMedianInPlace(a: Float64Array, n: number): number {
  const k = (n - 1) >>> 1;
  const lower = selectInPlace(a, n, k);
  if (n % 2 === 1) return lower;
  // After selection everything right of k is >= a[k], so the upper middle is their minimum.
  let upper = a[k + 1];
  for (let i = k + 2; i < n; i++) if (a[i] < upper) upper = a[i];
  return lower + (upper - lower) / 2;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty sample');
  return selectMedianInPlace(Float64Array.from(xs), xs.length);
}

export function mean(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) throw new RangeError('mean of an empty sample');
  // Neumaier summation: long runs of similar durations otherwise lose low-order digits.
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const s = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - s + x : x - s + sum;
    sum = s;
  }
  return (sum + comp) / n;
}

/** Median absolute deviation from the median, unscaled: no 1.4826 normal-consistency factor. */
export function mad(xs: readonly number[]): number {
  const n = xs.length;
  if (n === 0) throw new RangeError('MAD of an empty sample');
  const buf = Float64Array.from(xs);
  const m = selectMedianInPlace(buf, n);
  for (let i = 0; i < n; i++) buf[i] = Math.abs(buf[i] - m);
  return selectMedianInPlace(buf, n);
}
