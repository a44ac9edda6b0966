// kmeans' Python peers (variants/kmeans/python/kmeans_peers.py), run by Python through the external
// protocol: one Lloyd iteration from the given centroids, as numpy (norm expansion), numba and
// scikit-learn's own Lloyd routine compute it.

import { pythonAvailable, pythonPeer } from '../../bench/external/python.js';
import { defineExternalVariant } from '../../bench/spec/external.js';

const peer = (name: string, rung: 'numpy' | 'numba' | 'sklearn', description: string, modules: readonly string[]) =>
  defineExternalVariant({
    kernel: 'kmeans',
    name,
    rung,
    target: 'python',
    description,
    peer: true,
    available: () => pythonAvailable(modules),
    program: () => pythonPeer('kmeans', 'kmeans_peers.py', name),
  });

export default [
  peer('numpy', 'numpy', 'numpy with the norm expansion |x|² - 2x·c + |c|² (|x|² cached in prepare), one matrix product per call', ['numpy']),
  peer('numba', 'numba', 'numba-compiled loops: exact distances, sums and counts in one pass (cache=True, compiled in prepare)', ['numpy', 'numba']),
  peer('sklearn', 'sklearn', "scikit-learn's Lloyd iteration (lloyd_iter_chunked_dense, 1 thread) from the given centroids, its inertia routine", ['numpy', 'sklearn']),
];
