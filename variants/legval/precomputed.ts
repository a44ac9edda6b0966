// precomputed: the DESI "legval caching" change. The grid is static, so P_k(x) is computed once in
// prepare (the basis table) and every call is a matrix product C · basis, written into an output
// buffer allocated once. The output is valid until the next call.

import { defineVariant } from '../../bench/spec/define.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';
import { legendreBasis } from './basis.js';

export default defineVariant<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>({
  kernel: 'legval',
  name: 'precomputed',
  rung: 'precomputed',
  description: 'Legendre basis cached in prepare; each call is the product C · basis (numpy legvander + matmul)',
  prepare: (staticInputs, params) => {
    const { nseries, nx, deg } = params;
    const basis = legendreBasis(staticInputs.x, deg);
    const out = new Float64Array(nseries * nx);
    return {
      run: ({ coefficients }) => {
        for (let s = 0; s < nseries; s++) {
          const row = s * nx;
          const c0 = coefficients[s * (deg + 1)];
          for (let i = 0; i < nx; i++) out[row + i] = c0 * basis[i];
          for (let k = 1; k <= deg; k++) {
            const c = coefficients[s * (deg + 1) + k];
            const offset = k * nx;
            for (let i = 0; i < nx; i++) out[row + i] += c * basis[offset + i];
          }
        }
        return out;
      },
    };
  },
});
