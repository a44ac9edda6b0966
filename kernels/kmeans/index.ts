// kmeans: one Lloyd iteration (assign every point to its nearest centroid, then move every centroid
// to the mean of its points), KERNELS.md §3; the Intel DAAL companion study of the DESI work.

import { defineKernel } from '../../bench/spec/define.js';
import { createRandom, type Random } from '../../bench/random.js';
import { ulpDistance } from '../../bench/validate/compare.js';
import type { EdgeCase, KernelInputs, Tolerance, ValidationFigures } from '../../bench/types.js';

export type KmeansParams = { readonly n: number; readonly d: number; readonly k: number };
/** The points, row-major: point i holds x[i*d + j] for j = 0..d-1. The same for every call. */
export type KmeansStatic = { readonly x: Float64Array };
/** The current centroids, row-major k × d. */
export type KmeansPerCall = { readonly centroids: Float64Array };
/**
 * labels[i] = argmin_c |x_i - C_c|² (the lowest c on an exact tie); centroids: the mean of each
 * cluster's points (an empty cluster keeps its old centroid); inertia = Σ_i min_c |x_i - C_c|².
 */
export type KmeansOutput = { readonly labels: Int32Array; readonly centroids: Float64Array; readonly inertia: number };
export type KmeansInputs = KernelInputs<KmeansStatic, KmeansPerCall>;

/** Labels may differ from the reference only where the two distances are this close (relative). */
export const TIE_RELATIVE = 1e-9;

/** |x_i - C_c|², summed over j in order: the exact distance every rung's ties are judged by. */
export function squaredDistance(x: Float64Array, i: number, centroids: Float64Array, c: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = x[i * d + j] - centroids[c * d + j];
    s += t * t;
  }
  return s;
}

/**
 * The update step for given labels: each centroid the mean of its points (summed in point order),
 * an empty cluster's unchanged; the inertia the sum of the exact distances to the labelled centroids.
 */
export function updateFromLabels(x: Float64Array, centroids: Float64Array, labels: ArrayLike<number>, params: KmeansParams): { centroids: Float64Array; inertia: number } {
  const { n, d, k } = params;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < d; j++) sums[c * d + j] += x[i * d + j];
    inertia += squaredDistance(x, i, centroids, c, d);
  }
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) sums[c * d + j] = counts[c] === 0 ? centroids[c * d + j] : sums[c * d + j] / counts[c];
  }
  return { centroids: sums, inertia };
}

/** The reference: distances by definition, the first smallest wins, then the update. */
export function kmeansReference(inputs: KmeansInputs, params: KmeansParams): KmeansOutput {
  const { x } = inputs.static;
  const { centroids } = inputs.perCall;
  const { n, d, k } = params;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let c = 0; c < k; c++) {
      const s = squaredDistance(x, i, centroids, c, d);
      if (s < best) {
        best = s;
        labels[i] = c;
      }
    }
  }
  return { labels, ...updateFromLabels(x, centroids, labels, params) };
}

/**
 * Validation with KERNELS.md's tie rule.
 * - labels: a label that differs from the reference's is legitimate when the exact distance to the
 *   variant's centroid is within TIE_RELATIVE (relative) of the exact distance to the reference's
 *   (the smallest); any other difference, or a label out of range, is a mismatch.
 * - centroids and inertia: the expected values are recomputed from the variant's own labels when
 *   (and only when) all its label differences are legitimate ties, since moving a tied point moves
 *   two centroids; then they must agree to tolerance.rel. A centroid coordinate is a mean, whose
 *   rounding error is relative to the mean of |x| over its points, not to the mean itself (which may
 *   be near zero): the bound is rel · max(|expected|, mean |x_j| of the cluster).
 */
export function kmeansCompare(actual: KmeansOutput, expected: KmeansOutput, inputs: KmeansInputs, params: KmeansParams, tolerance: Tolerance): ValidationFigures {
  const { n, d, k } = params;
  const { x } = inputs.static;
  const old = inputs.perCall.centroids;
  const unusable = (problem: string): ValidationFigures => ({ maxAbsError: Infinity, maxRelError: Infinity, maxUlp: Infinity, checked: 0, mismatches: 1, problem });
  if (typeof actual !== 'object' || actual === null) return unusable('expected an object { labels, centroids, inertia }');
  const { labels, centroids, inertia } = actual;
  if (!ArrayBuffer.isView(labels) || (labels as unknown as ArrayLike<number>).length !== n) return unusable(`labels must be an array of ${n} values`);
  if (!ArrayBuffer.isView(centroids) || (centroids as unknown as ArrayLike<number>).length !== k * d) return unusable(`centroids must be an array of ${k * d} values`);
  if (typeof inertia !== 'number') return unusable('inertia must be a number');

  let mismatches = 0;
  let ties = 0;
  let firstMismatch: ValidationFigures['firstMismatch'];
  const miss = (field: string, index: number, a: number, e: number) => {
    mismatches++;
    firstMismatch ??= { field, index, actual: a, expected: e };
  };
  for (let i = 0; i < n; i++) {
    const a = labels[i];
    const e = expected.labels[i];
    if (a === e) continue;
    if (!Number.isInteger(a) || a < 0 || a >= k) {
      miss('labels', i, a, e);
      continue;
    }
    const da = squaredDistance(x, i, old, a, d);
    const de = squaredDistance(x, i, old, e, d);
    if (da - de <= TIE_RELATIVE * Math.max(da, de)) ties++;
    else miss('labels', i, a, e);
  }
  if (mismatches > 0) return { maxAbsError: 0, maxRelError: 0, maxUlp: 0, checked: n, mismatches, firstMismatch };

  const want = ties === 0 ? expected : updateFromLabels(x, old, labels, params);
  // Mean |x_j| of each cluster (by the variant's labels): the scale of a centroid's rounding error.
  const scale = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    counts[labels[i]]++;
    for (let j = 0; j < d; j++) scale[labels[i] * d + j] += Math.abs(x[i * d + j]);
  }
  let maxAbsError = 0;
  let maxRelError = 0;
  let maxUlp = 0;
  const check = (field: string, index: number, a: number, e: number, s: number) => {
    const size = Math.max(Math.abs(e), s);
    const ok = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= tolerance.abs + tolerance.rel * size;
    if (Number.isFinite(a) && Number.isFinite(e)) {
      const abs = Math.abs(a - e);
      maxAbsError = Math.max(maxAbsError, abs);
      // Relative to the size the tolerance uses, so that the figure is comparable with tolerance.rel.
      if (size !== 0) maxRelError = Math.max(maxRelError, abs / size);
      maxUlp = Math.max(maxUlp, ulpDistance(a, e));
    }
    if (!ok) miss(field, index, a, e);
  };
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const s = counts[c] === 0 ? 0 : scale[c * d + j] / counts[c];
      check('centroids', c * d + j, centroids[c * d + j], want.centroids[c * d + j], s);
    }
  }
  check('inertia', 0, inertia, want.inertia, 0);
  return { maxAbsError, maxRelError, maxUlp, checked: n + k * d + 1, mismatches, ...(firstMismatch ? { firstMismatch } : {}) };
}

/**
 * Clustered points: k true centres uniform in [-10, 10]^d, each point a centre plus uniform noise
 * in [-2, 2]^d; the initial centroids are k distinct data points (as k-means' random init picks).
 * One pass over typed arrays: the intel size's 20 million coordinates take well under a second.
 */
export function clusteredInputs(params: KmeansParams, seed: number): KmeansInputs {
  const { n, d, k } = params;
  const random = createRandom(seed);
  const centres = new Float64Array(k * d);
  for (let q = 0; q < k * d; q++) centres[q] = random.uniform(-10, 10);
  // Noise first, in bulk (X has up to 20 million coordinates), then each point's cluster centre.
  const x = random.fillUniform(new Float64Array(n * d), -2, 2);
  const cluster = random.fillUniform(new Float64Array(n), 0, k);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(cluster[i]);
    for (let j = 0; j < d; j++) x[i * d + j] += centres[c * d + j];
  }
  return { static: { x }, perCall: { centroids: pickCentroids(x, params, random) } };
}

/** k distinct data points as initial centroids, as k-means' random init picks them. */
function pickCentroids(x: Float64Array, { n, d, k }: KmeansParams, random: Random): Float64Array {
  const centroids = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    // Spread over the data so that distinct points are picked; k <= n.
    const i = Math.min(n - 1, Math.floor(((c + random.next()) * n) / k));
    centroids.set(x.subarray(i * d, (i + 1) * d), c * d);
  }
  return centroids;
}

/** Further centroids for the same points: another draw of k of them (X itself is not regenerated). */
export function furtherCentroids(params: KmeansParams, seed: number, { x }: KmeansStatic): KmeansPerCall {
  return { centroids: pickCentroids(x, params, createRandom(seed)) };
}

function edgeCase(name: string, params: KmeansParams, x: number[], centroids: number[]): EdgeCase<KmeansStatic, KmeansPerCall, KmeansParams> {
  return { name, params, inputs: { static: { x: Float64Array.from(x) }, perCall: { centroids: Float64Array.from(centroids) } } };
}

export function edgeCases(): EdgeCase<KmeansStatic, KmeansPerCall, KmeansParams>[] {
  const far = clusteredInputs({ n: 40, d: 3, k: 4 }, 11);
  const farCentroids = Array.from(far.perCall.centroids);
  farCentroids.splice(2 * 3, 3, 1e3, -1e3, 1e3); // centroid 2 is far from every point: empty
  const dup = clusteredInputs({ n: 9, d: 4, k: 3 }, 12);
  const dupX = [...Array.from(dup.static.x), ...Array.from(dup.static.x), ...Array.from(dup.static.x.subarray(0, 8))]; // every point twice, two thrice
  const dupC = Array.from(dup.static.x.subarray(0, 12)); // the first three points: distances of exactly 0
  // Integer points on a grid, centroids at (0,0), (2,0), (0,2), (2,2): every point with a
  // coordinate 1 is exactly equidistant from two (or four) centroids.
  const grid: number[] = [];
  for (let a = -1; a <= 3; a++) for (let b = -1; b <= 3; b++) grid.push(a, b);
  const small = clusteredInputs({ n: 37, d: 20, k: 10 }, 13);
  const tail = clusteredInputs({ n: 13, d: 5, k: 3 }, 14);
  const k1 = clusteredInputs({ n: 21, d: 3, k: 1 }, 15);
  const d1 = clusteredInputs({ n: 30, d: 1, k: 3 }, 16);
  const twin = clusteredInputs({ n: 17, d: 2, k: 3 }, 17);
  const twinC = Array.from(twin.perCall.centroids);
  twinC.splice(2, 2, twinC[0], twinC[1]); // centroid 1 = centroid 0: every tie goes to 0, cluster 1 empty
  return [
    edgeCase('empty cluster (a centroid far from all points)', { n: 40, d: 3, k: 4 }, Array.from(far.static.x), farCentroids),
    edgeCase('duplicate points, centroids on points', { n: 20, d: 4, k: 3 }, dupX, dupC),
    edgeCase('exact ties (integer grid)', { n: 25, d: 2, k: 4 }, grid, [0, 0, 2, 0, 0, 2, 2, 2]),
    edgeCase('duplicate centroids (all tied, one empty)', { n: 17, d: 2, k: 3 }, Array.from(twin.static.x), twinC),
    edgeCase('k = 1', { n: 21, d: 3, k: 1 }, Array.from(k1.static.x), Array.from(k1.perCall.centroids)),
    edgeCase('d = 1', { n: 30, d: 1, k: 3 }, Array.from(d1.static.x), Array.from(d1.perCall.centroids)),
    edgeCase('odd n (block tails)', { n: 13, d: 5, k: 3 }, Array.from(tail.static.x), Array.from(tail.perCall.centroids)),
    edgeCase('intel shape d = 20, k = 10', { n: 37, d: 20, k: 10 }, Array.from(small.static.x), Array.from(small.perCall.centroids)),
  ];
}

export default defineKernel<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>({
  name: 'kmeans',
  description: 'One Lloyd iteration: n points of dimension d to their nearest of k centroids, then the new centroids and the inertia',
  origin: 'k-means as in the Intel DAAL companion study of the DESI optimization (matrix form, blocking, vectorization)',
  sizes: {
    tiny: { n: 64, d: 3, k: 4 },
    small: { n: 10_000, d: 8, k: 8 },
    intel: { n: 1_000_000, d: 20, k: 10 },
  },
  quickSizes: ['tiny', 'small'],
  baseline: 'naive',
  // Weak scaling grows the points with the workers: each worker keeps n of them.
  grows: 'n',
  generate: clusteredInputs,
  perCall: furtherCentroids,
  reference: kmeansReference,
  // Centroids and inertia to 1e-10 relative (KERNELS.md); labels by the tie rule, in compare.
  tolerance: { abs: 0, rel: 1e-10, ulp: 0 },
  elements: (p) => p.n,
  // Distances: a subtraction, a multiplication and an addition per coordinate per centroid; the
  // update: an addition per coordinate. Bytes: read X once, write the labels, read and write C.
  work: (p) => ({ flops: 3 * p.n * p.k * p.d + p.n * p.d, bytes: 8 * p.n * p.d + 4 * p.n + 16 * p.k * p.d }),
  edgeCases,
  compare: kmeansCompare,
});
