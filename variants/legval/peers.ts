// legval's Python peers (variants/legval/python/legval_peers.py), run by Python through the external
// protocol: what a user of numpy and numba would write, measured in the same run as the ladder.

import { pythonPeerVariant } from '../../bench/external/python.js';

const peer = (name: string, rung: 'numpy' | 'numba', description: string, modules: readonly string[], sizes?: readonly string[]) =>
  pythonPeerVariant({ kernel: 'legval', script: 'legval_peers.py', name, rung, description, modules, ...(sizes ? { sizes } : {}) });

export default [
  // Seconds per call at the real sizes (about 2 µs per value, 3.3 million values): the small sizes only.
  peer('numpy-scalar', 'numpy', "numpy legval called once per scalar x per series (DESI's original shape)", ['numpy'], ['tiny', 'small']),
  peer('numpy-series', 'numpy', 'numpy legval called once per series, vectorised over x', ['numpy']),
  peer('numpy', 'numpy', 'numpy legvander of x once (prepare), then one matrix product per call', ['numpy']),
  peer('numba', 'numba', 'numba-compiled Clenshaw (cache=True, compiled in prepare), series by series', ['numpy', 'numba']),
];
