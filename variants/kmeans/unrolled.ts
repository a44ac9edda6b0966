// unrolled: the reference's exact distances (x - c)², tuned for V8. prepare generates the loop for
// the size's d (as legval's unrolled rung does for its degree): the coordinates of two points are
// loaded into locals once, each centroid coordinate is loaded once per pair of points and the
// distance is one expression over registers; the update (sums, counts, inertia) is fused into the
// same pass, so X is read once per call. Typed arrays only. This rung keeps the direct distance
// rather than the precomputed rung's norm expansion: with d unrolled the subtraction costs no more
// than the dot product, and needs no near-tie correction. Distances, sums and the inertia are
// added in the reference's order, so the output agrees with the reference to the bit.

import { defineVariant } from '../../bench/spec/define.js';
import type { KmeansOutput, KmeansParams, KmeansPerCall, KmeansStatic } from '../../kernels/kmeans/index.js';
import { finishCentroids } from './precomputed.js';

type Pass = (n: number, k: number, x: Float64Array, C: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array) => number;

const range = (n: number): number[] => Array.from({ length: n }, (_, j) => j);

/** Source of one assign + accumulate pass for dimension d, two points per iteration. */
export function unrolledPassSource(d: number): string {
  const js = range(d);
  const load = (p: string, base: string) => js.map((j) => `${p}${j} = x[${base} + ${j}]`).join(', ');
  const dist = (t: string) => js.map((j) => `${t}${j} * ${t}${j}`).join(' + ');
  const accumulate = (p: string, label: string) => `counts[${label}]++; { const s = ${label} * ${d}; ${js.map((j) => `sums[s + ${j}] += ${p}${j};`).join(' ')} }`;
  return `
    let inertia = 0;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const o = i * ${d};
      const ${load('a', 'o')};
      const ${load('b', `o + ${d}`)};
      let bestA = Infinity, bestB = Infinity, la = 0, lb = 0;
      for (let c = 0, q = 0; c < k; c++, q += ${d}) {
        ${js.map((j) => `const c${j} = C[q + ${j}], u${j} = a${j} - c${j}, v${j} = b${j} - c${j};`).join('\n        ')}
        const sa = ${dist('u')};
        const sb = ${dist('v')};
        if (sa < bestA) { bestA = sa; la = c; }
        if (sb < bestB) { bestB = sb; lb = c; }
      }
      labels[i] = la; labels[i + 1] = lb;
      inertia += bestA; inertia += bestB;
      ${accumulate('a', 'la')}
      ${accumulate('b', 'lb')}
    }
    if (i < n) {
      const o = i * ${d};
      const ${load('a', 'o')};
      let bestA = Infinity, la = 0;
      for (let c = 0, q = 0; c < k; c++, q += ${d}) {
        ${js.map((j) => `const u${j} = a${j} - C[q + ${j}];`).join(' ')}
        const sa = ${dist('u')};
        if (sa < bestA) { bestA = sa; la = c; }
      }
      labels[i] = la;
      inertia += bestA;
      ${accumulate('a', 'la')}
    }
    return inertia;`;
}

function compilePass(d: number): Pass {
  return new Function('n', 'k', 'x', 'C', 'labels', 'sums', 'counts', unrolledPassSource(d)) as Pass;
}

export default defineVariant<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>({
  kernel: 'kmeans',
  name: 'unrolled',
  rung: 'unrolled',
  description: 'exact distances unrolled for d (generated in prepare), two points per pass, update fused into the same pass',
  prepare: (staticInputs, params) => {
    const { n, d, k } = params;
    const pass = compilePass(d);
    const labels = new Int32Array(n);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    return {
      run: ({ centroids }) => {
        sums.fill(0);
        counts.fill(0);
        const inertia = pass(n, k, staticInputs.x, centroids, labels, sums, counts);
        return { labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
      },
    };
  },
});
