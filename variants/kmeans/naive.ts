// naive: k-means as a first draft is written: points and centroids as arrays of arrays, a distance
// function called per (point, centroid) pair, fresh arrays for the sums and the output on every
// call. Nothing is slowed on purpose; the cost is the generic shape (boxed rows, a call per pair,
// no reuse), which the later rungs remove.

import { defineVariant } from '../../bench/spec/define.js';
import type { KmeansOutput, KmeansParams, KmeansPerCall, KmeansStatic } from '../../kernels/kmeans/index.js';

/** Rows of a row-major matrix as arrays of numbers. */
function rows(values: Float64Array, count: number, d: number): number[][] {
  return Array.from({ length: count }, (_, r) => Array.from(values.subarray(r * d, (r + 1) * d)));
}

export function distance2(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}

export default defineVariant<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>({
  kernel: 'kmeans',
  name: 'naive',
  rung: 'naive',
  description: 'arrays of arrays, a distance function call per (point, centroid), fresh arrays per call',
  prepare: (staticInputs, params) => {
    const { n, d, k } = params;
    const points = rows(staticInputs.x, n, d);
    return {
      run: ({ centroids }) => {
        const centres = rows(centroids, k, d);
        const labels = new Int32Array(n);
        const sums = centres.map(() => new Array<number>(d).fill(0));
        const counts = new Array<number>(k).fill(0);
        let inertia = 0;
        points.forEach((point, i) => {
          let best = Infinity;
          centres.forEach((centre, c) => {
            const s = distance2(point, centre);
            if (s < best) {
              best = s;
              labels[i] = c;
            }
          });
          inertia += best;
        });
        points.forEach((point, i) => {
          counts[labels[i]]++;
          point.forEach((v, j) => (sums[labels[i]][j] += v));
        });
        const next = sums.map((sum, c) => (counts[c] === 0 ? centres[c] : sum.map((s) => s / counts[c])));
        return { labels, centroids: Float64Array.from(next.flat()), inertia };
      },
    };
  },
});
