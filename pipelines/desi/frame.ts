// The simulated frame of the DESI mini-extraction (KERNELS.md §5): one bundle of fibers over a
// window of the r camera's real wavelength grid (5760-7620 Å at 0.8 Å), its PSF as Legendre
// series in reduced wavelength (traces and Gauss-Hermite parameters per fiber, as a fitted
// specter PSF stores them), and one exposure drawn from a known true flux with pixel noise.
//
// Layout: the window holds nwave wavelength bins to extract plus `halo` bins each side that are
// simulated (they put light on the pixels) and modelled by the edge patches, never reported.
// Grid index g = 0 .. nwave + 2·halo - 1; bin g is wavelength 5760 + 0.8·(START + g - halo) Å.
// The extraction splits the window into patches of `patch` bins (plus the halo each side), and
// the bundle into `subbundles` groups of fibers (plus one neighbouring fiber each side), as
// specter's ex2d does; see patchesOf.

import { createRandom, type Random } from '../../bench/random.js';
import { legvalReference } from '../../kernels/legval/index.js';
import { ghspotsReference, HX, HY, NG, NX, NY, SPOT } from '../../kernels/ghspots/index.js';
import { READ_NOISE, trueFlux } from '../../kernels/normaleq/patch.js';

export const WAVE_MIN = 5760;
export const WAVE_MAX = 7620;
export const DWAVE = 0.8;
/** The window's first extracted bin, in bins of the camera grid: 6560 Å, mid-camera. */
export const START = 1000;
/** Legendre degree of every PSF parameter. */
export const DEG = 3;
/** PSF parameters per fiber: x trace, y trace, sx, sy, and the 48 Gauss-Hermite terms beyond G00. */
export const NPARAM = 4 + NG * NG - 1;
export const P_X = 0;
export const P_Y = 1;
export const P_SX = 2;
export const P_SY = 3;
export const P_G = 4;
/** Geometry in pixels, as the linear-algebra kernels' patches (kernels/normaleq/patch.ts). */
export const PITCH = 7.6;
export const STEP = 1.35;
const TILT = 0.02;
const X0 = HX + 2.4;
const Y0 = HY + 2.3;

/** Parameters of a size, and the algorithm parameters configurations add. */
export type DesiParams = {
  readonly nfiber: number;
  readonly nwave: number;
  readonly patch: number;
  readonly halo: number;
  /** Sub-bundles the bundle is split into (0 or absent: the whole bundle, one patch wide). */
  readonly subbundles?: number;
  /** 1: the PSF evaluated once per call over the whole window; absent or 0: per patch. */
  readonly cache?: number;
};

export interface DesiStatic {
  /** Reduced wavelength of every grid bin, in [-1, 1] over the camera. */
  readonly x: Float64Array;
  readonly ny: number;
  readonly nx: number;
}

export interface DesiPerCall {
  /** PSF coefficients: [fiber][param][DEG + 1], the exposure's own PSF fit. */
  readonly psf: Float64Array;
  readonly pixels: Float64Array;
  readonly ivar: Float64Array;
  /** The true flux of every bin (fiber-major, grid order): what the science check compares with. */
  readonly truth: Float64Array;
}

export const gridSize = (p: DesiParams): number => p.nwave + 2 * p.halo;

export function reducedGrid(p: DesiParams): Float64Array {
  return Float64Array.from({ length: gridSize(p) }, (_, g) => (2 * (WAVE_MIN + DWAVE * (START + g - p.halo) - WAVE_MIN)) / (WAVE_MAX - WAVE_MIN) - 1);
}

/** The image that holds every stamp of the window. */
export function imageSize(p: DesiParams): { ny: number; nx: number } {
  return { ny: Math.ceil(Y0 + STEP * (gridSize(p) - 1) + HY + 3), nx: Math.ceil(X0 + PITCH * (p.nfiber - 1) + TILT * gridSize(p) + HX + 3) };
}

/**
 * Legendre coefficients of a straight line a + b·(g - g0) in grid index over the window, as a
 * function of reduced wavelength: x(g) = x0 + dx·g, so g = (x - x0)/dx.
 */
function lineCoefficients(x: Float64Array, atZero: number, perBin: number): [number, number] {
  const dx = x[1] - x[0];
  return [atZero - (perBin * x[0]) / dx, perBin / dx];
}

/** The PSF of one exposure: per fiber, traces and shape drawn from the seed (a fitted PSF varies). */
export function drawPsf(p: DesiParams, x: Float64Array, random: Random): Float64Array {
  const psf = new Float64Array(p.nfiber * NPARAM * (DEG + 1));
  const order = (k: number) => Math.floor(k / NG) + (k % NG);
  for (let f = 0; f < p.nfiber; f++) {
    const c = (param: number) => psf.subarray((f * NPARAM + param) * (DEG + 1), (f * NPARAM + param + 1) * (DEG + 1));
    // Traces: straight in grid index, shifted by up to ±0.3 px per exposure, with a small bend.
    const [ax, bx] = lineCoefficients(x, X0 + PITCH * f + random.uniform(-0.3, 0.3), TILT);
    const [ay, by] = lineCoefficients(x, Y0 + random.uniform(-0.3, 0.3), STEP);
    c(P_X).set([ax, bx, random.uniform(-0.05, 0.05), 0]);
    c(P_Y).set([ay, by, random.uniform(-0.05, 0.05), 0]);
    c(P_SX).set([random.uniform(1.0, 1.15), random.uniform(-1, 1), 0, 0]);
    c(P_SY).set([random.uniform(1.0, 1.15), random.uniform(-1, 1), 0, 0]);
    for (let k = 1; k < NG * NG; k++) {
      c(P_G + k - 1).set([random.uniform(-0.04, 0.04) * 0.5 ** order(k), random.uniform(-0.5, 0.5) * 0.5 ** order(k), 0, 0]);
    }
  }
  return psf;
}

/** Every PSF parameter at every bin of the window: [fiber][param][g]. */
export function psfValues(p: DesiParams, x: Float64Array, psf: Float64Array): Float64Array {
  return legvalReference({ static: { x }, perCall: { coefficients: psf } }, { nseries: p.nfiber * NPARAM, nx: x.length, deg: DEG });
}

/** Where a spot of centre (cx, cy) goes: its stamp's top-left pixel and its sub-pixel offsets. */
export function placeSpot(cx: number, cy: number): { col0: number; row0: number; dx: number; dy: number } {
  const col = Math.round(cx);
  const row = Math.round(cy);
  return { col0: col - HX, row0: row - HY, dx: cx - col, dy: cy - row };
}

/**
 * One exposure: spots of every bin from the true PSF (the ghspots reference), the model image
 * A·truth, ivar = 1/(RN² + model) and pixels = model + Gaussian noise of that variance.
 */
export function simulate(p: DesiParams, staticInputs: DesiStatic, seed: number): DesiPerCall {
  const random = createRandom(seed);
  const { x, ny, nx } = staticInputs;
  const ng = x.length;
  const psf = drawPsf(p, x, random);
  const values = psfValues(p, x, psf);
  const at = (f: number, param: number, g: number) => values[(f * NPARAM + param) * ng + g];
  const n = p.nfiber * ng;
  const spots = { dx: new Float64Array(n), dy: new Float64Array(n), sx: new Float64Array(n), sy: new Float64Array(n), g: new Float64Array(n * NG * NG) };
  const row0 = new Int32Array(n);
  const col0 = new Int32Array(n);
  for (let f = 0; f < p.nfiber; f++) {
    for (let g = 0; g < ng; g++) {
      const j = f * ng + g;
      const place = placeSpot(at(f, P_X, g), at(f, P_Y, g));
      spots.dx[j] = place.dx;
      spots.dy[j] = place.dy;
      row0[j] = place.row0;
      col0[j] = place.col0;
      spots.sx[j] = at(f, P_SX, g);
      spots.sy[j] = at(f, P_SY, g);
      spots.g[j * NG * NG] = 1;
      for (let k = 1; k < NG * NG; k++) spots.g[j * NG * NG + k] = at(f, P_G + k - 1, g);
    }
  }
  const stamps = ghspotsReference({ static: {}, perCall: spots }, { nspots: n });
  const truth = trueFlux({ nspec: p.nfiber, nwave: ng }, random);
  const model = new Float64Array(ny * nx);
  for (let j = 0; j < n; j++) {
    for (let r = 0; r < NY; r++) {
      const row = (row0[j] + r) * nx + col0[j];
      for (let c = 0; c < NX; c++) model[row + c] += stamps[j * SPOT + r * NX + c] * truth[j];
    }
  }
  const ivar = new Float64Array(ny * nx);
  const pixels = new Float64Array(ny * nx);
  for (let q = 0; q < model.length; q++) {
    const variance = READ_NOISE * READ_NOISE + Math.max(model[q], 0);
    ivar[q] = 1 / variance;
    pixels[q] = model[q] + Math.sqrt(variance) * random.normal();
  }
  return { psf, pixels, ivar, truth };
}

/**
 * One patch of the extraction: fibers [fiber0, fiber1) of which [core0, core1) are reported, and
 * grid bins [wave0, wave1) of which [waveCore0, waveCore1) are.
 */
export interface PatchRange {
  readonly fiber0: number;
  readonly fiber1: number;
  readonly core0: number;
  readonly core1: number;
  readonly wave0: number;
  readonly wave1: number;
  readonly waveCore0: number;
  readonly waveCore1: number;
}

/**
 * The patches, as specter's ex2d cuts them: the window in steps of `patch` bins, each with `halo`
 * bins each side; the bundle whole, or in `subbundles` groups each with one neighbouring fiber
 * each side (the neighbour's light falls on the group's pixels: modelled, not reported).
 */
export function patchesOf(p: DesiParams): PatchRange[] {
  const groups = p.subbundles && p.subbundles > 1 ? p.subbundles : 1;
  const per = Math.ceil(p.nfiber / groups);
  const patches: PatchRange[] = [];
  for (let w = 0; w < p.nwave; w += p.patch) {
    const waveCore0 = p.halo + w;
    const waveCore1 = p.halo + Math.min(w + p.patch, p.nwave);
    for (let core0 = 0; core0 < p.nfiber; core0 += per) {
      const core1 = Math.min(core0 + per, p.nfiber);
      const fiberHalo = groups > 1 ? 1 : 0;
      patches.push({
        fiber0: Math.max(0, core0 - fiberHalo),
        fiber1: Math.min(p.nfiber, core1 + fiberHalo),
        core0,
        core1,
        wave0: waveCore0 - p.halo,
        wave1: waveCore1 + p.halo,
        waveCore0,
        waveCore1,
      });
    }
  }
  return patches;
}
