// The reference's dense Cholesky factorisation and solve, and the condition estimate that sets the
// tolerance of the solution (Hager's 1-norm estimator, as LAPACK's dpocon uses it). Written for
// clarity: row-major n × n, unblocked, no structure assumed.

/**
 * Overwrites the lower triangle of `a` (n × n, row-major, symmetric) with L, a = L·Lᵀ (column by
 * column, each entry's sum in index order); the strict upper triangle is left alone. Returns false
 * as soon as a pivot is not positive (or is NaN): `a` is then not positive definite and the lower
 * triangle is partly overwritten.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let pivot = a[j * n + j];
    for (let k = 0; k < j; k++) pivot -= a[j * n + k] * a[j * n + k];
    if (!(pivot > 0)) return false;
    const ljj = Math.sqrt(pivot);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b for x, L the lower triangle of `l` (from choleskyInPlace). */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/**
 * κ₁(A) = ‖A‖₁·‖A⁻¹‖₁ of a symmetric positive definite A (n × n, row-major) whose Cholesky factor
 * is `l`: ‖A⁻¹‖₁ by Hager's estimator (at most five pairs of solves; a lower bound, in practice
 * within a small factor and usually exact), with Higham's alternating test vector as a safeguard.
 */
export function conditionEstimate(a: Float64Array, l: Float64Array, n: number): number {
  let normA = 0;
  for (let j = 0; j < n; j++) {
    let column = 0;
    for (let i = 0; i < n; i++) column += Math.abs(a[i * n + j]);
    normA = Math.max(normA, column);
  }
  const norm1 = (v: Float64Array) => v.reduce((s, t) => s + Math.abs(t), 0);
  let x = new Float64Array(n).fill(1 / n);
  let estimate = 0;
  let previous = -1;
  for (let iteration = 0; iteration < 5; iteration++) {
    const y = choleskySolve(l, n, x);
    estimate = norm1(y);
    const z = choleskySolve(l, n, y.map((t) => (t >= 0 ? 1 : -1))); // A⁻ᵀ·sign(y); A is symmetric
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(z[i]) > Math.abs(z[best])) best = i;
    let zx = 0;
    for (let i = 0; i < n; i++) zx += z[i] * x[i];
    if (Math.abs(z[best]) <= zx || best === previous) break;
    previous = best;
    x = new Float64Array(n);
    x[best] = 1;
  }
  const alternating = choleskySolve(l, n, Float64Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (1 + i / Math.max(1, n - 1))));
  estimate = Math.max(estimate, (2 * norm1(alternating)) / (3 * n));
  return normA * estimate;
}
