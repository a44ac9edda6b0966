// unrolled: the precomputed rung's algorithm (cached basis, C · basis) tuned for V8.
// - The loop over coefficients is unrolled completely for the size's degree: prepare generates the
//   loop's source for that degree (as mitata generates its timed loop), so each output value is one
//   expression over registers, not deg+1 passes over the output row.
// - Two series per pass share every load of the basis, halving the table traffic.
// - Typed arrays only, one shape of call site, the degree baked in as a constant.
// Terms are summed in the same order as the precomputed rung (c0·P0 + c1·P1 + ...), so the two
// agree to the bit.

import { defineVariant } from '../../bench/spec/define.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';
import { legendreBasis } from './basis.js';

type Product = (nseries: number, nx: number, c: Float64Array, basis: Float64Array, out: Float64Array) => void;

const range = (n: number): number[] => Array.from({ length: n }, (_, k) => k);

/** Source of `out = C · basis` with the coefficient loop unrolled for `deg`, two series per pass. */
export function unrolledProductSource(deg: number): string {
  const terms = range(deg + 1);
  const sum = (coefficient: string) => terms.map((k) => `${coefficient}${k} * v${k}`).join(' + ');
  return `
    const stride = ${deg + 1};
    let s = 0;
    for (; s + 1 < nseries; s += 2) {
      const row = s * nx, first = s * stride;
      ${terms.map((k) => `const a${k} = c[first + ${k}], b${k} = c[first + stride + ${k}];`).join('\n      ')}
      for (let i = 0; i < nx; i++) {
        ${terms.map((k) => `const v${k} = basis[${k} * nx + i];`).join(' ')}
        out[row + i] = ${sum('a')};
        out[row + nx + i] = ${sum('b')};
      }
    }
    for (; s < nseries; s++) {
      const row = s * nx, first = s * stride;
      ${terms.map((k) => `const a${k} = c[first + ${k}];`).join(' ')}
      for (let i = 0; i < nx; i++) {
        ${terms.map((k) => `const v${k} = basis[${k} * nx + i];`).join(' ')}
        out[row + i] = ${sum('a')};
      }
    }`;
}

function compileProduct(deg: number): Product {
  return new Function('nseries', 'nx', 'c', 'basis', 'out', unrolledProductSource(deg)) as Product;
}

export default defineVariant<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>({
  kernel: 'legval',
  name: 'unrolled',
  rung: 'unrolled',
  description: 'cached basis; coefficient loop unrolled for the degree (generated in prepare), two series per pass',
  prepare: (staticInputs, params) => {
    const { nseries, nx, deg } = params;
    const basis = legendreBasis(staticInputs.x, deg);
    const out = new Float64Array(nseries * nx);
    const product = compileProduct(deg);
    return {
      run: ({ coefficients }) => {
        product(nseries, nx, coefficients, basis, out);
        return out;
      },
    };
  },
});
