// normaleq: the weighted normal equations of a spectro-perfectionism extraction (specter's
// ex2d_patch; Bolton & Schlegel 2010), KERNELS.md §4. For a patch of nspec fibers × nwave
// wavelengths (nflux = nspec·nwave unknowns) with projection matrix A (npix × nflux; column j is
// flux bin j's 11 × 17 spot at its pixel offset), pixel weights W = diag(ivar) and pixels p:
//
//   iCov = AᵀWA + diag(r),  y = AᵀWp,  iCov·x = y (Cholesky),
//
// where r regularises the flux bins the pixels barely constrain, exactly as specter does: with
// fluxweight_j = Σ_p ivar_p·A_pj (the column sums of WA) and minweight = 0.01·max_j fluxweight_j,
// every bin with fluxweight_j < minweight gets r_j = (minweight - fluxweight_j)² (specter appends
// the rows (minweight - fluxweight_j)·e_jᵀ to A with weight 1 and pixel value 0, which adds that
// square to iCov's diagonal and nothing to y; its `regularize` option, 0 by default, is not used).
//
// Static and per call, as a real extraction reuses work: the PSF, hence A (the stamps and their
// offsets), is fitted once and serves every exposure of the night, so it is static; the pixels and
// their inverse variance (photon noise of each exposure's own image, its cosmic-ray mask) change
// with every exposure, and so does everything built from ivar: iCov, its factorisation, y, x.
// Variants may precompute from the geometry (which column pairs overlap, where, iCov's zero
// pattern) but not from ivar.
//
// Documented behaviour on bad input (every rung; the edge cases check it):
// - ivar_p = 0 masks pixel p: its value is never read (it may be NaN);
// - a non-finite pixel under a non-zero weight makes y non-finite: x is then NaN everywhere;
// - iCov not positive definite (a Cholesky pivot ≤ 0 or NaN, e.g. from negative ivar): x is NaN
//   everywhere; iCov is returned all the same. ivar itself must be finite.
//
// Tolerances follow the arithmetic and the conditioning (compare below):
// - iCov_ij is a sum of at most 187 products A_pi·ivar_p·A_pj; its rounding error is at most
//   187·u·Σ_p |A_pi·ivar_p·A_pj| ≤ 2.1e-14·√(s_i·s_j) with s_i = Σ_p A_pi²·|ivar_p| (Cauchy-Schwarz),
//   on either side: entries must agree to ICOV_REL·√(s_i·s_j) (s_i at least |iCov_ii|, which holds
//   the regularisation);
// - x: a backward-stable Cholesky solve has normwise forward error of order n·u·κ(iCov), and iCov's
//   own rounding (ICOV_REL) is amplified by κ as well: every x_i must agree to
//   (X_N·n·u + ICOV_REL)·κ₁·‖x‖∞, with κ₁ = ‖iCov‖₁‖iCov⁻¹‖₁ estimated (Hager) from the reference's
//   own factor. A patch (κ₁ ≈ 1e3 to 3e3 at every size) is held to about 1e-10 of ‖x‖∞; the dead
//   fiber edge case (κ₁ ≈ 2e5) to about 2e-8.

import { defineKernel } from '../../bench/spec/define.js';
import type { EdgeCase, KernelInputs, Tolerance, ValidationFigures } from '../../bench/types.js';
import { NX, NY, SPOT } from '../ghspots/index.js';
import { compareBounded, shapeProblem, unusable } from './bounded-compare.js';
import { choleskyInPlace, choleskySolve, conditionEstimate } from './cholesky.js';
import { expose, makePatch, placement, type Exposure, type Patch, type PatchParams } from './patch.js';

export type NormaleqParams = PatchParams;
/** The projection matrix in stamp form (patch.ts): static. */
export type NormaleqStatic = Patch;
/** One exposure's pixels and inverse variance, ny × nx row-major: per call. */
export type NormaleqPerCall = Exposure;
/** iCov: nflux × nflux, row-major, symmetric, regularised; x: the solution, fiber-major. */
export type NormaleqOutput = { readonly icov: Float64Array; readonly x: Float64Array };
export type NormaleqInputs = KernelInputs<NormaleqStatic, NormaleqPerCall>;

/** specter's threshold: a bin whose pixel weight is below 1% of the largest is regularised. */
export const MIN_WEIGHT_FRACTION = 0.01;
/** Relative bound on an iCov entry's rounding, against √(s_i·s_j) (see above). */
export const ICOV_REL = 1e-13;
/** Factor of n·u in the solution's bound (see above). */
export const X_N = 4;
/** Fraction of pixels hit by cosmic rays in the generated exposures. */
export const COSMICS = 0.002;
const U = 2 ** -53;

/** The pixel weights the right-hand side uses: ivar·p, and 0 for a masked pixel whatever its value. */
export function weightedPixels({ pixels, ivar }: Exposure): Float64Array {
  const wp = new Float64Array(pixels.length);
  for (let p = 0; p < pixels.length; p++) wp[p] = ivar[p] === 0 ? 0 : ivar[p] * pixels[p];
  return wp;
}

/** fluxweight_j = Σ_p ivar_p·A_pj, minweight and the regularising term r_j of every bin. */
export function regularisation(patch: Patch, ivar: Float64Array): { fluxweight: Float64Array; minweight: number; term: Float64Array } {
  const n = patch.nspec * patch.nwave;
  const fluxweight = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let r = 0; r < NY; r++) {
      const row = (patch.row0[j] + r) * patch.nx + patch.col0[j];
      for (let c = 0; c < NX; c++) s += ivar[row + c] * patch.stamps[j * SPOT + r * NX + c];
    }
    fluxweight[j] = s;
  }
  const minweight = MIN_WEIGHT_FRACTION * fluxweight.reduce((m, v) => Math.max(m, v), -Infinity);
  const term = fluxweight.map((w) => (w < minweight ? (minweight - w) ** 2 : 0));
  return { fluxweight, minweight, term };
}

/** The rows and columns two stamps share: [r0, r1) × [c0, c1) in patch pixels, or null. */
export function stampOverlap(patch: Patch, i: number, j: number): { r0: number; r1: number; c0: number; c1: number } | null {
  const r0 = Math.max(patch.row0[i], patch.row0[j]);
  const r1 = Math.min(patch.row0[i], patch.row0[j]) + NY;
  const c0 = Math.max(patch.col0[i], patch.col0[j]);
  const c1 = Math.min(patch.col0[i], patch.col0[j]) + NX;
  return r0 < r1 && c0 < c1 ? { r0, r1, c0, c1 } : null;
}

/** iCov (regularised) and y, straight from the definitions: every pair of stamps over their common pixels. */
export function normalEquations(patch: Patch, exposure: Exposure): { icov: Float64Array; y: Float64Array } {
  const n = patch.nspec * patch.nwave;
  const { ivar } = exposure;
  const wp = weightedPixels(exposure);
  const icov = new Float64Array(n * n);
  const y = new Float64Array(n);
  const at = (j: number, row: number, col: number) => patch.stamps[j * SPOT + (row - patch.row0[j]) * NX + (col - patch.col0[j])];
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const o = stampOverlap(patch, i, j);
      if (!o) continue;
      let s = 0;
      for (let row = o.r0; row < o.r1; row++) {
        for (let col = o.c0; col < o.c1; col++) s += at(i, row, col) * ivar[row * patch.nx + col] * at(j, row, col);
      }
      icov[i * n + j] = s;
      icov[j * n + i] = s;
    }
    let t = 0;
    for (let row = patch.row0[i]; row < patch.row0[i] + NY; row++) {
      for (let col = patch.col0[i]; col < patch.col0[i] + NX; col++) t += at(i, row, col) * wp[row * patch.nx + col];
    }
    y[i] = t;
  }
  const { term } = regularisation(patch, ivar);
  for (let j = 0; j < n; j++) icov[j * n + j] += term[j];
  return { icov, y };
}

/**
 * The reference: the normal equations from their definitions, then a dense unblocked Cholesky
 * solve; x is NaN everywhere when y is not finite or iCov is not positive definite.
 */
export function normaleqReference(inputs: NormaleqInputs, params: NormaleqParams): NormaleqOutput {
  const n = params.nspec * params.nwave;
  const { icov, y } = normalEquations(inputs.static, inputs.perCall);
  const l = icov.slice();
  const solvable = y.every(Number.isFinite) && choleskyInPlace(l, n);
  const x = solvable ? choleskySolve(l, n, y) : new Float64Array(n).fill(NaN);
  return { icov, x };
}

/** κ₁(iCov), estimated from its Cholesky factor; Infinity when it is not positive definite. */
export function conditionOf(icov: Float64Array, n: number): number {
  const l = icov.slice();
  return choleskyInPlace(l, n) ? conditionEstimate(icov, l, n) : Infinity;
}

/** s_i = Σ_p A_pi²·|ivar_p|, at least |iCov_ii|: the scale of row i's rounding (see above). */
function rowScales(patch: Patch, ivar: Float64Array, icov: Float64Array, n: number): Float64Array {
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let t = 0;
    for (let r = 0; r < NY; r++) {
      const row = (patch.row0[j] + r) * patch.nx + patch.col0[j];
      for (let c = 0; c < NX; c++) t += patch.stamps[j * SPOT + r * NX + c] ** 2 * Math.abs(ivar[row + c]);
    }
    s[j] = Math.max(t, Math.abs(icov[j * n + j]));
  }
  return s;
}

/** Validation with the bounds above: iCov entry by entry, x normwise scaled by its conditioning. */
export function normaleqCompare(actual: NormaleqOutput, expected: NormaleqOutput, inputs: NormaleqInputs, params: NormaleqParams, _tolerance: Tolerance): ValidationFigures {
  const n = params.nspec * params.nwave;
  const problem = shapeProblem(actual, { icov: n * n, x: n });
  if (problem) return unusable(problem);
  const s = rowScales(inputs.static, inputs.perCall.ivar, expected.icov, n);
  const kappa = conditionOf(expected.icov, n);
  const xMax = expected.x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return compareBounded([
    { field: 'icov', actual: actual.icov, expected: expected.icov, rel: ICOV_REL, scale: (q) => Math.sqrt(s[Math.floor(q / n)] * s[q % n]) },
    { field: 'x', actual: actual.x, expected: expected.x, rel: (X_N * n * U + ICOV_REL) * kappa, scale: () => xMax },
  ]);
}

/** Pixels of fiber f's trace within `halfWidth` columns of its centre, all wavelengths. */
function traceColumns(patch: Patch, f: number, halfWidth: number): number[] {
  const { col0 } = patch;
  const pixels: number[] = [];
  for (let i = 0; i < patch.nwave; i++) {
    const j = f * patch.nwave + i;
    const centre = col0[j] + (NX - 1) / 2;
    for (let r = patch.row0[j]; r < patch.row0[j] + NY; r++) {
      for (let c = Math.ceil(centre - halfWidth); c <= centre + halfWidth; c++) pixels.push(r * patch.nx + c);
    }
  }
  return pixels;
}

/** The stamp pixels of flux bin j. */
function stampPixels(patch: Patch, j: number): number[] {
  const pixels: number[] = [];
  for (let r = 0; r < NY; r++) for (let c = 0; c < NX; c++) pixels.push((patch.row0[j] + r) * patch.nx + patch.col0[j] + c);
  return pixels;
}

function edgeCase(name: string, params: NormaleqParams, seed: number, change: (patch: Patch, exposure: Exposure) => void = () => {}, dark: number[] = []): EdgeCase<NormaleqStatic, NormaleqPerCall, NormaleqParams> {
  const patch = makePatch(params, seed);
  const exposure = expose(patch, seed + 1, { dark, cosmics: COSMICS });
  change(patch, exposure);
  return { name, params, inputs: { static: patch, perCall: exposure } };
}

export function edgeCases(): EdgeCase<NormaleqStatic, NormaleqPerCall, NormaleqParams>[] {
  const mask = (e: Exposure, pixels: number[]) => pixels.forEach((p) => (e.ivar[p] = 0));
  return [
    edgeCase('masked flux bin (its whole stamp at ivar 0: it and its neighbours regularised)', { nspec: 2, nwave: 12 }, 31, (patch, e) =>
      mask(e, stampPixels(patch, 5))),
    edgeCase('dead fiber (core columns masked: wings only, ill-conditioned, some bins regularised)', { nspec: 3, nwave: 10 }, 32, (patch, e) =>
      mask(e, traceColumns(patch, 1, 2))),
    edgeCase('fiber with no light', { nspec: 3, nwave: 10 }, 33, undefined, [1]),
    edgeCase('masked pixels holding NaN (never read)', { nspec: 2, nwave: 9 }, 34, (_patch, e) => {
      for (const p of [3, 40, 41, 100, e.pixels.length - 1]) {
        e.ivar[p] = 0;
        e.pixels[p] = NaN;
      }
    }),
    edgeCase('NaN pixel with weight (x all NaN)', { nspec: 2, nwave: 9 }, 35, (patch, e) => {
      e.pixels[stampPixels(patch, 4)[93]] = NaN;
    }),
    edgeCase('negative ivar (iCov not positive definite: x all NaN)', { nspec: 2, nwave: 9 }, 36, (patch, e) => {
      const core = stampPixels(patch, 12).slice(4 * NX, 7 * NX);
      for (const p of core) e.ivar[p] = -50 * e.ivar[p];
    }),
    edgeCase('one fiber, one wavelength', { nspec: 1, nwave: 1 }, 37),
    edgeCase('odd shape (3 fibers × 13 wavelengths)', { nspec: 3, nwave: 13 }, 38),
  ];
}

/**
 * Exact operation counts of the fast shape, from the geometry (the same for every seed): per pair
 * of overlapping stamps (i ≤ j) a multiply-add per shared pixel on w⊙A_i (187 multiplies per
 * column), y and the column weights (2 per stamp pixel each), the Cholesky factorisation within
 * iCov's envelope (nothing outside it can become non-zero) and the two triangular solves. Bytes:
 * the stamps, pixels and ivar read, iCov's non-zero entries and x written.
 */
export function normaleqWork(params: NormaleqParams): { flops: number; bytes: number; nonZeros: number } {
  const { row0, col0, ny, nx } = placement(params);
  const n = params.nspec * params.nwave;
  const first = new Int32Array(n).map((_, i) => i); // first column of row i's envelope
  let pairFlops = 0;
  let nonZeros = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const rows = Math.min(row0[i], row0[j]) + NY - Math.max(row0[i], row0[j]);
      const cols = Math.min(col0[i], col0[j]) + NX - Math.max(col0[i], col0[j]);
      if (rows <= 0 || cols <= 0) continue;
      pairFlops += 2 * rows * cols;
      nonZeros += i === j ? 1 : 2;
      first[j] = Math.min(first[j], i);
    }
  }
  let choleskyFlops = 0;
  let solveFlops = 0;
  for (let i = 0; i < n; i++) {
    for (let j = first[i]; j < i; j++) choleskyFlops += 2 * (j - Math.max(first[i], first[j])) + 1;
    choleskyFlops += 2 * (i - first[i]) + 1;
    solveFlops += 2 * 2 * (i - first[i]) + 2;
  }
  const flops = SPOT * n + pairFlops + 2 * 2 * SPOT * n + ny * nx + choleskyFlops + solveFlops;
  const bytes = 8 * (SPOT * n + 2 * ny * nx + nonZeros + n);
  return { flops, bytes, nonZeros };
}

export default defineKernel<NormaleqStatic, NormaleqPerCall, NormaleqOutput, NormaleqParams>({
  name: 'normaleq',
  description: 'Weighted normal equations of a spectro-perfectionism patch: iCov = AᵀWA (+ specter\'s regularisation), y = AᵀWp, iCov·x = y by Cholesky',
  origin: 'DESI extraction (specter ex2d_patch, Bolton & Schlegel 2010): nspec fibers × nwave wavelengths per patch; A static (the PSF), pixels and ivar per exposure',
  sizes: {
    tiny: { nspec: 2, nwave: 8 },
    small: { nspec: 3, nwave: 30 },
    'desi-subbundle': { nspec: 5, nwave: 70 },
    'desi-bundle': { nspec: 25, nwave: 70 },
  },
  quickSizes: ['tiny', 'small'],
  // The naive rung's dense product takes about 2 s per call at desi-subbundle (minutes per cell)
  // and minutes per call at desi-bundle: both are measured only when named (--size).
  defaultSizes: ['tiny', 'small'],
  baseline: 'naive',
  generate: (params, seed) => {
    const patch = makePatch(params, seed);
    return { static: patch, perCall: expose(patch, seed + 1, { cosmics: COSMICS }) };
  },
  perCall: (_params, seed, patch) => expose(patch, seed + 1, { cosmics: COSMICS }),
  reference: normaleqReference,
  // Unused by compare (which derives its bounds from the inputs); recorded in results files.
  tolerance: { abs: 0, rel: ICOV_REL, ulp: 0 },
  elements: (p) => (p.nspec * p.nwave) ** 2 + p.nspec * p.nwave,
  work: (p) => {
    const { flops, bytes } = normaleqWork(p);
    return { flops, bytes };
  },
  edgeCases,
  compare: normaleqCompare,
});
