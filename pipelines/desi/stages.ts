// The stages of the DESI mini-extraction and their implementations. A kernel stage calls one rung
// of its kernel's ladder (the best build this machine runs of it) once per patch, or once per call
// where the configuration's algorithm says so (legval caching); its reference implementation calls
// the kernel's own reference. Kernel variants may reuse their output buffer from call to call, so a
// stage that calls one for several patches keeps a copy of each answer.
//
//   psf         legval: trace and PSF parameters at every bin (per patch, or once: `cache`)
//   positions   specter's xypix: each spot's stamp corner and sub-pixel offsets, ghspots' inputs
//   spots       ghspots: every spot of every patch
//   projection  the projection matrix A of each patch (stamp form) and its pixels
//   normaleq    AᵀWA + regularisation, Cholesky solve: the deconvolved flux x per patch
//   resolution  R and ivar per fiber from iCov
//   assemble    flux = R·x, ivar and R's band for the reported bins of every patch

import type { PipelineState, PreparedStage, StageImplementation, StageSpec, VariantDefinition } from '../../bench/types.js';
import { bestBuild } from '../../bench/spec/pipeline.js';
import legvalKernel, { type LegvalOutput, type LegvalParams, type LegvalPerCall, type LegvalStatic } from '../../kernels/legval/index.js';
import ghspotsKernel, { NG, NX, NY, SPOT, type GhspotsOutput, type GhspotsParams, type GhspotsPerCall, type GhspotsStatic } from '../../kernels/ghspots/index.js';
import normaleqKernel, { type NormaleqOutput, type NormaleqParams } from '../../kernels/normaleq/index.js';
import resolutionKernel, { type ResolutionOutput, type ResolutionParams } from '../../kernels/resolution/index.js';
import type { Exposure, Patch } from '../../kernels/normaleq/patch.js';
import legvalNaive from '../../variants/legval/naive.js';
import legvalUnrolled from '../../variants/legval/unrolled.js';
import legvalNative from '../../variants/legval/native.js';
import ghspotsNaive from '../../variants/ghspots/naive.js';
import ghspotsUnrolled from '../../variants/ghspots/unrolled.js';
import ghspotsNative from '../../variants/ghspots/native.js';
import normaleqPrecomputed from '../../variants/normaleq/precomputed.js';
import normaleqWasm from '../../variants/normaleq/wasm.js';
import normaleqNative from '../../variants/normaleq/native.js';
import resolutionPrecomputed from '../../variants/resolution/precomputed.js';
import resolutionWasm from '../../variants/resolution/wasm.js';
import resolutionNative from '../../variants/resolution/native.js';
import { parallelLinalg } from './parallel.js';
import { DEG, NPARAM, P_G, P_SX, P_SY, P_X, P_Y, gridSize, patchesOf, placeSpot, type DesiParams, type DesiPerCall, type DesiStatic, type PatchRange } from './frame.js';

/** R's band kept per reported bin: ±BAND bins (the halo), as specter stores R by diagonals. */
export const BAND = 8;

// ─────────── how a stage calls a kernel rung ───────────

// The rungs are typed for their own kernel; the stage passes them that kernel's inputs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyVariant = VariantDefinition<any, any, any, any>;

/**
 * A kernel call: prepare on a static input, then run on per-call inputs; `done` frees what prepare
 * allocated (wasm memory, native buffers). The kernel's reference, or one rung of its ladder.
 */
interface Prepared<P, O> {
  run(perCall: P): O;
  done(): void;
}
type KernelCall<S, P, O, Params> = (staticInputs: S, params: Params) => Prepared<P, O>;

function referenceCall<S, P, O, Params>(reference: (inputs: { static: S; perCall: P }, params: Params) => O): KernelCall<S, P, O, Params> {
  return (staticInputs, params) => ({ run: (perCall) => reference({ static: staticInputs, perCall }, params), done: () => {} });
}

function rungCall<S, P, O, Params>(builds: AnyVariant | readonly AnyVariant[]): { call: KernelCall<S, P, O, Params>; available: () => true | string } {
  const chosen = () => bestBuild(builds as readonly AnyVariant[]);
  return {
    available: () => (typeof chosen() === 'string' ? (chosen() as string) : true),
    call: (staticInputs, params) => {
      const variant = chosen();
      if (typeof variant === 'string') throw new Error(variant);
      const prepared = variant.prepare(staticInputs, params, { workers: 1 });
      // Every rung the extraction calls prepares synchronously; the stages stay synchronous too.
      if (prepared instanceof Promise) throw new Error(`${variant.kernel} ${variant.name}: prepare returned a Promise`);
      return { run: (perCall: P) => prepared.run(perCall) as O, done: () => void prepared.dispose?.() };
    },
  };
}

const copyOf = (a: Float64Array): Float64Array => a.slice();

// ─────────── psf: legval ───────────

/** The PSF at one patch's bins, or at the whole window's: value(f, param, g). */
export interface PsfView {
  readonly values: Float64Array;
  readonly fiber0: number;
  readonly wave0: number;
  readonly nwave: number;
}

export function psfAt(view: PsfView, f: number, param: number, g: number): number {
  return view.values[((f - view.fiber0) * NPARAM + param) * view.nwave + (g - view.wave0)];
}

function psfImplementation(description: string, make: () => KernelCall<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>, available?: () => true | string): StageImplementation<DesiStatic, DesiParams> {
  return {
    description,
    ...(available ? { available } : {}),
    prepare(staticInputs, params) {
      const call = make();
      const patches = patchesOf(params);
      const legvalParams = (nfiber: number, nwave: number): LegvalParams => ({ nseries: nfiber * NPARAM, nx: nwave, deg: DEG });
      if (params.cache) {
        // The wavelength grid is static: prepared once, evaluated once per call for every patch.
        const whole = call({ x: staticInputs.x }, legvalParams(params.nfiber, gridSize(params)));
        return {
          run: (state: PipelineState) => {
            const values = copyOf(whole.run({ coefficients: (state.input as DesiPerCall).psf }));
            const view: PsfView = { values, fiber0: 0, wave0: 0, nwave: gridSize(params) };
            return patches.map(() => view);
          },
          dispose: () => whole.done(),
        };
      }
      // As the original code: each patch evaluates the series of its own fibers at its own bins
      // (halo bins and halo fibers again for every patch that holds them).
      const perPatch = patches.map((p) => ({ p, prepared: call({ x: staticInputs.x.subarray(p.wave0, p.wave1) }, legvalParams(p.fiber1 - p.fiber0, p.wave1 - p.wave0)) }));
      return {
        run: (state: PipelineState) => {
          const psf = (state.input as DesiPerCall).psf;
          return perPatch.map(({ p, prepared }): PsfView => {
            const coefficients = psf.subarray(p.fiber0 * NPARAM * (DEG + 1), p.fiber1 * NPARAM * (DEG + 1));
            return { values: copyOf(prepared.run({ coefficients })), fiber0: p.fiber0, wave0: p.wave0, nwave: p.wave1 - p.wave0 };
          });
        },
        dispose: () => perPatch.forEach(({ prepared }) => prepared.done()),
      };
    },
  };
}

function legvalRung(builds: AnyVariant | readonly AnyVariant[], description: string): StageImplementation<DesiStatic, DesiParams> {
  const rung = rungCall<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>(builds);
  return psfImplementation(description, () => rung.call, rung.available);
}

export const psfStage: StageSpec<DesiStatic, DesiParams> = {
  name: 'psf',
  description: 'legval: x and y traces, widths and Gauss-Hermite terms of every fiber at every bin',
  kernel: 'legval',
  reference: 'reference',
  implementations: {
    reference: psfImplementation('legval reference (Clenshaw, value by value)', () => referenceCall(legvalKernel.reference)),
    naive: legvalRung(legvalNaive, 'legval naive: one generic call per scalar x, as DESI called numpy'),
    unrolled: legvalRung(legvalUnrolled, 'legval unrolled: typed arrays, Clenshaw specialised by degree'),
    native: legvalRung(legvalNative, 'legval native: C++, the best x86-64 level this CPU runs'),
  },
};

// ─────────── positions: xypix ───────────

/** One patch's spots: ghspots' inputs and where each stamp goes in the image. */
export interface PatchSpots {
  readonly range: PatchRange;
  readonly spots: GhspotsPerCall;
  readonly row0: Int32Array;
  readonly col0: Int32Array;
}

export const positionsStage: StageSpec<DesiStatic, DesiParams> = {
  name: 'positions',
  description: "specter's xypix: every spot's stamp corner and sub-pixel offsets from the traces, and its shape parameters",
  reference: 'js',
  implementations: {
    js: {
      description: 'one pass over the bins of each patch into typed arrays',
      prepare(_static, params) {
        const patches = patchesOf(params);
        return {
          run(state) {
            const views = state.psf as PsfView[];
            return patches.map((range, i): PatchSpots => {
              const view = views[i];
              const nw = range.wave1 - range.wave0;
              const n = (range.fiber1 - range.fiber0) * nw;
              const spots = { dx: new Float64Array(n), dy: new Float64Array(n), sx: new Float64Array(n), sy: new Float64Array(n), g: new Float64Array(n * NG * NG) };
              const row0 = new Int32Array(n);
              const col0 = new Int32Array(n);
              for (let f = range.fiber0; f < range.fiber1; f++) {
                for (let g = range.wave0; g < range.wave1; g++) {
                  const j = (f - range.fiber0) * nw + (g - range.wave0);
                  const place = placeSpot(psfAt(view, f, P_X, g), psfAt(view, f, P_Y, g));
                  spots.dx[j] = place.dx;
                  spots.dy[j] = place.dy;
                  row0[j] = place.row0;
                  col0[j] = place.col0;
                  spots.sx[j] = psfAt(view, f, P_SX, g);
                  spots.sy[j] = psfAt(view, f, P_SY, g);
                  spots.g[j * NG * NG] = 1;
                  for (let k = 1; k < NG * NG; k++) spots.g[j * NG * NG + k] = psfAt(view, f, P_G + k - 1, g);
                }
              }
              return { range, spots, row0, col0 };
            });
          },
        };
      },
    },
  },
};

// ─────────── spots: ghspots ───────────

function spotsImplementation(description: string, call: KernelCall<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>, available?: () => true | string): StageImplementation<DesiStatic, DesiParams> {
  return {
    description,
    ...(available ? { available } : {}),
    prepare(_static, params) {
      // ghspots has no static input; its size is the patch's spot count, the same for patches of one shape.
      const calls = new Map<number, Prepared<GhspotsPerCall, GhspotsOutput>>();
      for (const p of patchesOf(params)) {
        const n = (p.fiber1 - p.fiber0) * (p.wave1 - p.wave0);
        if (!calls.has(n)) calls.set(n, call({}, { nspots: n }));
      }
      return {
        run: (state: PipelineState) => (state.positions as PatchSpots[]).map((p) => copyOf(calls.get(p.row0.length)!.run(p.spots))),
        dispose: () => calls.forEach((c) => c.done()),
      };
    },
  };
}

function ghspotsRung(builds: AnyVariant | readonly AnyVariant[], description: string): StageImplementation<DesiStatic, DesiParams> {
  const rung = rungCall<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>(builds);
  return spotsImplementation(description, rung.call, rung.available);
}

export const spotsStage: StageSpec<DesiStatic, DesiParams> = {
  name: 'spots',
  description: 'ghspots: the pixel-integrated Gauss-Hermite spot of every bin of every patch',
  kernel: 'ghspots',
  reference: 'reference',
  implementations: {
    reference: spotsImplementation('ghspots reference', referenceCall(ghspotsKernel.reference)),
    naive: ghspotsRung(ghspotsNaive, 'ghspots naive: special-function objects per call, the 49-term double sum per pixel'),
    unrolled: ghspotsRung(ghspotsUnrolled, 'ghspots unrolled: pgh once per axis per spot, one axis contracted first'),
    native: ghspotsRung(ghspotsNative, 'ghspots native: C++, the best x86-64 level this CPU runs'),
  },
};

// ─────────── projection: A and the patch's pixels ───────────

/** One patch ready for the linear algebra: A in stamp form (kernels/normaleq/patch.ts) and its pixels. */
export interface ProjectedPatch {
  readonly range: PatchRange;
  readonly patch: Patch;
  readonly exposure: Exposure;
}

/** The pixel box that holds every stamp of a patch. */
function box(p: PatchSpots): { r0: number; c0: number; ny: number; nx: number } {
  let r0 = Infinity;
  let c0 = Infinity;
  let r1 = -Infinity;
  let c1 = -Infinity;
  for (let j = 0; j < p.row0.length; j++) {
    r0 = Math.min(r0, p.row0[j]);
    c0 = Math.min(c0, p.col0[j]);
    r1 = Math.max(r1, p.row0[j] + NY);
    c1 = Math.max(c1, p.col0[j] + NX);
  }
  return { r0, c0, ny: r1 - r0, nx: c1 - c0 };
}

/**
 * As the original code built its sparse A: a (row, column, value) triplet per stamp pixel in plain
 * arrays, then read back into the form the solver takes; the pixels copied one by one through a
 * bounds-checked accessor.
 */
function projectNaive(spots: PatchSpots, stamps: Float64Array, input: DesiPerCall, nxImage: number): ProjectedPatch {
  const { r0, c0, ny, nx } = box(spots);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  const n = spots.row0.length;
  for (let j = 0; j < n; j++) {
    for (let r = 0; r < NY; r++) {
      for (let c = 0; c < NX; c++) {
        rows.push((spots.row0[j] - r0 + r) * nx + (spots.col0[j] - c0 + c));
        cols.push(j);
        vals.push(stamps[j * SPOT + r * NX + c]);
      }
    }
  }
  const row0 = new Int32Array(n);
  const col0 = new Int32Array(n);
  const out = new Float64Array(n * SPOT);
  const first = new Int32Array(n).fill(-1);
  for (let t = 0; t < vals.length; t++) {
    const j = cols[t];
    if (first[j] < 0) {
      first[j] = rows[t];
      row0[j] = Math.floor(rows[t] / nx);
      col0[j] = rows[t] % nx;
    }
    const local = rows[t] - first[j];
    out[j * SPOT + Math.floor(local / nx) * NX + (local % nx)] = vals[t];
  }
  const pixel = (image: Float64Array, row: number, col: number): number => {
    if (row < 0 || col < 0 || col >= nxImage || row * nxImage + col >= image.length) throw new RangeError(`pixel (${row}, ${col}) outside the image`);
    return image[row * nxImage + col];
  };
  const pixels = new Float64Array(ny * nx);
  const ivar = new Float64Array(ny * nx);
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      pixels[r * nx + c] = pixel(input.pixels, r0 + r, c0 + c);
      ivar[r * nx + c] = pixel(input.ivar, r0 + r, c0 + c);
    }
  }
  const range = spots.range;
  return { range, patch: { nspec: range.fiber1 - range.fiber0, nwave: range.wave1 - range.wave0, ny, nx, row0, col0, stamps: out }, exposure: { pixels, ivar } };
}

/** ghspots already returns the stamps in A's column order: A is the corners and a view of them; rows of pixels copied whole. */
function projectDirect(spots: PatchSpots, stamps: Float64Array, input: DesiPerCall, nxImage: number): ProjectedPatch {
  const { r0, c0, ny, nx } = box(spots);
  const n = spots.row0.length;
  const row0 = new Int32Array(n);
  const col0 = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    row0[j] = spots.row0[j] - r0;
    col0[j] = spots.col0[j] - c0;
  }
  const pixels = new Float64Array(ny * nx);
  const ivar = new Float64Array(ny * nx);
  for (let r = 0; r < ny; r++) {
    const from = (r0 + r) * nxImage + c0;
    pixels.set(input.pixels.subarray(from, from + nx), r * nx);
    ivar.set(input.ivar.subarray(from, from + nx), r * nx);
  }
  const range = spots.range;
  return { range, patch: { nspec: range.fiber1 - range.fiber0, nwave: range.wave1 - range.wave0, ny, nx, row0, col0, stamps }, exposure: { pixels, ivar } };
}

function projection(description: string, project: typeof projectDirect): StageImplementation<DesiStatic, DesiParams> {
  return {
    description,
    prepare: (staticInputs) => ({
      run(state) {
        const spots = state.positions as PatchSpots[];
        const stamps = state.spots as Float64Array[];
        return spots.map((p, i) => project(p, stamps[i], state.input as DesiPerCall, staticInputs.nx));
      },
    }),
  };
}

export const projectionStage: StageSpec<DesiStatic, DesiParams> = {
  name: 'projection',
  description: 'the projection matrix A of every patch (its stamps at their pixels) and the patch\'s pixels and ivar',
  reference: 'direct',
  implementations: {
    naive: projection('triplets per stamp pixel in plain arrays (a sparse matrix built as the original did), pixels one by one', projectNaive),
    direct: projection('stamp form straight from ghspots\' output, pixel rows copied whole', projectDirect),
  },
};

// ─────────── the linear algebra ───────────

/** A kernel per patch: prepared on the patch's A (the PSF of this call), run on its exposure. */
function perPatch<P, O>(
  description: string,
  call: KernelCall<Patch, P, O, NormaleqParams>,
  input: (state: PipelineState, i: number) => P,
  copy: (o: O) => O,
  available?: () => true | string,
): StageImplementation<DesiStatic, DesiParams> {
  return {
    description,
    ...(available ? { available } : {}),
    prepare: (): PreparedStage => ({
      run(state) {
        const patches = state.projection as ProjectedPatch[];
        const out: O[] = [];
        for (let i = 0; i < patches.length; i++) {
          const { patch } = patches[i];
          // A depends on this call's PSF: what the kernel may precompute from it is part of the call.
          const prepared = call(patch, { nspec: patch.nspec, nwave: patch.nwave });
          out.push(copy(prepared.run(input(state, i))));
          prepared.done();
        }
        return out;
      },
    }),
  };
}

const copyNormaleq = (o: NormaleqOutput): NormaleqOutput => ({ icov: copyOf(o.icov), x: copyOf(o.x) });
const copyResolution = (o: ResolutionOutput): ResolutionOutput => ({ r: copyOf(o.r), ivar: copyOf(o.ivar) });
const exposureOf = (state: PipelineState, i: number) => (state.projection as ProjectedPatch[])[i].exposure;
const icovOf = (state: PipelineState, i: number) => ({ icov: (state.normaleq as NormaleqOutput[])[i].icov });

function normaleqRung(builds: AnyVariant | readonly AnyVariant[], description: string): StageImplementation<DesiStatic, DesiParams> {
  const rung = rungCall<Patch, Exposure, NormaleqOutput, NormaleqParams>(builds);
  return perPatch(description, rung.call, exposureOf, copyNormaleq, rung.available);
}

function resolutionRung(builds: AnyVariant | readonly AnyVariant[], description: string): StageImplementation<DesiStatic, DesiParams> {
  const rung = rungCall<Patch, { icov: Float64Array }, ResolutionOutput, ResolutionParams>(builds);
  return perPatch(description, rung.call, icovOf, copyResolution, rung.available);
}

export const normaleqStage: StageSpec<DesiStatic, DesiParams> = {
  name: 'normaleq',
  description: 'normaleq: iCov = AᵀWA (+ specter\'s regularisation), y = AᵀWp, x by Cholesky, per patch',
  kernel: 'normaleq',
  reference: 'reference',
  implementations: {
    reference: perPatch('normaleq reference', referenceCall(normaleqKernel.reference), exposureOf, (o) => o),
    precomputed: normaleqRung(normaleqPrecomputed, 'normaleq precomputed: overlaps from the geometry, banded Cholesky'),
    wasm: normaleqRung(normaleqWasm, 'normaleq wasm: AssemblyScript, SIMD where the machine has it'),
    native: normaleqRung(normaleqNative, 'normaleq native: C++, the best x86-64 level this CPU runs'),
    parallel: parallelLinalg('normaleq', (state) => (state.projection as ProjectedPatch[]).map(({ patch, exposure }) => ({ patch, perCall: exposure }))),
  },
};

export const resolutionStage: StageSpec<DesiStatic, DesiParams> = {
  name: 'resolution',
  description: 'resolution: eigh(iCov) → Cov, per fiber the inverse square root of its block → R and ivar, per patch',
  kernel: 'resolution',
  reference: 'reference',
  implementations: {
    reference: perPatch('resolution reference', referenceCall(resolutionKernel.reference), icovOf, (o) => o),
    precomputed: resolutionRung(resolutionPrecomputed, 'resolution precomputed: tridiagonal QR eigh, only the blocks of Cov that are read'),
    wasm: resolutionRung(resolutionWasm, 'resolution wasm: AssemblyScript'),
    native: resolutionRung(resolutionNative, 'resolution native: C++, the best x86-64 level this CPU runs'),
    // Only nspec and nwave of the patch reach the resolution rung: its stamps stay home.
    parallel: parallelLinalg('resolution', (state) =>
      (state.projection as ProjectedPatch[]).map(({ patch }, i) => ({ patch: { ...patch, stamps: new Float64Array(0) }, perCall: icovOf(state, i) })),
    ),
  },
};

// ─────────── assemble: flux, ivar, R per fiber ───────────

/** What the extraction returns for the nwave reported bins of every fiber (fiber-major). */
export type DesiOutput = { readonly flux: Float64Array; readonly ivar: Float64Array; readonly r: Float64Array };

export const assembleStage: StageSpec<DesiStatic, DesiParams> = {
  name: 'assemble',
  description: 'flux = R·x per fiber, ivar, and R\'s band (±4 bins) for the reported bins of every patch',
  reference: 'js',
  implementations: {
    js: {
      description: 'one pass over the reported bins',
      prepare: (_static, params) => ({
        run(state): DesiOutput {
          const { nfiber, nwave, halo } = params;
          const width = 2 * BAND + 1;
          const flux = new Float64Array(nfiber * nwave);
          const ivar = new Float64Array(nfiber * nwave);
          const r = new Float64Array(nfiber * nwave * width);
          const patches = state.projection as ProjectedPatch[];
          const solved = state.normaleq as NormaleqOutput[];
          const res = state.resolution as ResolutionOutput[];
          patches.forEach(({ range }, i) => {
            const nw = range.wave1 - range.wave0;
            for (let f = range.core0; f < range.core1; f++) {
              const b = f - range.fiber0;
              for (let g = range.waveCore0; g < range.waveCore1; g++) {
                const row = g - range.wave0;
                let s = 0;
                for (let k = 0; k < nw; k++) s += res[i].r[(b * nw + row) * nw + k] * solved[i].x[b * nw + k];
                const out = f * nwave + (g - halo);
                flux[out] = s;
                ivar[out] = res[i].ivar[b * nw + row];
                for (let d = -BAND; d <= BAND; d++) {
                  const k = row + d;
                  r[out * width + d + BAND] = k >= 0 && k < nw ? res[i].r[(b * nw + row) * nw + k] : 0;
                }
              }
            }
          });
          return { flux, ivar, r };
        },
      }),
    },
  },
};
