// ghspots' Python peers (variants/ghspots/python/ghspots_peers.py), run by Python through the
// external protocol: numpy + scipy vectorised over all spots, and numba's per-spot loops.

import { pythonPeerVariant } from '../../bench/external/python.js';

const script = 'ghspots_peers.py';

export default [
  pythonPeerVariant({
    kernel: 'ghspots',
    script,
    name: 'numpy',
    rung: 'numpy',
    description: 'numpy + scipy.special.erfc vectorised over all spots, one axis contracted first (batched matmul)',
    modules: ['numpy', 'scipy'],
  }),
  pythonPeerVariant({
    kernel: 'ghspots',
    script,
    name: 'numba',
    rung: 'numba',
    description: 'numba-compiled loops per spot: pgh once per axis, then the contraction (cache=True, compiled in prepare)',
    modules: ['numpy', 'scipy', 'numba'],
  }),
];
