// The DESI mini-extraction, end to end (KERNELS.md §5), and its study: DESI's changes in DESI's
// order, adapted to this ladder. One call extracts a simulated bundle: the PSF's Legendre series
// evaluated (legval), spot positions (xypix), spots (ghspots), the projection matrix, the normal
// equations and Cholesky (normaleq), the resolution matrix (resolution), then flux, ivar and R per
// fiber. The per-call input is one exposure: its PSF fit and its pixels, drawn from a known truth.
//
// Checks: every configuration's output against the reference of its own decomposition (every
// stage on its reference implementation, with the configuration's sub-bundles and caching), to
// 1e-8 of each field's largest value; and the science check, against the truth.

import { definePipeline } from '../../bench/spec/pipeline.js';
import type { KernelInputs, ScienceCheck, Tolerance, ValidationFigures } from '../../bench/types.js';
import { compareBounded, shapeProblem, unusable } from '../../kernels/normaleq/bounded-compare.js';
import { gridSize, imageSize, reducedGrid, simulate, type DesiParams, type DesiPerCall, type DesiStatic } from './frame.js';
import { assembleStage, BAND, normaleqStage, positionsStage, projectionStage, psfStage, resolutionStage, spotsStage, type DesiOutput } from './stages.js';

/** Agreement with the reference, as a fraction of each field's largest value. */
export const AGREEMENT = 1e-8;

/** Pull bounds over n reported bins: |mean| ≤ 5/√n and |sd - 1| ≤ max(0.1, 5/√(2n)) (five standard errors). */
export function pullBounds(n: number): { mean: number; sd: number } {
  return { mean: 5 / Math.sqrt(n), sd: Math.max(0.1, 5 / Math.sqrt(2 * n)) };
}

/**
 * The pulls (flux - R·truth)·√ivar of every reported bin: an extraction returns flux at its own
 * resolution (R·x), so the truth it is held to is the true flux seen through the same R.
 */
export function pulls(output: DesiOutput, truth: Float64Array, params: DesiParams): Float64Array {
  const { nfiber, nwave, halo } = params;
  const ng = gridSize(params);
  const width = 2 * BAND + 1;
  const out = new Float64Array(nfiber * nwave);
  for (let f = 0; f < nfiber; f++) {
    for (let w = 0; w < nwave; w++) {
      const i = f * nwave + w;
      let seen = 0;
      for (let d = -BAND; d <= BAND; d++) {
        const g = w + halo + d;
        if (g >= 0 && g < ng) seen += output.r[i * width + d + BAND] * truth[f * ng + g];
      }
      out[i] = (output.flux[i] - seen) * Math.sqrt(output.ivar[i]);
    }
  }
  return out;
}

export function scienceCheck(output: DesiOutput, inputs: KernelInputs<DesiStatic, DesiPerCall>, params: DesiParams): ScienceCheck {
  const p = pulls(output, inputs.perCall.truth, params);
  const n = p.length;
  const mean = p.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(p.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const bounds = pullBounds(n);
  const passed = Number.isFinite(mean) && Number.isFinite(sd) && Math.abs(mean) <= bounds.mean && Math.abs(sd - 1) <= bounds.sd;
  return {
    passed,
    figures: { pullMean: mean, pullSd: sd, bins: n },
    message: `pulls (flux - R·truth)·√ivar over ${n} bins: mean ${mean.toFixed(3)} (bound ±${bounds.mean.toFixed(3)}), sd ${sd.toFixed(3)} (bound 1 ± ${bounds.sd.toFixed(3)})`,
  };
}

function compare(actual: DesiOutput, expected: DesiOutput, _inputs: unknown, params: DesiParams, _tolerance: Tolerance): ValidationFigures {
  const n = params.nfiber * params.nwave;
  const problem = shapeProblem(actual, { flux: n, ivar: n, r: n * (2 * BAND + 1) });
  if (problem) return unusable(problem);
  const scale = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return compareBounded(
    (['flux', 'ivar', 'r'] as const).map((field) => {
      const largest = scale(expected[field]);
      return { field, actual: actual[field], expected: expected[field], rel: AGREEMENT, scale: () => largest };
    }),
  );
}

export default definePipeline<DesiStatic, DesiPerCall, DesiOutput, DesiParams>({
  name: 'desi',
  description: 'DESI spectral extraction of one bundle, end to end: legval → xypix → ghspots → projection → normal equations and Cholesky → resolution → flux, ivar and R per fiber',
  origin: 'DESI (desispec/specter ex2d, Bolton & Schlegel 2010); the SciPy 2019 talk\'s per-change speedups',
  sizes: {
    tiny: { nfiber: 4, nwave: 12, patch: 6, halo: 8 },
    small: { nfiber: 10, nwave: 20, patch: 10, halo: 8 },
    // 25 fibers (one bundle) × 20 wavelengths (+ 8 halo each side): 500 of a frame's 1 163 000 bins.
    desi: { nfiber: 25, nwave: 20, patch: 10, halo: 8 },
  },
  defaultSize: 'desi',
  generate: (params, seed) => {
    const staticInputs: DesiStatic = { x: reducedGrid(params), ...imageSize(params) };
    return { static: staticInputs, perCall: simulate(params, staticInputs, seed) };
  },
  perCall: (params, seed, staticInputs) => simulate(params, staticInputs, seed),
  stages: [psfStage, positionsStage, spotsStage, projectionStage, normaleqStage, resolutionStage, assembleStage],
  output: (state) => state.assemble as DesiOutput,
  // Each configuration starts from the one before it. The linear algebra starts at its precomputed
  // rung: the naive rung's Jacobi and dense products take minutes per call on a bundle-wide patch
  // (DESI's original called LAPACK there, not a textbook Jacobi).
  configurations: [
    { name: 'original', change: 'the original shape: bundle-wide patches, legval per patch, naive spots and projection', stages: { psf: 'naive', spots: 'naive', projection: 'naive', normaleq: 'precomputed', resolution: 'precomputed' } },
    { name: 'sub-bundles', change: 'sub-bundles: 5 groups of 5 fibers (+1 neighbour each side)', stages: {}, algorithm: { subbundles: 5 } },
    { name: 'legval-unrolled', change: 'legval ladder: unrolled TypeScript', stages: { psf: 'unrolled' } },
    { name: 'legval-native', change: 'legval ladder: native C++', stages: { psf: 'native' } },
    { name: 'legval-cache', change: 'legval caching: once per call for the whole window', stages: {}, algorithm: { cache: 1 } },
    { name: 'ghspots-unrolled', change: 'ghspots ladder: unrolled TypeScript', stages: { spots: 'unrolled' } },
    { name: 'ghspots-native', change: 'ghspots ladder: native C++', stages: { spots: 'native' } },
    { name: 'projection', change: 'projection: stamps straight from ghspots, pixel rows copied whole', stages: { projection: 'direct' } },
    { name: 'linalg-wasm', change: 'linear algebra ladder: WebAssembly', stages: { normaleq: 'wasm', resolution: 'wasm' } },
    { name: 'linalg-native', change: 'linear algebra ladder: native C++', stages: { normaleq: 'native', resolution: 'native' } },
    { name: 'parallel-2', change: 'parallel over patches: the linear algebra on 2 worker threads', stages: { normaleq: 'parallel', resolution: 'parallel' } },
  ],
  tolerance: { abs: 0, rel: AGREEMENT, ulp: 0 },
  compare,
  check: scienceCheck,
  elements: (params) => 3 * params.nfiber * params.nwave,
});
