// unrolled: the precomputed rung's algorithm tuned for V8.
// - One exp per edge: φ(u) = e/√(2π) with e = exp(-u²/2), and Cody's erfc(|x|) for |x| > 0.46875
//   is exp(-x²)·R(|x|) with x = -u/√2, the same e: Φ(u) = e·R/2 or 1 - e·R/2. (The reference's erfc
//   splits exp(-x²) for the last ulps deep in the tail, where Φ differences are tiny anyway.)
// - Each edge's seven values (Φ and He_0..He_5 times φ) stay in locals; the pixel integrals are the
//   differences with the previous edge's, written straight into the axis table.
// - The recurrence constants, Cody's coefficients and the stamp geometry are constants; the
//   contraction loops over the seven orders are unrolled (T = G·pghX, then S = pghYᵀ·T).
// The summation order of the contraction is the precomputed rung's.

import { defineVariant } from '../../bench/spec/define.js';
import { HX, HY, NG, NX, NY, SPOT } from '../../kernels/ghspots/index.js';
import type { GhspotsOutput, GhspotsParams, GhspotsPerCall, GhspotsStatic } from '../../kernels/ghspots/index.js';

const INV_SQRT_2PI = 0.3989422804014327;
const SQRT1_2 = Math.SQRT1_2;

/** erfc(y)·exp(y²) for y > 0.46875 (Cody's C/D and P/Q sets, Horner spelled out). */
function scaledTail(y: number): number {
  if (y <= 4) {
    const num =
      ((((((((2.15311535474403846e-8 * y + 0.564188496988670089) * y + 8.88314979438837594) * y + 66.1191906371416295) * y +
        298.635138197400131) * y + 881.95222124176909) * y + 1712.04761263407058) * y + 2051.07837782607147) * y) +
      1230.33935479799725;
    const den =
      (((((((y + 15.7449261107098347) * y + 117.693950891312499) * y + 537.181101862009858) * y + 1621.38957456669019) * y +
        3290.79923573345963) * y + 4362.61909014324716) * y + 3439.36767414372164) * y + 1230.33935480374942;
    return num / den;
  }
  const z = 1 / (y * y);
  const num = (((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z +
    0.0160837851487422766) * z + 6.58749161529837803e-4) * z;
  const den = ((((z + 2.56852019228982242) * z + 1.87295284992346047) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z +
    0.00233520497626869185;
  return (0.56418958354775628695 - num / den) / y;
}

/** Φ(u) given e = exp(-u²/2). */
function cdf(u: number, e: number): number {
  const x = -u * SQRT1_2;
  const y = x < 0 ? -x : x;
  if (y <= 0.46875) {
    const z = y > 1.11e-16 ? y * y : 0;
    const num = (((0.185777706184603153 * z + 3.1611237438705656) * z + 113.864154151050156) * z + 377.485237685302021) * z +
      3209.37758913846947;
    const den = (((z + 23.6012909523441209) * z + 244.024637934444173) * z + 1282.61652607737228) * z + 2844.23683343917062;
    return (1 - (x * num) / den) / 2;
  }
  const half = (e * scaledTail(y)) / 2;
  return x < 0 ? 1 - half : half;
}

/** pgh[m*n + p] for one axis of half-size h: one pass over the n+1 edges. */
function axis(h: number, d: number, s: number, pgh: Float64Array, n: number): void {
  let c0 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0;
  const inv = 1 / s;
  for (let k = 0; k <= n; k++) {
    const u = (k - h - 0.5 - d) * inv;
    const e = Math.exp(-0.5 * u * u);
    const phi = e * INV_SQRT_2PI;
    const c = cdf(u, e);
    const h1 = u;
    const h2 = u * h1 - 1;
    const h3 = u * h2 - 2 * h1;
    const h4 = u * h3 - 3 * h2;
    const h5 = u * h4 - 4 * h3;
    const r0 = phi, r1 = h1 * phi, r2 = h2 * phi, r3 = h3 * phi, r4 = h4 * phi, r5 = h5 * phi;
    if (k > 0) {
      const p = k - 1;
      pgh[p] = c - c0;
      pgh[n + p] = q0 - r0;
      pgh[2 * n + p] = q1 - r1;
      pgh[3 * n + p] = q2 - r2;
      pgh[4 * n + p] = q3 - r3;
      pgh[5 * n + p] = q4 - r4;
      pgh[6 * n + p] = q5 - r5;
    }
    c0 = c; q0 = r0; q1 = r1; q2 = r2; q3 = r3; q4 = r4; q5 = r5;
  }
}

function spots(nspots: number, dx: Float64Array, dy: Float64Array, sx: Float64Array, sy: Float64Array, g: Float64Array,
  py: Float64Array, px: Float64Array, t: Float64Array, out: Float64Array): void {
  for (let s = 0; s < nspots; s++) {
    axis(HY, dy[s], sy[s], py, NY);
    axis(HX, dx[s], sx[s], px, NX);
    for (let i = 0; i < NG; i++) {
      const gi = s * 49 + i * 7;
      const g0 = g[gi], g1 = g[gi + 1], g2 = g[gi + 2], g3 = g[gi + 3], g4 = g[gi + 4], g5 = g[gi + 5], g6 = g[gi + 6];
      const row = i * NX;
      for (let x = 0; x < NX; x++) {
        t[row + x] = g0 * px[x] + g1 * px[17 + x] + g2 * px[34 + x] + g3 * px[51 + x] + g4 * px[68 + x] + g5 * px[85 + x] +
          g6 * px[102 + x];
      }
    }
    const o = s * SPOT;
    for (let y = 0; y < NY; y++) {
      const p0 = py[y], p1 = py[11 + y], p2 = py[22 + y], p3 = py[33 + y], p4 = py[44 + y], p5 = py[55 + y], p6 = py[66 + y];
      const row = o + y * NX;
      for (let x = 0; x < NX; x++) {
        out[row + x] = p0 * t[x] + p1 * t[17 + x] + p2 * t[34 + x] + p3 * t[51 + x] + p4 * t[68 + x] + p5 * t[85 + x] +
          p6 * t[102 + x];
      }
    }
  }
}

export default defineVariant<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>({
  kernel: 'ghspots',
  name: 'unrolled',
  rung: 'unrolled',
  description: 'one exp per edge shared by φ and erfc, edge values in locals, order loops unrolled, typed arrays',
  prepare: (_static, params) => {
    const out = new Float64Array(params.nspots * SPOT);
    const py = new Float64Array(NG * NY);
    const px = new Float64Array(NG * NX);
    const t = new Float64Array(NG * NX);
    return {
      run: ({ dx, dy, sx, sy, g }) => {
        spots(params.nspots, dx, dy, sx, sy, g, py, px, t, out);
        return out;
      },
    };
  },
});
