// native: kmeans in C++ (native/src/kmeans.cc) through node-addon-api, one build per x86-64 level.
// X is packed into blocks of 8 points (blocks.ts) once in prepare; each call computes the exact
// distances of a block's 8 points to every centroid in 8-wide vectors (d unrolled for common
// sizes), keeps the minimum per lane with vector selects, and updates sums and counts while the
// block is in cache. Explicit FMA on v4. Typed arrays go to C++ by pointer; the output buffers
// are allocated once in prepare.

import { levelRank } from '../../bench/env/cpu.js';
import { loadNative, nativeVariants } from '../../native/index.js';
import type { KmeansOutput, KmeansParams, KmeansPerCall, KmeansStatic } from '../../kernels/kmeans/index.js';
import { packBlocks } from './blocks.js';
import { finishCentroids } from './precomputed.js';

export default nativeVariants<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>('kmeans', (level) => ({
  description: `C++ -march=${level}: exact distances over blocks of 8 points in 8-wide vectors, update fused${levelRank(level) >= levelRank('x86-64-v4') ? ', FMA' : ''}`,
  prepare: (staticInputs, params) => {
    const addon = loadNative(level);
    const { n, d, k } = params;
    const xb = packBlocks(staticInputs.x, n, d);
    const labels = new Int32Array(n);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    return {
      run: ({ centroids }) => {
        const inertia = addon.kmeans(xb, n, d, centroids, labels, sums, counts);
        return { labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
      },
    };
  },
}));
