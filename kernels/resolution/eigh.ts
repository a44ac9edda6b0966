// The reference's symmetric eigen-decomposition, A = V·diag(w)·Vᵀ: Householder reduction to
// tridiagonal form, then the implicit QL algorithm with Wilkinson's shift (the method of LAPACK's
// dsteqr and EISPACK's tql2). Written for clarity over speed: row-major, no blocking. The
// eigenvectors are kept as the rows of `vt` (vt = Vᵀ), so that a plane rotation touches two
// contiguous rows.

/** Iterations of the QL sweep allowed per eigenvalue (LAPACK allows 30·n in all). */
export const QL_ITERATIONS = 30;

export class EighError extends Error {
  override name = 'EighError';
}

export interface Eigen {
  /** Eigenvalues, ascending. */
  readonly w: Float64Array;
  /** n × n, row k = the unit eigenvector of w[k]. */
  readonly vt: Float64Array;
}

/**
 * Reduces the symmetric `a` (n × n, row-major; overwritten) to tridiagonal T = Qᵀ·A·Q by n - 2
 * Householder reflections, each H_k = I - 2vvᵀ zeroing column k below its subdiagonal:
 * A ← H·A·H = A - 2v·qᵀ - 2q·vᵀ with p = A·v and q = p - (vᵀp)·v. Returns T's diagonal d, its
 * subdiagonal e (e[i] = T[i+1][i]; e[n-1] = 0) and, when `vectors` is set, Qᵀ = H_{n-3}···H_0
 * (n × n, row-major), accumulated backwards from the reflections kept in a's columns (each
 * product then touches only the trailing rows and columns it changes).
 */
export function tridiagonalise(a: Float64Array, n: number, vectors: boolean): { d: Float64Array; e: Float64Array; qt: Float64Array | null } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  const reflected = new Uint8Array(n);
  for (let k = 0; k < n - 2; k++) {
    let norm = 0;
    for (let i = k + 1; i < n; i++) norm += a[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    d[k] = a[k * n + k];
    if (norm === 0) {
      e[k] = 0;
      continue;
    }
    // v ∝ x - alpha·e1 with alpha = -sign(x1)·‖x‖ (no cancellation); then H·x = alpha·e1.
    const x1 = a[(k + 1) * n + k];
    const alpha = x1 >= 0 ? -norm : norm;
    for (let i = k + 1; i < n; i++) v[i] = a[i * n + k];
    v[k + 1] -= alpha;
    let vnorm = 0;
    for (let i = k + 1; i < n; i++) vnorm += v[i] * v[i];
    vnorm = Math.sqrt(vnorm);
    for (let i = k + 1; i < n; i++) v[i] /= vnorm;
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[i * n + j] * v[j];
      p[i] = s;
      vp += v[i] * s;
    }
    for (let i = k + 1; i < n; i++) p[i] -= vp * v[i]; // q
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) a[i * n + j] -= 2 * (v[i] * p[j] + p[i] * v[j]);
    }
    e[k] = alpha;
    // Column k below the diagonal is done with: it keeps v for the accumulation.
    for (let i = k + 1; i < n; i++) a[i * n + k] = v[i];
    reflected[k] = 1;
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 1) * n + n - 2];
  }
  if (n >= 1) d[n - 1] = a[(n - 1) * n + n - 1];
  e[n - 1] = 0;
  if (!vectors) return { d, e, qt: null };
  // Qᵀ = H_{n-3}···H_0, built as M ← M·H_k for k = n-3 down to 0 from M = I: M is the identity
  // outside rows and columns > k then, so M·H_k = M - 2(M·v)·vᵀ changes only that trailing block.
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  for (let k = n - 3; k >= 0; k--) {
    if (!reflected[k]) continue;
    for (let j = k + 1; j < n; j++) v[j] = a[j * n + k];
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += qt[i * n + j] * v[j];
      p[i] = s;
    }
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) qt[i * n + j] -= 2 * p[i] * v[j];
    }
  }
  return { d, e, qt };
}

/**
 * The eigenvalues of the tridiagonal (d, e) by implicit QL (overwriting d; e is destroyed); with
 * `zt`, the same plane rotations are applied to its rows, which then hold the eigenvectors (given
 * Qᵀ from tridiagonalise, those of A). Each eigenvalue gets at most QL_ITERATIONS sweeps: a matrix
 * that needs more (NaN or infinite entries, which never converge) raises EighError, never a hang.
 */
export function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, zt: Float64Array | null): void {
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      // The first negligible subdiagonal entry at or below l splits off the block [l, m].
      let m = l;
      while (m < n - 1 && !(Math.abs(e[m]) <= Number.EPSILON * (Math.abs(d[m]) + Math.abs(d[m + 1])))) m++;
      if (m === l) break;
      if (iteration >= QL_ITERATIONS) throw new EighError(`eigh: no convergence after ${QL_ITERATIONS} QL iterations for eigenvalue ${l} of ${n}`);
      // Wilkinson's shift: the eigenvalue of the leading 2 × 2 block nearer d[l].
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      // Chase the bulge from the bottom of the block up to l with plane rotations (c, s).
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // f and g underflowed together: the block splits here; recover and sweep again.
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt) {
          const ri = i * n;
          const rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const t = zt[rj + k];
            zt[rj + k] = s * zt[ri + k] + c * t;
            zt[ri + k] = c * zt[ri + k] - s * t;
          }
        }
      }
      if (i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Sorts eigenvalues ascending, moving their eigenvector rows along (selection sort: n swaps at most). */
export function sortEigen(w: Float64Array, vt: Float64Array | null, n: number): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (w[j] < w[k]) k = j;
    if (k === i) continue;
    [w[i], w[k]] = [w[k], w[i]];
    if (vt) {
      for (let c = 0; c < n; c++) [vt[i * n + c], vt[k * n + c]] = [vt[k * n + c], vt[i * n + c]];
    }
  }
}

/** eigh of the symmetric `a` (n × n, row-major; not modified): eigenvalues ascending and eigenvectors. */
export function eigh(a: Float64Array, n: number): Eigen {
  const { d, e, qt } = tridiagonalise(a.slice(), n, true);
  tridiagonalQL(d, e, n, qt);
  sortEigen(d, qt, n);
  return { w: d, vt: qt! };
}

/** The eigenvalues alone (ascending): the reduction without Q and QL without rotations, O(n³) with a small constant. */
export function eigvalsh(a: Float64Array, n: number): Float64Array {
  const { d, e } = tridiagonalise(a.slice(), n, false);
  tridiagonalQL(d, e, n, null);
  sortEigen(d, null, n);
  return d;
}
