// native: legval in C++ (native/src/legval.cc) through node-addon-api, one build per x86-64 level.
// Clenshaw with hoisted constants, the degree a template parameter (fully unrolled), four series
// per pass over x, explicit FMA on v3/v4. Typed arrays go to C++ by pointer; the output buffer is
// allocated once in prepare.

import { levelRank } from '../../bench/env/cpu.js';
import { loadNative, nativeVariants } from '../../native/index.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';

export default nativeVariants<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>('legval', (level) => ({
  description: `C++ -march=${level}: Clenshaw unrolled per degree (templates), 4 series per pass${levelRank(level) >= levelRank('x86-64-v3') ? ', FMA' : ''}`,
  prepare: (staticInputs, params) => {
    const addon = loadNative(level);
    const { x } = staticInputs;
    const out = new Float64Array(params.nseries * params.nx);
    return {
      run: ({ coefficients }) => {
        addon.legval(x, coefficients, params.deg, out);
        return out;
      },
    };
  },
}));
