// native: legval in C++ (native/src/legval.cc) through node-addon-api, one build per x86-64 level.
// Clenshaw with hoisted constants, the degree a template parameter (fully unrolled), four series
// per pass over x, explicit FMA on v3/v4. Typed arrays go to C++ by pointer; the output buffer is
// allocated once in prepare.

import { levelRank } from '../../bench/env/cpu.js';
import { defineVariant } from '../../bench/spec/define.js';
import { loadNative, nativeStatus, NATIVE_LEVELS } from '../../native/index.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';

function nativeVariant(level: string) {
  return defineVariant<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>({
    kernel: 'legval',
    name: 'native',
    rung: 'native',
    target: level,
    description: `C++ -march=${level}: Clenshaw unrolled per degree (templates), 4 series per pass${levelRank(level) >= levelRank('x86-64-v3') ? ', FMA' : ''}`,
    available: () => nativeStatus(level),
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
  });
}

export default NATIVE_LEVELS.map(nativeVariant);
