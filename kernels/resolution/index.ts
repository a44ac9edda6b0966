// resolution: the resolution matrix of a spectro-perfectionism extraction from its inverse
// covariance (specter's resolution_from_icov with decorr, ex2d_patch's default; Bolton & Schlegel
// 2010 §4), KERNELS.md §4. With iCov the nflux × nflux inverse covariance of a patch (normaleq's
// output; nflux = nspec·nwave, fiber-major):
//
//   H = (iCov + iCovᵀ)/2; H = V·diag(w)·Vᵀ (eigh);
//   Cov = V·diag(f(w))·Vᵀ with f(w) = 1/w, or 1/minval where w ≤ minval = 10·eps·max(w)
//   (specter's eigen_compose(invert=True): eigenvalues too small to invert are replaced);
//   per fiber b, its nwave × nwave block C_b of Cov: C_b = U·diag(c)·Uᵀ (eigh) and
//   Q_b = U·diag(g(c))·Uᵀ with g(c) = 1/√c, or 1/m where √c ≤ m = √max(c)·10·eps (NaN √ included:
//   eigen_compose(invert=True, sqr=True)): the block's inverse square root;
//   norm_i = Σ_j Q_ij (row sums), R = diag(1/norm)·Q, ivar = norm².
//
// Decorrelating per fiber keeps the signal of different fibers apart (R is block-diagonal), at the
// cost of noise correlated between fibers. Only Cov's diagonal blocks are ever read. The inverse
// square root of a symmetric positive definite matrix is unique, and every step is a function of
// the eigenvalues, so R and ivar do not depend on the eigenvectors' signs or order: outputs compare
// directly.
//
// Static and per call: iCov comes from each exposure's weights, so it is per call; what is static
// is the patch (the PSF's projection), from which `perCall` draws a further exposure's iCov, and
// the block structure (nspec × nwave) the variants get from the size.
//
// Documented behaviour on bad input (every rung; the edge cases check it):
// - a non-symmetric iCov is symmetrised first, as specter does;
// - an iCov that is not positive definite gets specter's replacement: every eigenvalue ≤ minval
//   (negative ones too) counts as minval, and a block eigenvalue whose square root is not above m
//   (NaN for a negative one) as m²; the result is finite and documented, not an error;
// - an iCov with a NaN or infinite entry gives R and ivar NaN everywhere (checked before any
//   iteration: an eigen-solver on NaN would never converge); every iteration is capped as well
//   (Jacobi sweeps, QL iterations), so no input can hang a rung: a cap reached is an error.
//
// Tolerance (compare below): eigen-decompositions are backward stable, so each computed eigenvalue
// is off by O(u·‖H‖); inverting turns that into a relative error of O(u·κ) with κ = max(w) /
// max(min(w), minval), the condition number the replacement leaves; the blocks' inverse square
// roots are better conditioned than that in practice. Dividing by the row sum amplifies a row's
// error by Σ_j|R_ij| = Σ_j|Q_ij|/|norm_i| (1 for a positive row, about 1.1 for a patch's, huge
// where the sum cancels, as it can once eigenvalues were replaced). So R_ij must agree to
// R_N·n·u·κ·max_j|R_ij|·Σ_j|R_ij|, and ivar_i to R_N·n·u·κ·ivar_i·Σ_j|R_ij|. κ comes from the
// reference's own eigenvalues. For an iCov that is not positive definite, κ = 1/(10·eps): such a
// result is specter's, and determined only that far (in practice to a few per cent).

import { defineKernel } from '../../bench/spec/define.js';
import type { EdgeCase, KernelInputs, Tolerance, ValidationFigures } from '../../bench/types.js';
import { compareBounded, shapeProblem, unusable } from '../normaleq/bounded-compare.js';
import { COSMICS, normalEquations } from '../normaleq/index.js';
import { expose, makePatch, type Exposure, type Patch, type PatchParams } from '../normaleq/patch.js';
import { eigh, eigvalsh } from './eigh.js';

export type ResolutionParams = PatchParams;
/** The patch whose exposures the iCov inputs come from (the variants need only its block structure). */
export type ResolutionStatic = Patch;
/** iCov, nflux × nflux row-major (fiber-major order), symmetric up to rounding. */
export type ResolutionPerCall = { readonly icov: Float64Array };
/**
 * r: the nspec diagonal blocks of R, each nwave × nwave row-major (r[(b·nwave + i)·nwave + j] =
 * R[b·nwave + i][b·nwave + j]; R is zero outside them); ivar: nflux values.
 */
export type ResolutionOutput = { readonly r: Float64Array; readonly ivar: Float64Array };
export type ResolutionInputs = KernelInputs<ResolutionStatic, ResolutionPerCall>;

/** specter's threshold: 10 times the machine epsilon (sys.float_info.epsilon = 2^-52). */
export const THRESHOLD = 10 * Number.EPSILON;
/** Factor of n·u·κ in the bound (see above). */
export const R_N = 4;
const U = 2 ** -53;

/** f(w) of eigen_compose(invert=True) for every eigenvalue: 1/w, or 1/minval. */
export function invertedEigenvalues(w: Float64Array): Float64Array {
  const minval = w.reduce((m, v) => Math.max(m, v), -Infinity) * THRESHOLD;
  return w.map((v) => (v > minval ? 1 / v : 1 / minval));
}

/** g(c) of eigen_compose(invert=True, sqr=True): 1/√c, or 1/m with m = √max(c)·THRESHOLD (a NaN √c is replaced too). */
export function inverseRootEigenvalues(c: Float64Array): Float64Array {
  const minval = Math.sqrt(c.reduce((m, v) => Math.max(m, v), -Infinity)) * THRESHOLD;
  return c.map((v) => {
    const root = Math.sqrt(v);
    return root > minval ? 1 / root : 1 / minval;
  });
}

/** κ of each iCov the reference decomposed, for compare (the same object is passed to both). */
const conditionByInput = new WeakMap<Float64Array, number>();

function conditionOf(w: Float64Array): number {
  const max = w.reduce((m, v) => Math.max(m, v), -Infinity);
  const min = w.reduce((m, v) => Math.min(m, v), Infinity);
  return max / Math.max(min, max * THRESHOLD);
}

/** The reference: specter's formulas with the reference eigh (Householder + implicit QL). */
export function resolutionReference(inputs: ResolutionInputs, params: ResolutionParams): ResolutionOutput {
  const { nspec, nwave } = params;
  const n = nspec * nwave;
  const { icov } = inputs.perCall;
  const r = new Float64Array(nspec * nwave * nwave);
  const ivar = new Float64Array(n);
  if (!icov.every(Number.isFinite)) {
    conditionByInput.set(icov, Infinity);
    return { r: r.fill(NaN), ivar: ivar.fill(NaN) };
  }
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 0.5 * (icov[i * n + j] + icov[j * n + i]);
  const { w, vt } = eigh(h, n);
  conditionByInput.set(icov, conditionOf(w));
  const f = invertedEigenvalues(w);
  const block = new Float64Array(nwave * nwave);
  for (let b = 0; b < nspec; b++) {
    // C_b = (V·diag(f)·Vᵀ) restricted to rows and columns b·nwave ..: V's rows are vt's columns.
    // Each entry is summed over k in order, one eigenvector (row of vt) at a time.
    block.fill(0);
    for (let k = 0; k < n; k++) {
      const row = k * n + b * nwave;
      for (let i = 0; i < nwave; i++) {
        const vi = vt[row + i] * f[k];
        for (let j = 0; j < nwave; j++) block[i * nwave + j] += vi * vt[row + j];
      }
    }
    const { w: c, vt: u } = eigh(block, nwave);
    const g = inverseRootEigenvalues(c);
    for (let i = 0; i < nwave; i++) {
      let norm = 0;
      const q = new Float64Array(nwave);
      for (let j = 0; j < nwave; j++) {
        let s = 0;
        for (let k = 0; k < nwave; k++) s += u[k * nwave + i] * g[k] * u[k * nwave + j];
        q[j] = s;
        norm += s;
      }
      for (let j = 0; j < nwave; j++) r[(b * nwave + i) * nwave + j] = q[j] / norm;
      ivar[b * nwave + i] = norm * norm;
    }
  }
  return { r, ivar };
}

/** Validation with the bound above: R per row, ivar per value, both scaled by u·n·κ. */
export function resolutionCompare(actual: ResolutionOutput, expected: ResolutionOutput, inputs: ResolutionInputs, params: ResolutionParams, _tolerance: Tolerance): ValidationFigures {
  const { nspec, nwave } = params;
  const n = nspec * nwave;
  const problem = shapeProblem(actual, { r: nspec * nwave * nwave, ivar: n });
  if (problem) return unusable(problem);
  const { icov } = inputs.perCall;
  let kappa = conditionByInput.get(icov);
  if (kappa === undefined) {
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 0.5 * (icov[i * n + j] + icov[j * n + i]);
    kappa = h.every(Number.isFinite) ? conditionOf(eigvalsh(h, n)) : Infinity;
  }
  // Per row: its largest |R_ij| and Σ_j |R_ij| = Σ|Q_ij|/|norm_i|, the amplification of dividing
  // by the row sum (1 for a row of positive Q; large where the row sum cancels).
  const rowMax = new Float64Array(n);
  const rowAbs = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    for (let j = 0; j < nwave; j++) {
      const v = Math.abs(expected.r[row * nwave + j]);
      rowMax[row] = Math.max(rowMax[row], v);
      rowAbs[row] += v;
    }
  }
  const rel = R_N * n * U * kappa;
  return compareBounded([
    { field: 'r', actual: actual.r, expected: expected.r, rel, scale: (q) => rowMax[Math.floor(q / nwave)] * rowAbs[Math.floor(q / nwave)] },
    { field: 'ivar', actual: actual.ivar, expected: expected.ivar, rel, scale: (i) => Math.abs(expected.ivar[i]) * rowAbs[i] },
  ]);
}

/** iCov of one exposure of the patch (normaleq's, regularised). */
export function exposureIcov(patch: Patch, seed: number, change?: (exposure: Exposure) => void, dark: number[] = []): Float64Array {
  const exposure = expose(patch, seed, { cosmics: COSMICS, dark });
  change?.(exposure);
  return normalEquations(patch, exposure).icov;
}

function edgeCase(name: string, params: ResolutionParams, seed: number, icovOf: (patch: Patch) => Float64Array): EdgeCase<ResolutionStatic, ResolutionPerCall, ResolutionParams> {
  const patch = makePatch(params, seed);
  return { name, params, inputs: { static: patch, perCall: { icov: icovOf(patch) } } };
}

export function edgeCases(): EdgeCase<ResolutionStatic, ResolutionPerCall, ResolutionParams>[] {
  const n = (p: ResolutionParams) => p.nspec * p.nwave;
  return [
    edgeCase('masked flux bin (regularised: ill-conditioned)', { nspec: 2, nwave: 12 }, 41, (patch) =>
      exposureIcov(patch, 1, (e) => {
        for (let r = 0; r < 11; r++) for (let c = 0; c < 17; c++) e.ivar[(patch.row0[5] + r) * patch.nx + patch.col0[5] + c] = 0;
      })),
    edgeCase('fiber with no light', { nspec: 3, nwave: 10 }, 42, (patch) => exposureIcov(patch, 2, undefined, [1])),
    edgeCase('not symmetric (symmetrised first)', { nspec: 2, nwave: 8 }, 43, (patch) => {
      const icov = exposureIcov(patch, 3);
      const size = n(patch);
      for (let i = 0; i < size; i++) for (let j = 0; j < i; j++) icov[i * size + j] *= 1 + 1e-3 * Math.sin(i + 3 * j);
      return icov;
    }),
    edgeCase('not positive definite (a negative eigenvalue, replaced as specter does)', { nspec: 2, nwave: 8 }, 44, (patch) => {
      // Bin 3 decoupled with a negative diagonal: its eigenvector is exactly e_3 in every rung.
      const icov = exposureIcov(patch, 4);
      const size = n(patch);
      for (let k = 0; k < size; k++) icov[3 * size + k] = icov[k * size + 3] = 0;
      icov[3 * size + 3] = -1e-3;
      return icov;
    }),
    edgeCase('NaN entry (R and ivar all NaN)', { nspec: 2, nwave: 8 }, 45, (patch) => {
      const icov = exposureIcov(patch, 5);
      icov[7] = NaN;
      return icov;
    }),
    edgeCase('one fiber, one wavelength', { nspec: 1, nwave: 1 }, 46, (patch) => exposureIcov(patch, 6)),
    edgeCase('odd shape (3 fibers × 13 wavelengths)', { nspec: 3, nwave: 13 }, 47, (patch) => exposureIcov(patch, 7)),
  ];
}

/**
 * Operation counts of the algorithm's shape (GVL's 9n³ for a symmetric eigen-decomposition with
 * vectors: reduction 4n³/3, accumulation 4n³/3, QL ≈ 6n³), the Cov blocks (2·n·nwave² per fiber),
 * each block's eigh (9·nwave³) and inverse square root (2·nwave³), and R. Bytes: iCov read, R's
 * blocks and ivar written.
 */
export function resolutionWork({ nspec, nwave }: ResolutionParams): { flops: number; bytes: number } {
  const n = nspec * nwave;
  const flops = 9 * n ** 3 + nspec * (2 * n * nwave ** 2 + 11 * nwave ** 3 + 2 * nwave ** 2);
  return { flops, bytes: 8 * (n * n + nspec * nwave * nwave + n) };
}

export default defineKernel<ResolutionStatic, ResolutionPerCall, ResolutionOutput, ResolutionParams>({
  name: 'resolution',
  description: 'Resolution matrix from iCov (specter\'s decorrelated default): eigh(iCov) → Cov, per fiber the inverse square root of its Cov block, R = diag(1/norm)·Q, ivar = norm²',
  origin: 'DESI extraction (specter resolution_from_icov, Bolton & Schlegel 2010): iCov per exposure from normaleq',
  sizes: {
    tiny: { nspec: 2, nwave: 8 },
    small: { nspec: 3, nwave: 30 },
    'desi-subbundle': { nspec: 5, nwave: 70 },
    'desi-bundle': { nspec: 25, nwave: 70 },
  },
  quickSizes: ['tiny', 'small'],
  // The naive rung's cyclic Jacobi takes seconds per call at desi-subbundle, minutes at desi-bundle.
  defaultSizes: ['tiny', 'small'],
  baseline: 'naive',
  generate: (params, seed) => {
    const patch = makePatch(params, seed);
    return { static: patch, perCall: { icov: exposureIcov(patch, seed + 1) } };
  },
  perCall: (_params, seed, patch) => ({ icov: exposureIcov(patch, seed + 1) }),
  reference: resolutionReference,
  // Unused by compare (which scales its bound with the conditioning); recorded in results files.
  tolerance: { abs: 0, rel: R_N * U, ulp: 0 },
  elements: (p) => p.nspec * p.nwave * p.nwave + p.nspec * p.nwave,
  work: resolutionWork,
  edgeCases,
  compare: resolutionCompare,
});
