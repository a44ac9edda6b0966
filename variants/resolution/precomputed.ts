// precomputed: specter's formulas restructured to do only the work they need, with every buffer
// allocated once in prepare (iCov changes with every exposure, so nothing else can be kept):
// - eigh by Householder tridiagonalisation and the implicit QL algorithm (a different algorithm
//   from the naive rung's Jacobi: about 9n³ flops in all instead of 6-10 Jacobi sweeps of ~15n³);
// - only the nspec diagonal blocks of Cov = V·diag(f(w))·Vᵀ, which the per-fiber decorrelation
//   reads (2·n·nwave² flops per block instead of the whole 2n³ product);
// - each block's inverse square root by the same eigh, composed straight into R's row.
// Flat typed arrays, plain loops; eigenvectors kept as rows (Vᵀ) so rotations walk memory forwards.

import { defineVariant } from '../../bench/spec/define.js';
import { THRESHOLD, type ResolutionOutput, type ResolutionParams, type ResolutionPerCall, type ResolutionStatic } from '../../kernels/resolution/index.js';

/** QL iterations allowed per eigenvalue before giving up (an error, never a hang). */
export const MAX_QL_ITERATIONS = 30;

/** Workspace of an eigh of order n: the matrix (destroyed), Vᵀ, and the tridiagonal. */
interface Eigh {
  readonly n: number;
  readonly a: Float64Array;
  readonly vt: Float64Array;
  readonly d: Float64Array;
  readonly e: Float64Array;
  readonly v: Float64Array;
  readonly p: Float64Array;
}

function workspace(n: number): Eigh {
  return { n, a: new Float64Array(n * n), vt: new Float64Array(n * n), d: new Float64Array(n), e: new Float64Array(n), v: new Float64Array(n), p: new Float64Array(n) };
}

/** w.d ← eigenvalues, w.vt ← eigenvectors (rows) of the symmetric w.a (destroyed). */
function eigh(w: Eigh): void {
  const { n, a, vt, d, e, v, p } = w;
  // Householder: A ← H·A·H = A - 2v·qᵀ - 2q·vᵀ, q = A·v - (vᵀA·v)·v; v kept in column k.
  for (let k = 0; k < n - 2; k++) {
    let norm = 0;
    for (let i = k + 1; i < n; i++) norm += a[i * n + k] * a[i * n + k];
    norm = Math.sqrt(norm);
    d[k] = a[k * n + k];
    if (norm === 0) {
      e[k] = 0;
      for (let i = k + 1; i < n; i++) a[i * n + k] = 0;
      continue;
    }
    const alpha = a[(k + 1) * n + k] >= 0 ? -norm : norm;
    let vnorm = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = a[i * n + k] - (i === k + 1 ? alpha : 0);
      vnorm += v[i] * v[i];
    }
    vnorm = Math.sqrt(vnorm);
    for (let i = k + 1; i < n; i++) v[i] /= vnorm;
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[i * n + j] * v[j];
      p[i] = s;
      vp += v[i] * s;
    }
    for (let i = k + 1; i < n; i++) p[i] -= vp * v[i];
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) a[i * n + j] -= 2 * (v[i] * p[j] + p[i] * v[j]);
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
  // Vᵀ = Qᵀ = H_{n-3}···H_0, accumulated backwards (each product touches its trailing block only).
  vt.fill(0);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  for (let k = n - 3; k >= 0; k--) {
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += vt[i * n + j] * a[j * n + k];
      p[i] = 2 * s;
    }
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) vt[i * n + j] -= p[i] * a[j * n + k];
    }
  }
  // Implicit QL with Wilkinson's shift, rotations applied to the rows of Vᵀ as they are made.
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
        for (let k = 0; k < n; k++) {
          const t = vt[(i + 1) * n + k];
          vt[(i + 1) * n + k] = s * vt[i * n + k] + c * t;
          vt[i * n + k] = c * vt[i * n + k] - s * t;
        }
      }
      if (i >= l) continue;
      d[l] -= shift;
      e[l] = g;
      e[m] = 0;
    }
  }
}

export default defineVariant<ResolutionStatic, ResolutionPerCall, ResolutionOutput, ResolutionParams>({
  kernel: 'resolution',
  name: 'precomputed',
  rung: 'precomputed',
  description: 'Householder tridiagonalisation + implicit QL (not Jacobi), only Cov\'s diagonal blocks, buffers from prepare',
  prepare: (_patch, { nspec, nwave }) => {
    const n = nspec * nwave;
    const big = workspace(n);
    const small = workspace(nwave);
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
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) big.a[i * n + j] = 0.5 * (icov[i * n + j] + icov[j * n + i]);
        eigh(big);
        let maxval = -Infinity;
        for (let k = 0; k < n; k++) maxval = Math.max(maxval, big.d[k]);
        const minval = maxval * THRESHOLD;
        for (let k = 0; k < n; k++) f[k] = big.d[k] > minval ? 1 / big.d[k] : 1 / minval;
        for (let b = 0; b < nspec; b++) {
          const c0 = b * nwave;
          for (let i = 0; i < nwave; i++) {
            for (let j = 0; j < nwave; j++) {
              let s = 0;
              for (let k = 0; k < n; k++) s += big.vt[k * n + c0 + i] * f[k] * big.vt[k * n + c0 + j];
              small.a[i * nwave + j] = s;
            }
          }
          eigh(small);
          let maxc = -Infinity;
          for (let k = 0; k < nwave; k++) maxc = Math.max(maxc, small.d[k]);
          const rootMin = Math.sqrt(maxc) * THRESHOLD;
          for (let k = 0; k < nwave; k++) {
            const root = Math.sqrt(small.d[k]);
            g[k] = root > rootMin ? 1 / root : 1 / rootMin;
          }
          for (let i = 0; i < nwave; i++) {
            let norm = 0;
            for (let j = 0; j < nwave; j++) {
              let s = 0;
              for (let k = 0; k < nwave; k++) s += small.vt[k * nwave + i] * g[k] * small.vt[k * nwave + j];
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
