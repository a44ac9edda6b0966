// gpu: kmeans in CUDA C++ (native/cuda/kmeans.cu), double precision, through node-addon-api. X is
// transposed and uploaded once in prepare; each call uploads the centroids, assigns one point per
// thread with exact distances (bit-equal to the reference), reduces each cluster's sums, counts and
// the inertia in a fixed order (no atomics: the same bits every call), and copies the labels back
// into page-locked host memory. The new centroids are the sums over the counts, as every compiled
// rung finishes them. The kernels' own time is reported as deviceTime.

import { cudaVariant, loadCudaAddon } from '../../native/cuda.js';
import type { KmeansOutput, KmeansParams, KmeansPerCall, KmeansStatic } from '../../kernels/kmeans/index.js';
import { finishCentroids } from './precomputed.js';

export default cudaVariant<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>('kmeans', {
  description: 'CUDA f64: one thread per point, exact distances; per-cluster sums reduced in a fixed order; labels back per call',
  prepare: (staticInputs, params) => {
    const { n, d, k } = params;
    const gpu = new (loadCudaAddon().Kmeans)(staticInputs.x, n, d, k);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    return {
      run: ({ centroids }) => {
        const inertia = gpu.run(centroids, sums, counts);
        return { labels: gpu.labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
      },
      deviceTime: () => gpu.deviceTime(),
      dispose: () => gpu.dispose(),
    };
  },
});
