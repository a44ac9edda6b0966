// kmeans' Python peers (variants/kmeans/python/kmeans_peers.py), run by Python through the external
// protocol: one Lloyd iteration from the given centroids, as numpy (norm expansion), numba and
// scikit-learn's own Lloyd routine compute it.

import { pythonPeerVariant } from '../../bench/external/python.js';

const script = 'kmeans_peers.py';

export default [
  pythonPeerVariant({
    kernel: 'kmeans',
    script,
    name: 'numpy',
    rung: 'numpy',
    description: 'numpy with the norm expansion |x|² - 2x·c + |c|² (|x|² cached in prepare), one matrix product per call',
    modules: ['numpy'],
  }),
  pythonPeerVariant({
    kernel: 'kmeans',
    script,
    name: 'numba',
    rung: 'numba',
    description: 'numba-compiled loops: exact distances, sums and counts in one pass (cache=True, compiled in prepare)',
    modules: ['numpy', 'numba'],
  }),
  pythonPeerVariant({
    kernel: 'kmeans',
    script,
    name: 'sklearn',
    rung: 'sklearn',
    description: "scikit-learn's Lloyd iteration (lloyd_iter_chunked_dense, 1 thread) from the given centroids, its inertia routine",
    modules: ['numpy', 'sklearn'],
  }),
];
