// The synthetic extraction patch both linear-algebra kernels work on (KERNELS.md §4): nspec fibers ×
// nwave wavelengths of a DESI-like CCD region, each flux bin's spot an 11 × 17 pixel stamp from the
// ghspots reference, placed along the fiber's trace; and one exposure of it: true fluxes, the model
// image, its inverse variance and noisy pixels.
//
// Geometry (in pixels; rows follow wavelength, columns cross the fibers):
// - fiber f at wavelength bin i is centred at x = X0 + PITCH·f + TILT·i, y = Y0 + STEP·i: traces
//   7.6 px apart and slightly tilted, wavelength bins 1.35 px apart (DESI's 0.8 Å bins at about
//   0.6 Å per pixel), so every sub-pixel offset occurs along a trace;
// - a spot's 17-column stamp reaches the neighbouring fibers' cores and just touches the next ones;
//   its 11 rows reach 7 bins up and down the trace: iCov is banded, about 2·nwave + 7 wide;
// - the geometry depends on (nspec, nwave) only, so the overlap structure (and the work model) is
//   the same for every seed; the seed draws the spots' shapes, the fluxes and the noise.

import { createRandom, type Random } from '../../bench/random.js';
import { ghspotsReference, HX, HY, NG, NX, NY, SPOT } from '../ghspots/index.js';

export const PITCH = 7.6;
export const STEP = 1.35;
export const TILT = 0.02;
const X0 = HX + 0.4;
const Y0 = HY + 0.3;
/** Read noise, electrons: ivar = 1 / (RN² + model). */
export const READ_NOISE = 3;

export type PatchParams = { readonly nspec: number; readonly nwave: number };

/**
 * The projection matrix A in stamp form: column j = fiber·nwave + wave (fiber-major, specter's
 * order) is stamp j (11 × 17 values, row-major) with its top-left pixel at (row0[j], col0[j]) of an
 * ny × nx patch; pixel (r, c) is index r·nx + c. Every stamp lies wholly inside the patch.
 */
export interface Patch {
  readonly nspec: number;
  readonly nwave: number;
  readonly ny: number;
  readonly nx: number;
  readonly row0: Int32Array;
  readonly col0: Int32Array;
  readonly stamps: Float64Array;
}

/** One exposure of a patch: per pixel, its value and inverse variance (0: masked, value unused). */
export interface Exposure {
  readonly pixels: Float64Array;
  readonly ivar: Float64Array;
}

/** The spot centres of every flux bin (fiber-major), from the geometry above. */
export function spotCentres({ nspec, nwave }: PatchParams): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(nspec * nwave);
  const y = new Float64Array(nspec * nwave);
  for (let f = 0; f < nspec; f++) {
    for (let i = 0; i < nwave; i++) {
      x[f * nwave + i] = X0 + PITCH * f + TILT * i;
      y[f * nwave + i] = Y0 + STEP * i;
    }
  }
  return { x, y };
}

/** Stamp placement: the pixel under each spot centre and the patch that holds every stamp. */
export function placement(params: PatchParams): { row0: Int32Array; col0: Int32Array; dx: Float64Array; dy: Float64Array; ny: number; nx: number } {
  const { x, y } = spotCentres(params);
  const n = x.length;
  const row0 = new Int32Array(n);
  const col0 = new Int32Array(n);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  let ny = 0;
  let nx = 0;
  for (let j = 0; j < n; j++) {
    // The stamp's central pixel is the one the centre falls in; the offset is in [-0.5, 0.5).
    const cx = Math.round(x[j]);
    const cy = Math.round(y[j]);
    dx[j] = x[j] - cx;
    dy[j] = y[j] - cy;
    col0[j] = cx - HX;
    row0[j] = cy - HY;
    nx = Math.max(nx, col0[j] + NX);
    ny = Math.max(ny, row0[j] + NY);
  }
  return { row0, col0, dx, dy, ny, nx };
}

/**
 * The patch's spots from the ghspots reference: per fiber, widths and Gauss-Hermite coefficients
 * that drift linearly along the trace (as a fitted PSF does), drawn from the seed; G00 = 1, so
 * every stamp holds about unit flux, and the other terms fall off with their order.
 */
export function makePatch(params: PatchParams, seed: number): Patch {
  const { nspec, nwave } = params;
  const random = createRandom(seed);
  const { row0, col0, dx, dy, ny, nx } = placement(params);
  const n = nspec * nwave;
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  const g = new Float64Array(n * NG * NG);
  for (let f = 0; f < nspec; f++) {
    const sx0 = random.uniform(1.0, 1.15);
    const sy0 = random.uniform(1.0, 1.15);
    const sxSlope = random.uniform(-0.05, 0.05);
    const sySlope = random.uniform(-0.05, 0.05);
    // Higher orders weigh less, as in a fitted PSF: ±0.04·2^-(i+j) for the term of order (i, j).
    const order = (k: number) => Math.floor(k / NG) + (k % NG);
    const g0 = Float64Array.from({ length: NG * NG }, (_, k) => (k === 0 ? 1 : random.uniform(-0.04, 0.04) * 0.5 ** order(k)));
    const gSlope = Float64Array.from({ length: NG * NG }, (_, k) => (k === 0 ? 0 : random.uniform(-0.02, 0.02) * 0.5 ** order(k)));
    for (let i = 0; i < nwave; i++) {
      const j = f * nwave + i;
      const t = nwave > 1 ? i / (nwave - 1) : 0;
      sx[j] = sx0 + sxSlope * t;
      sy[j] = sy0 + sySlope * t;
      for (let k = 0; k < NG * NG; k++) g[j * NG * NG + k] = g0[k] + gSlope[k] * t;
    }
  }
  const stamps = ghspotsReference({ static: {}, perCall: { dx, dy, sx, sy, g } }, { nspots: n });
  return { nspec, nwave, ny, nx, row0, col0, stamps };
}

/** The model image A·flux. */
export function modelImage(patch: Patch, flux: Float64Array): Float64Array {
  const model = new Float64Array(patch.ny * patch.nx);
  for (let j = 0; j < flux.length; j++) {
    for (let r = 0; r < NY; r++) {
      const row = (patch.row0[j] + r) * patch.nx + patch.col0[j];
      for (let c = 0; c < NX; c++) model[row + c] += patch.stamps[j * SPOT + r * NX + c] * flux[j];
    }
  }
  return model;
}

/**
 * True fluxes, photons per bin, fiber-major: a continuum of 100-1000 with a slow wiggle, and two
 * emission lines of 500-5000 about a bin wide; a fiber listed in `dark` has no light at all.
 */
export function trueFlux({ nspec, nwave }: PatchParams, random: Random, dark: readonly number[] = []): Float64Array {
  const flux = new Float64Array(nspec * nwave);
  for (let f = 0; f < nspec; f++) {
    const level = random.uniform(100, 1000);
    const phase = random.uniform(0, 2 * Math.PI);
    const lines = [0, 1].map(() => ({ at: random.uniform(0, nwave), height: random.uniform(500, 5000) }));
    if (dark.includes(f)) continue;
    for (let i = 0; i < nwave; i++) {
      let v = level * (1 + 0.2 * Math.sin((2 * Math.PI * i) / 40 + phase));
      for (const { at, height } of lines) v += height * Math.exp(-0.5 * ((i - at) / 0.8) ** 2);
      flux[f * nwave + i] = v;
    }
  }
  return flux;
}

export interface ExposureOptions {
  /** Fibers with no light. */
  readonly dark?: readonly number[];
  /** Fraction of pixels hit by cosmic rays: masked (ivar 0) and given a large value, never read. */
  readonly cosmics?: number;
}

/**
 * One exposure: model = A·flux, ivar = 1 / (RN² + max(model, 0)) as a pipeline estimates it from
 * the model, pixels = model + Gaussian noise of that variance; cosmic-ray pixels masked.
 */
export function expose(patch: Patch, seed: number, options: ExposureOptions = {}): Exposure {
  const random = createRandom(seed);
  const model = modelImage(patch, trueFlux(patch, random, options.dark));
  const npix = model.length;
  const ivar = new Float64Array(npix);
  const pixels = new Float64Array(npix);
  for (let p = 0; p < npix; p++) {
    const variance = READ_NOISE * READ_NOISE + Math.max(model[p], 0);
    ivar[p] = 1 / variance;
    pixels[p] = model[p] + Math.sqrt(variance) * random.normal();
  }
  const hits = Math.round((options.cosmics ?? 0) * npix);
  for (let h = 0; h < hits; h++) {
    const p = random.int(npix);
    ivar[p] = 0;
    pixels[p] = model[p] + 5000;
  }
  return { pixels, ivar };
}
