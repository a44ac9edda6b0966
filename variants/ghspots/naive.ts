// naive: the shape of the original DESI code (specter's GaussHermitePSF). For every spot and every
// order m, pgh(x, m, xc, sigma) built its special-function objects afresh (scipy's hermitenorm(m)
// returns a new polynomial object, the normal distribution an object with cdf and pdf), evaluated
// them at both edges of every pixel (so every inner edge twice) into fresh arrays, and the spot was
// then summed pixel by pixel over the 49 (i, j) terms. Nothing is slowed on purpose: the cost is the
// per-call objects, the repeated special functions and the lost structure.

import { defineVariant } from '../../bench/spec/define.js';
import { erfc } from '../../kernels/ghspots/erfc.js';
import { DEG, HX, HY, NG, NX, NY, SPOT } from '../../kernels/ghspots/index.js';
import type { GhspotsOutput, GhspotsParams, GhspotsPerCall, GhspotsStatic } from '../../kernels/ghspots/index.js';

/** scipy.special.hermitenorm(n): the probabilists' Hermite polynomial as a coefficient object. */
export class HermiteE {
  /** Coefficients, highest power first (numpy's poly1d order). */
  readonly coefficients: number[];
  constructor(readonly order: number) {
    let previous = [1];
    let current = order === 0 ? [1] : [1, 0];
    for (let k = 1; k < order; k++) {
      // He(k+1) = x·He(k) - k·He(k-1)
      const next = [...current, 0];
      for (let c = 0; c < previous.length; c++) next[next.length - previous.length + c] -= k * previous[c];
      previous = current;
      current = next;
    }
    this.coefficients = current;
  }
  /** Horner, as poly1d.__call__. */
  evaluate(x: number): number {
    return this.coefficients.reduce((acc, c) => acc * x + c, 0);
  }
}

/** scipy.stats.norm(loc, scale): cdf and pdf of a normal distribution. */
class Normal {
  constructor(readonly loc: number, readonly scale: number) {}
  cdf(x: number): number {
    return erfc(-(x - this.loc) / this.scale / Math.SQRT2) / 2;
  }
  /** pdf in the standardised variable, as the Gauss-Hermite basis uses it. */
  standardPdf(x: number): number {
    const u = (x - this.loc) / this.scale;
    return Math.exp((-u * u) / 2) / Math.sqrt(2 * Math.PI);
  }
}

/** specter's pgh: the pixel integrals of order m over pixels centred at `centres`. */
function pgh(centres: number[], m: number, xc: number, sigma: number): number[] {
  const normal = new Normal(xc, sigma);
  const lower = centres.map((c) => c - 0.5);
  const upper = centres.map((c) => c + 0.5);
  if (m === 0) return upper.map((t, p) => normal.cdf(t) - normal.cdf(lower[p]));
  const he = new HermiteE(m - 1);
  const value = (t: number) => he.evaluate((t - xc) / sigma) * normal.standardPdf(t);
  return lower.map((t, p) => value(t) - value(upper[p]));
}

export default defineVariant<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>({
  kernel: 'ghspots',
  name: 'naive',
  rung: 'naive',
  description: 'specter-shaped: special-function objects per call, Φ/φ/He at both edges of every pixel, 49-term sum per pixel',
  prepare: (_static, params) => ({
    run: ({ dx, dy, sx, sy, g }) => {
      const out = new Float64Array(params.nspots * SPOT);
      const ys = Array.from({ length: NY }, (_, p) => p - HY);
      const xs = Array.from({ length: NX }, (_, p) => p - HX);
      for (let s = 0; s < params.nspots; s++) {
        const yfunc: number[][] = [];
        const xfunc: number[][] = [];
        for (let m = 0; m <= DEG; m++) {
          yfunc.push(pgh(ys, m, dy[s], sy[s]));
          xfunc.push(pgh(xs, m, dx[s], sx[s]));
        }
        for (let y = 0; y < NY; y++) {
          for (let x = 0; x < NX; x++) {
            let sum = 0;
            for (let i = 0; i < NG; i++) {
              for (let j = 0; j < NG; j++) sum += g[s * NG * NG + i * NG + j] * yfunc[i][y] * xfunc[j][x];
            }
            out[s * SPOT + y * NX + x] = sum;
          }
        }
      }
      return out;
    },
  }),
});
