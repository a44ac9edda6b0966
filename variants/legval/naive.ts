// naive: the shape of the original DESI code, which called numpy's legval once per scalar
// wavelength per series. `legval` below is a faithful translation of that generic library call:
// it accepts a scalar or an array, copies the coefficients into a fresh array on every call (as
// np.array(c, ndmin=1) does) and runs Clenshaw's recurrence. Nothing is slowed on purpose: the cost
// is the per-call overhead and the lost structure, exactly what the precomputed rung removes.

import { defineVariant } from '../../bench/spec/define.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';

/** numpy.polynomial.legendre.legval(x, c) for a scalar or an array x. */
export function legval(x: number, c: ArrayLike<number>): number;
export function legval(x: ArrayLike<number>, c: ArrayLike<number>): Float64Array;
export function legval(x: number | ArrayLike<number>, c: ArrayLike<number>): number | Float64Array {
  const coef = Array.from(c);
  if (typeof x === 'number') {
    if (coef.length === 1) return coef[0];
    let c0 = coef[coef.length - 2];
    let c1 = coef[coef.length - 1];
    for (let nd = coef.length - 1; nd >= 2; nd--) {
      const tmp = c0;
      c0 = coef[nd - 2] - (c1 * (nd - 1)) / nd;
      c1 = tmp + (c1 * x * (2 * nd - 1)) / nd;
    }
    return c0 + c1 * x;
  }
  // The array form, as numpy computes it: whole-array temporaries at every step.
  const n = x.length;
  if (coef.length === 1) return new Float64Array(n).fill(coef[0]);
  let c0 = new Float64Array(n).fill(coef[coef.length - 2]);
  let c1 = new Float64Array(n).fill(coef[coef.length - 1]);
  for (let nd = coef.length - 1; nd >= 2; nd--) {
    const next0 = new Float64Array(n);
    const next1 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      next0[i] = coef[nd - 2] - (c1[i] * (nd - 1)) / nd;
      next1[i] = c0[i] + (c1[i] * x[i] * (2 * nd - 1)) / nd;
    }
    c0 = next0;
    c1 = next1;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = c0[i] + c1[i] * x[i];
  return out;
}

export default defineVariant<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>({
  kernel: 'legval',
  name: 'naive',
  rung: 'naive',
  description: 'one generic legval call per scalar x per series, fresh arrays per call (the original DESI shape)',
  prepare: (staticInputs, params) => {
    const { x } = staticInputs;
    const { nseries, nx, deg } = params;
    return {
      run: ({ coefficients }) => {
        const out = new Float64Array(nseries * nx);
        for (let s = 0; s < nseries; s++) {
          const row = coefficients.subarray(s * (deg + 1), (s + 1) * (deg + 1));
          for (let i = 0; i < nx; i++) out[s * nx + i] = legval(x[i], row);
        }
        return out;
      },
    };
  },
});
