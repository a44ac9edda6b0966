// unrolled: the precomputed rung's algorithm (Householder tridiagonalisation + implicit QL, only
// Cov's diagonal blocks) tuned for V8:
// - the reduction reads and updates only the lower triangle: p = A·v and the rank-2 update fused
//   into one pass over each row (half the memory traffic of the full-matrix form);
// - Q is accumulated backwards into V (row-major, V[k][i] = component k of eigenvector i);
// - each QL sweep's rotations are recorded and applied afterwards, row by row of V: along a row
//   the sweep is a chain in which each rotation reads one new value and writes one final value
//   (LAPACK's dlasr scheme), so the eigenvector update is one pass over contiguous memory per sweep
//   with the carried value in a register; the arithmetic is that of applying each rotation at
//   once, value for value;
// - Cov's blocks and the inverse square roots as dot products of V's rows (contiguous), four
//   accumulators, each symmetric block computed once per pair.

import { defineVariant } from '../../bench/spec/define.js';
import { THRESHOLD, type ResolutionOutput, type ResolutionParams, type ResolutionPerCall, type ResolutionStatic } from '../../kernels/resolution/index.js';

export const MAX_QL_ITERATIONS = 30;

/** Σ_k a[i + k]·b[j + k]·c[k] for k < len, four accumulators. */
function weightedDot(a: Float64Array, i: number, b: Float64Array, j: number, c: Float64Array, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += a[i + k] * c[k] * b[j + k];
    s1 += a[i + k + 1] * c[k + 1] * b[j + k + 1];
    s2 += a[i + k + 2] * c[k + 2] * b[j + k + 2];
    s3 += a[i + k + 3] * c[k + 3] * b[j + k + 3];
  }
  for (; k < len; k++) s0 += a[i + k] * c[k] * b[j + k];
  return (s0 + s1) + (s2 + s3);
}

/** An eigh of order n with its buffers: a (input, lower triangle read, destroyed), V, w. */
class SymmetricEigen {
  readonly a: Float64Array;
  readonly v: Float64Array;
  readonly w: Float64Array;
  private readonly e: Float64Array;
  private readonly h: Float64Array;
  private readonly p: Float64Array;
  private readonly cs: Float64Array;
  private readonly sn: Float64Array;

  constructor(readonly n: number) {
    this.a = new Float64Array(n * n);
    this.v = new Float64Array(n * n);
    this.w = new Float64Array(n);
    this.e = new Float64Array(n);
    this.h = new Float64Array(n);
    this.p = new Float64Array(n);
    this.cs = new Float64Array(n);
    this.sn = new Float64Array(n);
  }

  run(): void {
    this.reduce();
    this.accumulate();
    this.ql();
  }

  /** Householder on the lower triangle; reflection k's unit vector is kept in column k below the subdiagonal. */
  private reduce(): void {
    const { n, a, w: d, e, h: v, p } = this;
    for (let k = 0; k < n - 2; k++) {
      d[k] = a[k * n + k];
      let norm = 0;
      for (let i = k + 1; i < n; i++) norm += a[i * n + k] * a[i * n + k];
      norm = Math.sqrt(norm);
      if (norm === 0) {
        e[k] = 0;
        continue;
      }
      const alpha = a[(k + 1) * n + k] >= 0 ? -norm : norm;
      v[k + 1] = a[(k + 1) * n + k] - alpha;
      let vnorm = v[k + 1] * v[k + 1];
      for (let i = k + 2; i < n; i++) {
        v[i] = a[i * n + k];
        vnorm += v[i] * v[i];
      }
      const scale = 1 / Math.sqrt(vnorm);
      for (let i = k + 1; i < n; i++) v[i] *= scale;
      // p = A·v from the lower triangle: row i's part left of the diagonal serves p_i and, by
      // symmetry, p_j for every j < i.
      for (let i = k + 1; i < n; i++) p[i] = 0;
      let vp = 0;
      for (let i = k + 1; i < n; i++) {
        const row = i * n;
        const vi = v[i];
        let s = a[row + i] * vi;
        for (let j = k + 1; j < i; j++) {
          const aij = a[row + j];
          s += aij * v[j];
          p[j] += aij * vi;
        }
        p[i] += s;
      }
      for (let i = k + 1; i < n; i++) vp += v[i] * p[i];
      for (let i = k + 1; i < n; i++) p[i] = 2 * (p[i] - vp * v[i]); // 2q
      for (let i = k + 1; i < n; i++) {
        const row = i * n;
        const vi = v[i];
        const qi = p[i];
        for (let j = k + 1; j <= i; j++) a[row + j] -= vi * p[j] + qi * v[j];
      }
      e[k] = alpha;
      for (let i = k + 1; i < n; i++) a[i * n + k] = v[i];
    }
    if (n >= 2) {
      d[n - 2] = a[(n - 2) * n + n - 2];
      e[n - 2] = a[(n - 1) * n + n - 2];
      a[(n - 1) * n + n - 2] = 0;
    }
    d[n - 1] = a[(n - 1) * n + n - 1];
    e[n - 1] = 0;
  }

  /** V = Q = H_0···H_{n-3}, built as V ← H_k·V for k = n-3 .. 0 on the trailing block. */
  private accumulate(): void {
    const { n, a, v: z, h: v, p: t } = this;
    z.fill(0);
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
    for (let k = n - 3; k >= 0; k--) {
      for (let i = k + 1; i < n; i++) {
        v[i] = a[i * n + k];
        t[i] = 0;
      }
      for (let i = k + 1; i < n; i++) {
        const vi = v[i];
        if (vi === 0) continue;
        const row = i * n;
        for (let j = k + 1; j < n; j++) t[j] += vi * z[row + j];
      }
      for (let i = k + 1; i < n; i++) {
        const vi = 2 * v[i];
        if (vi === 0) continue;
        const row = i * n;
        for (let j = k + 1; j < n; j++) z[row + j] -= vi * t[j];
      }
    }
  }

  /** Implicit QL with Wilkinson's shift; each sweep's rotations recorded, then applied along V's rows. */
  private ql(): void {
    const { n, w: d, e, v: z, cs, sn } = this;
    for (let l = 0; l < n; l++) {
      for (let iteration = 0; ; iteration++) {
        let m = l;
        while (m < n - 1 && !(Math.abs(e[m]) <= Number.EPSILON * (Math.abs(d[m]) + Math.abs(d[m + 1])))) m++;
        if (m === l) break;
        if (iteration >= MAX_QL_ITERATIONS) throw new Error(`eigh: no convergence after ${MAX_QL_ITERATIONS} QL iterations`);
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let shift = 0;
        let i = m - 1;
        for (; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= shift;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - shift;
          r = (d[i] - g) * s + 2 * c * b;
          shift = s * r;
          d[i + 1] = g + shift;
          g = c * r - b;
          cs[i] = c;
          sn[i] = s;
        }
        // Rotations m-1 .. lo were made (lo = l unless the sweep stopped early).
        const lo = i + 1;
        if (lo < m) {
          // Four rows at a time: each row's chain of rotations is serial, four chains are not.
          let k = 0;
          for (; k + 4 <= n; k += 4) {
            const r0 = k * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
            let t0 = z[r0 + m], t1 = z[r1 + m], t2 = z[r2 + m], t3 = z[r3 + m];
            for (let q = m - 1; q >= lo; q--) {
              const c = cs[q];
              const sq = sn[q];
              const x0 = z[r0 + q], x1 = z[r1 + q], x2 = z[r2 + q], x3 = z[r3 + q];
              z[r0 + q + 1] = sq * x0 + c * t0;
              z[r1 + q + 1] = sq * x1 + c * t1;
              z[r2 + q + 1] = sq * x2 + c * t2;
              z[r3 + q + 1] = sq * x3 + c * t3;
              t0 = c * x0 - sq * t0;
              t1 = c * x1 - sq * t1;
              t2 = c * x2 - sq * t2;
              t3 = c * x3 - sq * t3;
            }
            z[r0 + lo] = t0;
            z[r1 + lo] = t1;
            z[r2 + lo] = t2;
            z[r3 + lo] = t3;
          }
          for (; k < n; k++) {
            const row = k * n;
            let carry = z[row + m];
            for (let q = m - 1; q >= lo; q--) {
              const x = z[row + q];
              z[row + q + 1] = sn[q] * x + cs[q] * carry;
              carry = cs[q] * x - sn[q] * carry;
            }
            z[row + lo] = carry;
          }
        }
        if (i >= l) continue;
        d[l] -= shift;
        e[l] = g;
        e[m] = 0;
      }
    }
  }
}

export default defineVariant<ResolutionStatic, ResolutionPerCall, ResolutionOutput, ResolutionParams>({
  kernel: 'resolution',
  name: 'unrolled',
  rung: 'unrolled',
  description: 'Householder on the lower triangle + implicit QL with each sweep\'s rotations applied along V\'s rows (dlasr scheme); Cov blocks and inverse roots as unrolled dot products',
  prepare: (_patch, { nspec, nwave }) => {
    const n = nspec * nwave;
    const big = new SymmetricEigen(n);
    const small = new SymmetricEigen(nwave);
    const f = new Float64Array(n);
    const g = new Float64Array(nwave);
    const q = new Float64Array(nwave);
    const r = new Float64Array(nspec * nwave * nwave);
    const ivar = new Float64Array(n);
    return {
      run: ({ icov }) => {
        for (let k = 0; k < n * n; k++) {
          if (!Number.isFinite(icov[k])) return { r: r.fill(NaN), ivar: ivar.fill(NaN) };
        }
        const a = big.a;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) a[i * n + j] = 0.5 * (icov[i * n + j] + icov[j * n + i]);
        }
        big.run();
        let maxval = -Infinity;
        for (let k = 0; k < n; k++) if (big.w[k] > maxval) maxval = big.w[k];
        const minval = maxval * THRESHOLD;
        for (let k = 0; k < n; k++) f[k] = big.w[k] > minval ? 1 / big.w[k] : 1 / minval;
        const v = big.v;
        for (let b = 0; b < nspec; b++) {
          const c0 = b * nwave;
          for (let i = 0; i < nwave; i++) {
            for (let j = 0; j <= i; j++) small.a[i * nwave + j] = weightedDot(v, (c0 + i) * n, v, (c0 + j) * n, f, n);
          }
          small.run();
          let maxc = -Infinity;
          for (let k = 0; k < nwave; k++) if (small.w[k] > maxc) maxc = small.w[k];
          const rootMin = Math.sqrt(maxc) * THRESHOLD;
          for (let k = 0; k < nwave; k++) {
            const root = Math.sqrt(small.w[k]);
            g[k] = root > rootMin ? 1 / root : 1 / rootMin;
          }
          const u = small.v;
          for (let i = 0; i < nwave; i++) {
            let norm = 0;
            for (let j = 0; j < nwave; j++) {
              const s = weightedDot(u, i * nwave, u, j * nwave, g, nwave);
              q[j] = s;
              norm += s;
            }
            for (let j = 0; j < nwave; j++) r[(c0 + i) * nwave + j] = q[j] / norm;
            ivar[c0 + i] = norm * norm;
          }
        }
        return { r, ivar };
      },
    };
  },
});
