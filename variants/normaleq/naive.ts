// naive: the normal equations in the dense shape a first translation of specter's matrix algebra
// takes (A.T.dot(W.dot(A)), with dense arrays instead of scipy.sparse): the projection matrix A
// as nflux dense columns of npix values (column-major, as specter's CSC matrix; built from the
// static stamps in prepare), then per call the columns of WA, iCov_ij = Σ_p A_pi·(WA)_pj as a dot
// product over every pixel for every pair of bins (zeros included), y = (WA)ᵀp, specter's
// regularisation, an unblocked dense Cholesky and two triangular solves, in fresh arrays. Nothing
// is slowed on purpose: the cost is the dense shape, 100-1000 times the work the stamps' overlaps
// need.

import { defineVariant } from '../../bench/spec/define.js';
import { NX, NY, SPOT } from '../../kernels/ghspots/index.js';
import { MIN_WEIGHT_FRACTION, type NormaleqOutput, type NormaleqParams, type NormaleqPerCall, type NormaleqStatic } from '../../kernels/normaleq/index.js';

export default defineVariant<NormaleqStatic, NormaleqPerCall, NormaleqOutput, NormaleqParams>({
  kernel: 'normaleq',
  name: 'naive',
  rung: 'naive',
  description: 'dense A (nflux columns of npix), AᵀWA as a dot product over every pixel for every pair, dense unblocked Cholesky, fresh arrays per call',
  prepare: (patch, params) => {
    const n = params.nspec * params.nwave;
    const npix = patch.ny * patch.nx;
    const columns: number[][] = Array.from({ length: n }, () => new Array<number>(npix).fill(0));
    for (let j = 0; j < n; j++) {
      for (let r = 0; r < NY; r++) {
        for (let c = 0; c < NX; c++) columns[j][(patch.row0[j] + r) * patch.nx + patch.col0[j] + c] = patch.stamps[j * SPOT + r * NX + c];
      }
    }
    return {
      run: ({ pixels, ivar }) => {
        const weighted = columns.map((column) => column.map((v, p) => ivar[p] * v));
        const icov: number[][] = [];
        for (let i = 0; i < n; i++) {
          icov.push([]);
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < npix; p++) s += columns[i][p] * weighted[j][p];
            icov[i].push(s);
          }
        }
        const y: number[] = [];
        const fluxweight: number[] = [];
        for (let j = 0; j < n; j++) {
          let s = 0;
          let w = 0;
          for (let p = 0; p < npix; p++) {
            if (ivar[p] !== 0) s += weighted[j][p] * pixels[p]; // a masked pixel's value is never read
            w += weighted[j][p];
          }
          y.push(s);
          fluxweight.push(w);
        }
        const minweight = MIN_WEIGHT_FRACTION * Math.max(...fluxweight);
        for (let j = 0; j < n; j++) if (fluxweight[j] < minweight) icov[j][j] += (minweight - fluxweight[j]) ** 2;

        const x = solve(icov, y, n);
        return { icov: Float64Array.from(icov.flat()), x: Float64Array.from(x) };
      },
    };
  },
});

/** Dense Cholesky, then forward and back substitution; NaN everywhere when y is not finite or a pivot is not positive. */
function solve(h: number[][], y: number[], n: number): number[] {
  const failed = () => new Array<number>(n).fill(NaN);
  if (!y.every(Number.isFinite)) return failed();
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = h[j][j];
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k];
    if (!(d > 0)) return failed();
    l[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = h[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / l[j][j];
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * z[k];
    z[i] = s / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}
