// precomputed: |x - c|² = |x|² - 2 x·c + |c|², as k-means libraries compute it (a matrix product
// and two norm vectors). |x|² is cached in prepare (X is static), |c|² computed once per call; each
// (point, centroid) pair then costs one dot product. The subtraction cancels where a point is near a
// centroid relative to their norms, so a point is re-examined with exact distances (x - c)² when
// its two best approximate distances are within the rounding bound of each other (a near-tie that
// rounding could have flipped), or when its best distance is so small against |x|² + |c|² that its
// relative error could reach the inertia's tolerance. Both are rare on real data.

import { defineVariant } from '../../bench/spec/define.js';
import { squaredDistance, TIE_RELATIVE, type KmeansOutput, type KmeansParams, type KmeansPerCall, type KmeansStatic } from '../../kernels/kmeans/index.js';

/** Squared norms of the rows of a row-major matrix. */
export function rowNorms(values: Float64Array, rowsCount: number, d: number): Float64Array {
  const norms = new Float64Array(rowsCount);
  for (let r = 0; r < rowsCount; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += values[r * d + j] * values[r * d + j];
    norms[r] = s;
  }
  return norms;
}

/** Means of the summed clusters, written over `sums`; empty clusters keep their old centroid. */
export function finishCentroids(sums: Float64Array, counts: Float64Array, old: Float64Array, k: number, d: number): Float64Array {
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) sums[c * d + j] = counts[c] === 0 ? old[c * d + j] : sums[c * d + j] / counts[c];
  }
  return sums;
}

/**
 * When |x|² - 2x·c + |c|² must be rechecked with exact distances, as fractions of |x|² + max |c|²:
 * `rounding`, twice the bound (d + 3) eps of its rounding error, with margin: two best distances
 * closer than that may be in the wrong order; `cancellation`: a best distance below this could carry
 * a relative error above 1e-11 (the inertia must hold 1e-10).
 */
export function nearTieBounds(d: number): { rounding: number; cancellation: number } {
  const rounding = 4 * (d + 4) * Number.EPSILON;
  return { rounding, cancellation: rounding * 1e11 };
}

export default defineVariant<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>({
  kernel: 'kmeans',
  name: 'precomputed',
  rung: 'precomputed',
  description: '|x|² cached in prepare, |c|² per call, X·Cᵀ four centroids per pass; near-ties rechecked with exact distances',
  prepare: (staticInputs, params) => {
    const { n, d, k } = params;
    const { x } = staticInputs;
    const xx = rowNorms(x, n, d);
    const { rounding: roundingBound, cancellation } = nearTieBounds(d);
    const labels = new Int32Array(n);
    const dots = new Float64Array(k);
    return {
      run: ({ centroids }) => {
        const cc = rowNorms(centroids, k, d);
        let ccMax = 0;
        for (let c = 0; c < k; c++) ccMax = Math.max(ccMax, cc[c]);
        const sums = new Float64Array(k * d);
        const counts = new Float64Array(k);
        let inertia = 0;
        for (let i = 0; i < n; i++) {
          const xi = i * d;
          // The matrix product X·Cᵀ, four centroids per pass sharing each load of x.
          let c = 0;
          for (; c + 3 < k; c += 4) {
            const c0 = c * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
            let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
            for (let j = 0; j < d; j++) {
              const v = x[xi + j];
              d0 += v * centroids[c0 + j];
              d1 += v * centroids[c1 + j];
              d2 += v * centroids[c2 + j];
              d3 += v * centroids[c3 + j];
            }
            dots[c] = d0;
            dots[c + 1] = d1;
            dots[c + 2] = d2;
            dots[c + 3] = d3;
          }
          for (; c < k; c++) {
            let dot = 0;
            for (let j = 0; j < d; j++) dot += x[xi + j] * centroids[c * d + j];
            dots[c] = dot;
          }
          let best = Infinity;
          let second = Infinity;
          let label = 0;
          for (let c = 0; c < k; c++) {
            const s = xx[i] - 2 * dots[c] + cc[c];
            if (s < best) {
              second = best;
              best = s;
              label = c;
            } else if (s < second) second = s;
          }
          const scale = xx[i] + ccMax;
          if (second - best <= roundingBound * scale + TIE_RELATIVE * Math.abs(best) || best <= cancellation * scale) {
            best = Infinity;
            for (let c = 0; c < k; c++) {
              const s = squaredDistance(x, i, centroids, c, d);
              if (s < best) {
                best = s;
                label = c;
              }
            }
          }
          labels[i] = label;
          inertia += best;
          counts[label]++;
          for (let j = 0; j < d; j++) sums[label * d + j] += x[xi + j];
        }
        return { labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
      },
    };
  },
});
