// ghspots' Python peers (variants/ghspots/python/ghspots_peers.py), run by Python through the
// external protocol: numpy + scipy vectorised over all spots, and numba's per-spot loops.

import { pythonAvailable, pythonPeer } from '../../bench/external/python.js';
import { defineExternalVariant } from '../../bench/spec/external.js';

const peer = (name: string, rung: 'numpy' | 'numba', description: string, modules: readonly string[]) =>
  defineExternalVariant({
    kernel: 'ghspots',
    name,
    rung,
    target: 'python',
    description,
    peer: true,
    available: () => pythonAvailable(modules),
    program: () => pythonPeer('ghspots', 'ghspots_peers.py', name),
  });

export default [
  peer('numpy', 'numpy', 'numpy + scipy.special.erfc vectorised over all spots, one axis contracted first (batched matmul)', ['numpy', 'scipy']),
  peer('numba', 'numba', 'numba-compiled loops per spot: pgh once per axis, then the contraction (cache=True, compiled in prepare)', ['numpy', 'scipy', 'numba']),
];
