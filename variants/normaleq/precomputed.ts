// precomputed: the normal equations from the stamps' structure, which the static geometry fixes
// (overlaps.ts, once in prepare): iCov_ij only for the pairs of stamps that overlap, each over the
// rectangle of pixels they share (about 1% of the dense triple loop's terms at desi-subbundle);
// y and the column weights over each stamp's own 187 pixels; the Cholesky factorisation within
// iCov's envelope (no fill-in outside it), stored as a skyline. iCov's zeros are written once in
// prepare: they depend on the geometry alone. Nothing that depends on ivar or the pixels is kept
// between calls.

import { defineVariant } from '../../bench/spec/define.js';
import { NX, NY, SPOT } from '../../kernels/ghspots/index.js';
import { MIN_WEIGHT_FRACTION, type NormaleqOutput, type NormaleqParams, type NormaleqPerCall, type NormaleqStatic } from '../../kernels/normaleq/index.js';
import { findOverlaps, type Overlaps } from './overlaps.js';

/**
 * Factors the envelope of h (n × n, row-major) into the skyline l (row j: columns first[j]..j at
 * rowStart[j]) and solves for x; false, x untouched, when a pivot is not positive.
 */
export function skylineSolve(h: Float64Array, y: Float64Array, o: Overlaps, l: Float64Array, x: Float64Array): boolean {
  const { n, first, rowStart } = o;
  for (let i = 0; i < n; i++) {
    const fi = first[i];
    const li = rowStart[i] - fi; // l[li + k] = L_ik
    for (let j = fi; j < i; j++) {
      const lj = rowStart[j] - first[j];
      let s = h[i * n + j];
      for (let k = Math.max(fi, first[j]); k < j; k++) s -= l[li + k] * l[lj + k];
      l[li + j] = s / l[lj + j];
    }
    let d = h[i * n + i];
    for (let k = fi; k < i; k++) d -= l[li + k] * l[li + k];
    if (!(d > 0)) return false;
    l[li + i] = Math.sqrt(d);
  }
  for (let i = 0; i < n; i++) {
    const li = rowStart[i] - first[i];
    let s = y[i];
    for (let k = first[i]; k < i; k++) s -= l[li + k] * x[k];
    x[i] = s / l[li + i];
  }
  // Lᵀ·x = z: column i of Lᵀ is row i of L, so each solved x_i is subtracted from the rows above it.
  for (let i = n - 1; i >= 0; i--) {
    const li = rowStart[i] - first[i];
    x[i] /= l[li + i];
    const xi = x[i];
    for (let k = first[i]; k < i; k++) x[k] -= l[li + k] * xi;
  }
  return true;
}

export default defineVariant<NormaleqStatic, NormaleqPerCall, NormaleqOutput, NormaleqParams>({
  kernel: 'normaleq',
  name: 'precomputed',
  rung: 'precomputed',
  description: 'overlapping stamp pairs only (found once from the geometry), each over its shared pixels; Cholesky within iCov\'s envelope (skyline)',
  prepare: (patch, params) => {
    const n = params.nspec * params.nwave;
    const o = findOverlaps(patch);
    const { stamps, nx, row0, col0 } = patch;
    const icov = new Float64Array(n * n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const fluxweight = new Float64Array(n);
    const l = new Float64Array(o.skyline);
    return {
      run: ({ pixels, ivar }) => {
        for (let q = 0; q < o.count; q++) {
          const i = o.pi[q];
          const j = o.pj[q];
          let s = 0;
          for (let r = 0; r < o.rows[q]; r++) {
            const a = i * SPOT + o.offI[q] + r * NX;
            const b = j * SPOT + o.offJ[q] + r * NX;
            const p = o.pixel[q] + r * nx;
            for (let c = 0; c < o.cols[q]; c++) s += stamps[a + c] * ivar[p + c] * stamps[b + c];
          }
          icov[i * n + j] = s;
          icov[j * n + i] = s;
        }
        let maxWeight = -Infinity;
        for (let j = 0; j < n; j++) {
          let t = 0;
          let w = 0;
          for (let r = 0; r < NY; r++) {
            const p = (row0[j] + r) * nx + col0[j];
            for (let c = 0; c < NX; c++) {
              const wa = ivar[p + c] * stamps[j * SPOT + r * NX + c];
              w += wa;
              if (ivar[p + c] !== 0) t += wa * pixels[p + c];
            }
          }
          y[j] = t;
          fluxweight[j] = w;
          maxWeight = Math.max(maxWeight, w);
        }
        const minweight = MIN_WEIGHT_FRACTION * maxWeight;
        for (let j = 0; j < n; j++) if (fluxweight[j] < minweight) icov[j * n + j] += (minweight - fluxweight[j]) ** 2;
        // A non-finite y cannot be solved for (a NaN pixel under weight); an unsolvable iCov either.
        if (!y.every(Number.isFinite) || !skylineSolve(icov, y, o, l, x)) x.fill(NaN);
        return { icov, x };
      },
    };
  },
});
