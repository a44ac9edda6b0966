// legval: batched evaluation of Legendre series, the DESI extraction hotspot (KERNELS.md §1).
// PSF parameters and fiber traces are Legendre series in a reduced wavelength
// x = 2(λ - λmin)/(λmax - λmin) - 1; the pipeline evaluates nseries of them on the same grid.

import { defineKernel } from '../../bench/spec/define.js';
import { createRandom } from '../../bench/random.js';
import type { EdgeCase, KernelInputs } from '../../bench/types.js';

export type LegvalParams = { readonly nseries: number; readonly nx: number; readonly deg: number };
/** The wavelength grid, reduced to [-1, 1]: the same for every call. */
export type LegvalStatic = { readonly x: Float64Array };
/** Coefficients, row-major: series s holds C[s*(deg+1) + k] for k = 0..deg, lowest degree first. */
export type LegvalPerCall = { readonly coefficients: Float64Array };
/** out[s*nx + i] = Σ_k C[s][k] · P_k(x[i]). */
export type LegvalOutput = Float64Array;
export type LegvalInputs = KernelInputs<LegvalStatic, LegvalPerCall>;

/**
 * The reference: numpy.polynomial.legendre.legval's Clenshaw recurrence, value by value, written for
 * clarity rather than speed. It is checked against numpy itself through test/fixtures/legval.json.
 */
export function legvalReference(inputs: LegvalInputs, params: LegvalParams): LegvalOutput {
  const { x } = inputs.static;
  const { coefficients } = inputs.perCall;
  const { nseries, nx, deg } = params;
  const out = new Float64Array(nseries * nx);
  for (let s = 0; s < nseries; s++) {
    const c = coefficients.subarray(s * (deg + 1), (s + 1) * (deg + 1));
    for (let i = 0; i < nx; i++) out[s * nx + i] = clenshaw(x[i], c);
  }
  return out;
}

function clenshaw(x: number, c: Float64Array): number {
  if (c.length === 1) return c[0];
  let c0 = c[c.length - 2];
  let c1 = c[c.length - 1];
  for (let n = c.length - 1; n >= 2; n--) {
    const previous = c0;
    c0 = c[n - 2] - (c1 * (n - 1)) / n;
    c1 = previous + (c1 * x * (2 * n - 1)) / n;
  }
  return c0 + c1 * x;
}

/** The reduced wavelength grid of the r camera: evenly spaced, both ends included. */
function reducedGrid(nx: number): Float64Array {
  const x = new Float64Array(nx);
  for (let i = 0; i < nx; i++) x[i] = nx === 1 ? 0 : -1 + (2 * i) / (nx - 1);
  return x;
}

/** PSF-like coefficients: order-one leading terms, decaying with degree. */
function randomCoefficients(nseries: number, deg: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const c = new Float64Array(nseries * (deg + 1));
  for (let s = 0; s < nseries; s++) {
    for (let k = 0; k <= deg; k++) c[s * (deg + 1) + k] = random.uniform(-1, 1) / (k + 1);
  }
  return c;
}

function edgeCases(): EdgeCase<LegvalStatic, LegvalPerCall, LegvalParams>[] {
  const exactPoints = Float64Array.of(-1, -0.5, 0, 0.5, 1);
  const withNaN = randomCoefficients(3, 3, 7);
  withNaN[1 * 4 + 2] = Number.NaN; // series 1 must come out NaN everywhere, the others untouched
  const xWithNaN = Float64Array.of(-1, Number.NaN, 0.25, 1);
  const cases: [string, LegvalParams, Float64Array, Float64Array][] = [
    ['x = -1, 0, +1 exactly', { nseries: 4, nx: 5, deg: 3 }, exactPoints, randomCoefficients(4, 3, 1)],
    ['degree 0', { nseries: 3, nx: 9, deg: 0 }, reducedGrid(9), randomCoefficients(3, 0, 2)],
    ['degree 1', { nseries: 3, nx: 9, deg: 1 }, reducedGrid(9), randomCoefficients(3, 1, 3)],
    ['degree 2', { nseries: 3, nx: 9, deg: 2 }, reducedGrid(9), randomCoefficients(3, 2, 4)],
    ['degree 9', { nseries: 5, nx: 17, deg: 9 }, reducedGrid(17), randomCoefficients(5, 9, 5)],
    ['high degree 24', { nseries: 3, nx: 65, deg: 24 }, reducedGrid(65), randomCoefficients(3, 24, 6)],
    ['odd lengths (loop tails)', { nseries: 3, nx: 7, deg: 3 }, reducedGrid(7), randomCoefficients(3, 3, 8)],
    ['single point', { nseries: 2, nx: 1, deg: 3 }, Float64Array.of(0.3), randomCoefficients(2, 3, 9)],
    ['NaN coefficient propagates', { nseries: 3, nx: 9, deg: 3 }, reducedGrid(9), withNaN],
    ['NaN x propagates', { nseries: 2, nx: 4, deg: 3 }, xWithNaN, randomCoefficients(2, 3, 10)],
  ];
  return cases.map(([name, params, x, coefficients]) => ({
    name,
    params,
    inputs: { static: { x }, perCall: { coefficients } },
  }));
}

export default defineKernel<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>({
  name: 'legval',
  description: 'Batched Legendre series evaluation: nseries series of degree deg on an nx-point grid',
  origin: 'DESI spectroscopic extraction (specter/desispec): PSF parameters and traces as Legendre series in wavelength',
  sizes: {
    tiny: { nseries: 7, nx: 33, deg: 3 },
    small: { nseries: 100, nx: 500, deg: 3 },
    desi: { nseries: 1425, nx: 2326, deg: 3 },
    'desi-trace': { nseries: 1425, nx: 2326, deg: 9 },
  },
  quickSizes: ['tiny', 'small'],
  baseline: 'naive',
  // Weak scaling grows the series with the workers.
  grows: 'nseries',
  generate: (params, seed) => ({
    static: { x: reducedGrid(params.nx) },
    perCall: { coefficients: randomCoefficients(params.nseries, params.deg, seed) },
  }),
  // Further coefficients for the same grid, without rebuilding it.
  perCall: (params, seed) => ({ coefficients: randomCoefficients(params.nseries, params.deg, seed) }),
  reference: legvalReference,
  // Variants may sum in another order (Vandermonde product, FMA): a few ulps of O(1) terms.
  tolerance: { abs: 1e-13, rel: 1e-12, ulp: 16 },
  elements: (p) => p.nseries * p.nx,
  // Counted as the matrix-product form (2 flops per coefficient per value), the least work any
  // rung does once the basis is known; bytes: read x and C, write the output, once.
  work: (p) => ({
    flops: 2 * (p.deg + 1) * p.nseries * p.nx,
    bytes: 8 * (p.nx + p.nseries * (p.deg + 1) + p.nseries * p.nx),
  }),
  edgeCases,
});
