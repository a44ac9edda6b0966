// ghspots: pixel-integrated Gauss-Hermite PSF spots, the DESI spot-construction hotspot (KERNELS.md §2).
// Each spot is the PSF of one fiber at one wavelength on an 11 × 17 pixel stamp: a Gaussian core of
// widths (sx, sy) at a sub-pixel offset (dx, dy), times Hermite polynomials up to degree 6 in each
// direction with coefficients G[7][7], integrated over every pixel.

import { defineKernel } from '../../bench/spec/define.js';
import { createRandom } from '../../bench/random.js';
import type { EdgeCase, KernelInputs } from '../../bench/types.js';
import { erfc } from './erfc.js';

/** Rows: half-size 5, 11 pixels; columns: half-size 8, 17 pixels; degree 6 in each direction. */
export const HY = 5;
export const HX = 8;
export const NY = 2 * HY + 1;
export const NX = 2 * HX + 1;
export const DEG = 6;
export const NG = DEG + 1;
/** Output values per spot. */
export const SPOT = NY * NX;

export type GhspotsParams = { readonly nspots: number };
/** Nothing about a spot is known ahead: every input is per call. */
export type GhspotsStatic = Record<string, never>;
/**
 * Per spot s: offsets dx[s], dy[s] in pixels, widths sx[s], sy[s], and the Gauss-Hermite
 * coefficients G[s*49 + i*7 + j] (i: order in y, j: order in x).
 */
export type GhspotsPerCall = {
  readonly dx: Float64Array;
  readonly dy: Float64Array;
  readonly sx: Float64Array;
  readonly sy: Float64Array;
  readonly g: Float64Array;
};
/** out[s*187 + y*17 + x] = S[s][y][x]. */
export type GhspotsOutput = Float64Array;
export type GhspotsInputs = KernelInputs<GhspotsStatic, GhspotsPerCall>;

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * The pixel integrals of one axis: pgh[m*n + p] for m = 0..DEG over the n = 2h+1 pixels, straight
 * from KERNELS.md §2, with the Hermite recurrence and Φ, φ evaluated at every edge of every pixel.
 */
export function pghReference(h: number, d: number, s: number): Float64Array {
  const n = 2 * h + 1;
  const pgh = new Float64Array(NG * n);
  const u = (t: number) => (t - d) / s;
  const Phi = (v: number) => erfc(-v * SQRT1_2) / 2;
  const phi = (v: number) => Math.exp((-v * v) / 2) * INV_SQRT_2PI;
  const he = (m: number, v: number) => {
    let a = 1;
    let b = v;
    if (m === 0) return a;
    for (let k = 1; k < m; k++) [a, b] = [b, v * b - k * a];
    return b;
  };
  for (let p = 0; p < n; p++) {
    const u0 = u(p - h - 0.5);
    const u1 = u(p + 1 - h - 0.5);
    pgh[p] = Phi(u1) - Phi(u0);
    for (let m = 1; m <= DEG; m++) pgh[m * n + p] = he(m - 1, u0) * phi(u0) - he(m - 1, u1) * phi(u1);
  }
  return pgh;
}

/** The reference: per spot, both axes' integrals, then the 49-term sum per pixel, in plain loops. */
export function ghspotsReference(inputs: GhspotsInputs, params: GhspotsParams): GhspotsOutput {
  const { dx, dy, sx, sy, g } = inputs.perCall;
  const out = new Float64Array(params.nspots * SPOT);
  for (let s = 0; s < params.nspots; s++) {
    const py = pghReference(HY, dy[s], sy[s]);
    const px = pghReference(HX, dx[s], sx[s]);
    for (let y = 0; y < NY; y++) {
      for (let x = 0; x < NX; x++) {
        let sum = 0;
        for (let i = 0; i < NG; i++) {
          for (let j = 0; j < NG; j++) sum += g[s * NG * NG + i * NG + j] * py[i * NY + y] * px[j * NX + x];
        }
        out[s * SPOT + y * NX + x] = sum;
      }
    }
  }
  return out;
}

/** DESI-like spots: offsets uniform in [-0.5, 0.5), widths 1.0-1.2, G00 = 1 and the rest ±0.1. */
export function randomSpots(nspots: number, seed: number): GhspotsPerCall {
  const random = createRandom(seed);
  const dx = new Float64Array(nspots);
  const dy = new Float64Array(nspots);
  const sx = new Float64Array(nspots);
  const sy = new Float64Array(nspots);
  const g = new Float64Array(nspots * NG * NG);
  for (let s = 0; s < nspots; s++) {
    dx[s] = random.uniform(-0.5, 0.5);
    dy[s] = random.uniform(-0.5, 0.5);
    sx[s] = random.uniform(1.0, 1.2);
    sy[s] = random.uniform(1.0, 1.2);
    for (let k = 0; k < NG * NG; k++) g[s * NG * NG + k] = k === 0 ? 1 : random.uniform(-0.1, 0.1);
  }
  return { dx, dy, sx, sy, g };
}

/** One spot per given (dx, dy, sx, sy), with random coefficients or only G00 = 1. */
function spots(shapes: readonly (readonly [number, number, number, number])[], seed: number, onlyG00 = false): GhspotsPerCall {
  const base = randomSpots(shapes.length, seed);
  shapes.forEach(([dx, dy, sx, sy], s) => {
    base.dx[s] = dx;
    base.dy[s] = dy;
    base.sx[s] = sx;
    base.sy[s] = sy;
    if (onlyG00) base.g.fill(0, s * NG * NG + 1, (s + 1) * NG * NG);
  });
  return base;
}

const BELOW_HALF = 0.5 - 2 ** -53;

function edgeCases(): EdgeCase<GhspotsStatic, GhspotsPerCall, GhspotsParams>[] {
  const cases: [string, GhspotsPerCall][] = [
    ['offsets -0.5 (extreme sub-pixel)', spots([[-0.5, -0.5, 1.1, 1.1], [-0.5, 0.2, 1.0, 1.2]], 1)],
    ['offsets just below 0.5', spots([[BELOW_HALF, BELOW_HALF, 1.1, 1.1], [0.1, BELOW_HALF, 1.2, 1.0]], 2)],
    ['tiny widths 0.3 (deep tails on the stamp)', spots([[0.2, -0.3, 0.3, 0.3], [-0.5, BELOW_HALF, 0.3, 1.1]], 3)],
    ['large widths 3.0 (spot wider than the stamp)', spots([[0.2, -0.3, 3.0, 3.0], [BELOW_HALF, -0.5, 3.0, 0.3]], 4)],
    ['only G00 (pure Gaussian)', spots([[0, 0, 1, 1], [0.3, -0.2, 1.1, 1.05], [-0.5, -0.5, 0.3, 3.0]], 5, true)],
    ['centred spot (symmetric)', spots([[0, 0, 1.1, 1.1]], 6)],
    ['odd number of spots', spots([[0.1, 0.2, 1.0, 1.0], [-0.1, -0.2, 1.2, 1.2], [0.4, -0.4, 1.1, 1.0]], 7)],
  ];
  return cases.map(([name, perCall]) => ({ name, params: { nspots: perCall.dx.length }, inputs: { static: {}, perCall } }));
}

export default defineKernel<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>({
  name: 'ghspots',
  description: 'Pixel-integrated Gauss-Hermite PSF spots: nspots stamps of 11 × 17 pixels, degree 6 × 6',
  origin: 'DESI spectroscopic extraction (specter GaussHermitePSF): one spot per fiber per wavelength',
  sizes: {
    tiny: { nspots: 16 },
    small: { nspots: 1000 },
    desi: { nspots: 58150 },
  },
  quickSizes: ['tiny', 'small'],
  baseline: 'naive',
  // Weak scaling grows the spots with the workers.
  grows: 'nspots',
  generate: (params, seed) => ({ static: {}, perCall: randomSpots(params.nspots, seed) }),
  perCall: (params, seed) => randomSpots(params.nspots, seed),
  reference: ghspotsReference,
  // Values are at most about 0.2; variants evaluate erfc with exp shared with φ, use FMA and
  // contract one axis first: a few ulps of the Φ differences and of the O(1) partial sums.
  tolerance: { abs: 1e-14, rel: 1e-11, ulp: 64 },
  elements: (p) => p.nspots * SPOT,
  // Counted as the fast shape: per spot 30 edges (erfc, exp and the Hermite recurrence, about 60
  // flops each), T = G·pghX (2·49·17) and S = pghYᵀ·T (2·7·11·17); bytes: 53 inputs and 187 outputs.
  work: (p) => ({
    flops: p.nspots * (60 * (NY + 1 + NX + 1) + 2 * NG * NG * NX + 2 * NG * NY * NX),
    bytes: 8 * p.nspots * (4 + NG * NG + SPOT),
  }),
  edgeCases,
});
