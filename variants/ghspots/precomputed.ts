// precomputed: the DESI "JIT Gauss-Hermite" and "spot construction" restructuring, in plain loops.
// - pgh once per axis per spot: Φ, φ and the Hermite recurrence at each of the n+1 edges once (an
//   inner edge is shared by two pixels), then differences of neighbouring edges.
// - Contract one axis first: T[i][x] = Σ_j G[i][j] pghX_j[x] (7 × 17), then
//   S[y][x] = Σ_i pghY_i[y] T[i][x]: 2·7·17·(7 + 11) flops per spot instead of 3·49·187.
// Scratch arrays and the output are allocated once in prepare; the output is valid until the next call.

import { defineVariant } from '../../bench/spec/define.js';
import { erfc } from '../../kernels/ghspots/erfc.js';
import { DEG, HX, HY, NG, NX, NY, SPOT } from '../../kernels/ghspots/index.js';
import type { GhspotsOutput, GhspotsParams, GhspotsPerCall, GhspotsStatic } from '../../kernels/ghspots/index.js';

const INV_SQRT_2PI = 0.3989422804014327;

/** Edge values for one axis: cdf[k] = Φ(u_k), he[m*(n+1) + k] = He_m(u_k)·φ(u_k) for m = 0..DEG-1. */
function edgeValues(h: number, d: number, s: number, cdf: Float64Array, he: Float64Array, pgh: Float64Array): void {
  const n = 2 * h + 1;
  const edges = n + 1;
  for (let k = 0; k < edges; k++) {
    const u = (k - h - 0.5 - d) / s;
    cdf[k] = erfc(-u * Math.SQRT1_2) / 2;
    const phi = Math.exp((-u * u) / 2) * INV_SQRT_2PI;
    let a = 1;
    let b = u;
    he[k] = phi;
    he[edges + k] = u * phi;
    for (let m = 2; m < DEG; m++) {
      const c = u * b - (m - 1) * a;
      a = b;
      b = c;
      he[m * edges + k] = c * phi;
    }
  }
  for (let p = 0; p < n; p++) pgh[p] = cdf[p + 1] - cdf[p];
  for (let m = 1; m <= DEG; m++) {
    for (let p = 0; p < n; p++) pgh[m * n + p] = he[(m - 1) * edges + p] - he[(m - 1) * edges + p + 1];
  }
}

export default defineVariant<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>({
  kernel: 'ghspots',
  name: 'precomputed',
  rung: 'precomputed',
  description: 'pgh once per axis per spot (edges shared by neighbouring pixels), then T = G·pghX and S = pghYᵀ·T',
  prepare: (_static, params) => {
    const out = new Float64Array(params.nspots * SPOT);
    const cdf = new Float64Array(NX + 1);
    const he = new Float64Array(DEG * (NX + 1));
    const py = new Float64Array(NG * NY);
    const px = new Float64Array(NG * NX);
    const t = new Float64Array(NG * NX);
    return {
      run: ({ dx, dy, sx, sy, g }) => {
        for (let s = 0; s < params.nspots; s++) {
          edgeValues(HY, dy[s], sy[s], cdf, he, py);
          edgeValues(HX, dx[s], sx[s], cdf, he, px);
          const gs = s * NG * NG;
          for (let i = 0; i < NG; i++) {
            for (let x = 0; x < NX; x++) {
              let sum = 0;
              for (let j = 0; j < NG; j++) sum += g[gs + i * NG + j] * px[j * NX + x];
              t[i * NX + x] = sum;
            }
          }
          const o = s * SPOT;
          for (let y = 0; y < NY; y++) {
            for (let x = 0; x < NX; x++) {
              let sum = 0;
              for (let i = 0; i < NG; i++) sum += py[i * NY + y] * t[i * NX + x];
              out[o + y * NX + x] = sum;
            }
          }
        }
        return out;
      },
    };
  },
});
