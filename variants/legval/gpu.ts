// gpu: legval in CUDA C++ (native/cuda/legval.cu), double precision, through node-addon-api. x is
// uploaded once in prepare; each call uploads C, runs one thread per output value (numpy's Clenshaw,
// the recurrence constants from constant memory) and copies the values back into page-locked host
// memory, which is the array run returns. The kernel's own time is reported as deviceTime.

import { cudaVariant, loadCudaAddon } from '../../native/cuda.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';

export default cudaVariant<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>('legval', {
  description: 'CUDA f64: one thread per value, Clenshaw, constants in constant memory; C up and values back per call',
  prepare: (staticInputs, params) => {
    const gpu = new (loadCudaAddon().Legval)(staticInputs.x, params.nseries, params.deg);
    return {
      run: ({ coefficients }) => {
        gpu.run(coefficients);
        return gpu.output;
      },
      deviceTime: () => gpu.deviceTime(),
      dispose: () => gpu.dispose(),
    };
  },
});
