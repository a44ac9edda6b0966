// unrolled: the precomputed rung's algorithm tuned for V8.
// - WA = ivar ⊙ A once per call, stamp by stamp (187 contiguous values per bin), so each pair's
//   sum is a dot product of two stamps' rows, with no pixel indexing left in the inner loop; a pair
//   that shares whole stamp rows (same-fiber neighbours, most pairs) is one contiguous dot product;
// - dot products four terms at a time into four accumulators (a different summation order from
//   the precomputed rung's, within the kernel's tolerance);
// - the same skyline Cholesky with the dot products unrolled the same way, and the back solve by
//   columns of Lᵀ (rows of L), so every loop walks memory forwards.

import { defineVariant } from '../../bench/spec/define.js';
import { NX, NY, SPOT } from '../../kernels/ghspots/index.js';
import { MIN_WEIGHT_FRACTION, type NormaleqOutput, type NormaleqParams, type NormaleqPerCall, type NormaleqStatic } from '../../kernels/normaleq/index.js';
import { findOverlaps, type Overlaps } from './overlaps.js';

/** Σ_k a[i + k]·b[j + k] for k < len, four accumulators. */
function dot(a: Float64Array, i: number, b: Float64Array, j: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += a[i + k] * b[j + k];
    s1 += a[i + k + 1] * b[j + k + 1];
    s2 += a[i + k + 2] * b[j + k + 2];
    s3 += a[i + k + 3] * b[j + k + 3];
  }
  for (; k < len; k++) s0 += a[i + k] * b[j + k];
  return (s0 + s1) + (s2 + s3);
}

function factorAndSolve(h: Float64Array, y: Float64Array, o: Overlaps, l: Float64Array, x: Float64Array): boolean {
  const { n, first, rowStart } = o;
  for (let i = 0; i < n; i++) {
    const fi = first[i];
    const li = rowStart[i] - fi;
    for (let j = fi; j < i; j++) {
      const lj = rowStart[j] - first[j];
      const k0 = fi > first[j] ? fi : first[j];
      l[li + j] = (h[i * n + j] - dot(l, li + k0, l, lj + k0, j - k0)) / l[lj + j];
    }
    const d = h[i * n + i] - dot(l, li + fi, l, li + fi, i - fi);
    if (!(d > 0)) return false;
    l[li + i] = Math.sqrt(d);
  }
  for (let i = 0; i < n; i++) {
    const li = rowStart[i] - first[i];
    x[i] = (y[i] - dot(l, li + first[i], x, first[i], i - first[i])) / l[li + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    const li = rowStart[i] - first[i];
    const xi = (x[i] /= l[li + i]);
    for (let k = first[i]; k < i; k++) x[k] -= l[li + k] * xi;
  }
  return true;
}

export default defineVariant<NormaleqStatic, NormaleqPerCall, NormaleqOutput, NormaleqParams>({
  kernel: 'normaleq',
  name: 'unrolled',
  rung: 'unrolled',
  description: 'WA = ivar ⊙ A per stamp, each overlapping pair a dot product of stamp rows (whole rows as one), 4-way unrolled; skyline Cholesky with unrolled dot products',
  prepare: (patch, params) => {
    const n = params.nspec * params.nwave;
    const o = findOverlaps(patch);
    const { stamps, nx, row0, col0 } = patch;
    const icov = new Float64Array(n * n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const fluxweight = new Float64Array(n);
    const wa = new Float64Array(n * SPOT);
    const wpix = new Float64Array(patch.ny * nx);
    const l = new Float64Array(o.skyline);
    return {
      run: ({ pixels, ivar }) => {
        for (let p = 0; p < wpix.length; p++) wpix[p] = ivar[p] === 0 ? 0 : ivar[p] * pixels[p];
        let maxWeight = -Infinity;
        for (let j = 0; j < n; j++) {
          let w = 0;
          let t = 0;
          const s0 = j * SPOT;
          for (let r = 0; r < NY; r++) {
            const p = (row0[j] + r) * nx + col0[j];
            const s = s0 + r * NX;
            for (let c = 0; c < NX; c++) {
              const v = ivar[p + c] * stamps[s + c];
              wa[s + c] = v;
              w += v;
              t += stamps[s + c] * wpix[p + c];
            }
          }
          fluxweight[j] = w;
          y[j] = t;
          if (w > maxWeight) maxWeight = w;
        }
        const { pi, pj, rows, cols, offI, offJ } = o;
        for (let q = 0; q < o.count; q++) {
          const i = pi[q];
          const j = pj[q];
          const a = i * SPOT + offI[q];
          const b = j * SPOT + offJ[q];
          const width = cols[q];
          let s: number;
          if (width === NX) s = dot(wa, a, stamps, b, rows[q] * NX);
          else {
            s = 0;
            for (let r = 0; r < rows[q]; r++) s += dot(wa, a + r * NX, stamps, b + r * NX, width);
          }
          icov[i * n + j] = s;
          icov[j * n + i] = s;
        }
        const minweight = MIN_WEIGHT_FRACTION * maxWeight;
        for (let j = 0; j < n; j++) if (fluxweight[j] < minweight) icov[j * n + j] += (minweight - fluxweight[j]) ** 2;
        let finite = true;
        for (let j = 0; j < n; j++) finite &&= Number.isFinite(y[j]);
        if (!finite || !factorAndSolve(icov, y, o, l, x)) x.fill(NaN);
        return { icov, x };
      },
    };
  },
});
