// gpu: ghspots in CUDA C++ (native/cuda/ghspots.cu), double precision, through node-addon-api. One
// spot per block: CUDA's erfc and exp per edge, the pixel integrals, then T = G·pghX and
// S = pghYᵀ·T in shared memory. Every input is per call: each call stages and uploads the spots'
// parameters and coefficients in chunks on two streams, so that uploads, kernels and downloads
// overlap, and the spots come back into page-locked host memory, which is the array run returns.
// The kernels' own time is reported as deviceTime.

import { cudaVariant, loadCudaAddon } from '../../native/cuda.js';
import type { GhspotsOutput, GhspotsParams, GhspotsPerCall, GhspotsStatic } from '../../kernels/ghspots/index.js';

export default cudaVariant<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>('ghspots', {
  description: 'CUDA f64: one spot per block, erfc/exp per edge, T = G·pghX, S = pghYᵀ·T in shared memory; chunks overlap transfers',
  prepare: (_static, params) => {
    const gpu = new (loadCudaAddon().Ghspots)(params.nspots);
    return {
      run: ({ dx, dy, sx, sy, g }) => {
        gpu.run(dx, dy, sx, sy, g);
        return gpu.output;
      },
      deviceTime: () => gpu.deviceTime(),
      dispose: () => gpu.dispose(),
    };
  },
});
