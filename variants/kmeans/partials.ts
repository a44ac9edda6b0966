// The parallel rungs' shape of one Lloyd step, daal4py's: each worker assigns its own rows of X and
// sums its clusters (the partial sums, counts and inertia, in one array per worker), then the
// partials are added in worker order. A fixed order makes the result the same to the bit for the
// same number of workers, whichever backend carries the partials; a different number of workers
// adds them in other groupings, within the kernel's tolerance of the reference.

import type { NativeAddon } from '../../native/index.js';
import { packBlocks } from './blocks.js';

/** A worker's partial: sums (k × d), then counts (k), then the inertia. */
export function partialLength(k: number, d: number): number {
  return k * d + k + 1;
}

/**
 * The distance between two workers' partials in one shared array: the length rounded up to whole
 * 64-byte cache lines, and one line more, so that no line holds two workers' partials whatever the
 * array's alignment. Unpadded, one worker's counts and the next one's first sums shared a line,
 * written by both for every point (false sharing). On this project's VM the in-process rungs stayed
 * near 1.5x at p = 2 with or without it (README, "Measured here"): padding removes a cost, it did
 * not remove that gap.
 */
export function paddedStride(k: number, d: number): number {
  return Math.ceil(partialLength(k, d) / 8) * 8 + 8;
}

/** The local step over packed rows (n of them): labels written, the partial filled. */
export function localStep(addon: NativeAddon, xb: Float64Array, n: number, d: number, centroids: Float64Array, labels: Int32Array, partial: Float64Array): void {
  const kd = centroids.length;
  const k = kd / d;
  partial[kd + k] = addon.kmeans(xb, n, d, centroids, labels, partial.subarray(0, kd), partial.subarray(kd, kd + k));
}

/** What one worker holds: its rows packed into blocks, its labels and its partial. */
export interface ShardState {
  readonly xb: Float64Array;
  readonly n: number;
  readonly labels: Int32Array;
  readonly partial: Float64Array;
}

/** A worker's state from its rows of X (row-major, n × d). */
export function shardState(x: Float64Array, n: number, d: number, k: number): ShardState {
  return { xb: packBlocks(x, n, d), n, labels: new Int32Array(n), partial: new Float64Array(partialLength(k, d)) };
}

/**
 * The workers' partials (worker w's at w × stride in `partials`) added in worker order into `sums`
 * and `counts`; returns the inertia. Worker 0's values are copied, not added to zero, as the serial
 * step's would be (a sum of -0 stays -0).
 */
export function combinePartials(partials: Float64Array, workers: number, k: number, d: number, sums: Float64Array, counts: Float64Array, stride = partialLength(k, d)): number {
  const kd = k * d;
  sums.set(partials.subarray(0, kd));
  counts.set(partials.subarray(kd, kd + k));
  let inertia = partials[kd + k];
  for (let w = 1; w < workers; w++) {
    const o = w * stride;
    for (let q = 0; q < kd; q++) sums[q] += partials[o + q];
    for (let c = 0; c < k; c++) counts[c] += partials[o + kd + c];
    inertia += partials[o + kd + k];
  }
  return inertia;
}
