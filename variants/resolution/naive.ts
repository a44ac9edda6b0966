// naive: specter's resolution_from_icov as a first translation writes it without LAPACK: arrays of
// arrays, fresh per call; eigh by the cyclic Jacobi method (the textbook eigen-solver: sweep over
// every off-diagonal pair, rotate it to zero, until the off-diagonal part vanishes); the whole
// inverse Cov = V·diag(f(w))·Vᵀ as a dense triple loop (specter's eigen_compose), though only its
// diagonal blocks are read; per fiber, Jacobi again on its block, and the block's inverse square
// root composed the same way. Nothing is slowed on purpose: Jacobi needs 6-10 sweeps of n²/2
// rotations, each O(n), several times the work of a tridiagonal QR.

import { defineVariant } from '../../bench/spec/define.js';
import type { ResolutionOutput, ResolutionParams, ResolutionPerCall, ResolutionStatic } from '../../kernels/resolution/index.js';
import { THRESHOLD } from '../../kernels/resolution/index.js';

/** A cyclic Jacobi eigen-solver that has not converged within this many sweeps gives up (an error). */
export const JACOBI_SWEEPS = 100;

/**
 * Eigenvalues (the returned diagonal) and eigenvectors (columns of v) of the symmetric a, which is
 * destroyed. Row-cyclic sweeps; each rotation zeroes a_pq with the stable formulas (t the smaller
 * root of t² + 2θt - 1 = 0, θ = (a_qq - a_pp)/(2a_pq)). Stops when the off-diagonal sum of squares
 * is below u² times the diagonal's (the rotations left would change no eigenvalue in its last
 * digit); an entry already negligible next to both its diagonal entries is set to zero instead.
 */
export function jacobi(a: number[][], n: number): { w: number[]; v: number[][] } {
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; ; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += a[p][p] * a[p][p];
      for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    }
    if (off <= 1.2e-32 * diagonal || off === 0) break;
    if (sweep >= JACOBI_SWEEPS) throw new Error(`Jacobi: no convergence after ${JACOBI_SWEEPS} sweeps`);
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p][q];
        if (apq === 0) continue;
        if (Math.abs(apq) <= 1e-18 * Math.min(Math.abs(a[p][p]), Math.abs(a[q][q]))) {
          a[p][q] = a[q][p] = 0;
          continue;
        }
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q, then rows p and q (a stays symmetric).
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        a[p][q] = a[q][p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { w: a.map((row, i) => row[i]), v };
}

/** specter's eigen_compose: v·diag(scaled)·vᵀ, a dense triple loop. */
function compose(v: number[][], scaled: number[], n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    out.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[i][k] * scaled[k] * v[j][k];
      out[i].push(s);
    }
  }
  return out;
}

export default defineVariant<ResolutionStatic, ResolutionPerCall, ResolutionOutput, ResolutionParams>({
  kernel: 'resolution',
  name: 'naive',
  rung: 'naive',
  description: 'arrays of arrays; cyclic Jacobi eigh; the whole Cov by a dense triple loop; per fiber Jacobi again and the inverse square root composed; fresh arrays per call',
  prepare: (_patch, { nspec, nwave }) => ({
    run: ({ icov }) => {
      const n = nspec * nwave;
      if (!icov.every(Number.isFinite)) return { r: new Float64Array(nspec * nwave * nwave).fill(NaN), ivar: new Float64Array(n).fill(NaN) };
      const h: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 0.5 * (icov[i * n + j] + icov[j * n + i])));
      const { w, v } = jacobi(h, n);
      const maxval = Math.max(...w);
      const minval = maxval * THRESHOLD;
      const cov = compose(v, w.map((x) => (x > minval ? 1 / x : 1 / minval)), n);
      const r: number[] = [];
      const ivar: number[] = [];
      for (let b = 0; b < nspec; b++) {
        const block = Array.from({ length: nwave }, (_, i) => cov[b * nwave + i].slice(b * nwave, (b + 1) * nwave));
        const { w: bw, v: bv } = jacobi(block, nwave);
        const rootMin = Math.sqrt(Math.max(...bw)) * THRESHOLD;
        const q = compose(bv, bw.map((x) => (Math.sqrt(x) > rootMin ? 1 / Math.sqrt(x) : 1 / rootMin)), nwave);
        for (const row of q) {
          const norm = row.reduce((s, x) => s + x, 0);
          for (const x of row) r.push(x / norm);
          ivar.push(norm * norm);
        }
      }
      return { r: Float64Array.from(r), ivar: Float64Array.from(ivar) };
    },
  }),
});
