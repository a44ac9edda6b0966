// Loads the native rung's addons: one binary per x86-64 level (binding.gyp), built into
// native/binding/ by `npm ci` in a checkout (scripts/install-native.mjs, from source) or `npm run
// build:native`; the published package ships them built for linux-x64 (scripts/pack-native.mjs).
// A level is loaded only when this CPU supports it: a v4 binary on a v3 CPU dies with SIGILL.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LEVEL_CAP_VARIABLE, levelRank, readCpuInfo, X86_LEVELS } from '../bench/env/cpu.js';
import { packageRoot } from '../bench/paths.js';
import { defineVariant } from '../bench/spec/define.js';
import type { KernelOutput, SizeParams, VariantDefinition, VariantSpec } from '../bench/types.js';

export const NATIVE_LEVELS: readonly string[] = X86_LEVELS.map((l) => l.level);

export interface NativeAddon {
  /** out[s*nx + i] = Σ_k C[s*(deg+1) + k] P_k(x[i]); typed arrays by pointer, no copies. */
  legval(x: Float64Array, coefficients: Float64Array, deg: number, out: Float64Array): void;
  /**
   * out[s*187 + y*17 + x] = S[s][y][x], the pixel-integrated Gauss-Hermite spots (11 x 17, degree 6);
   * G holds 49 coefficients per spot. Typed arrays by pointer, no copies.
   */
  ghspots(dx: Float64Array, dy: Float64Array, sx: Float64Array, sy: Float64Array, g: Float64Array, out: Float64Array): void;
  /**
   * One Lloyd assignment over X packed in blocks of 8 points (variants/kmeans/blocks.ts) and
   * centroids C (k × d): writes labels, per-cluster sums (k × d) and counts (k); returns the inertia.
   */
  kmeans(xb: Float64Array, n: number, d: number, centroids: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array): number;
  /**
   * The normal equations of a patch (kernels/normaleq): from the static structure of
   * variants/normaleq/overlaps.ts (stamps, their corners, the packed overlapping pairs, iCov's
   * envelope) and one exposure, writes iCov's envelope entries (the rest of icov must be zero) and
   * x. Typed arrays by pointer, no copies; a malformed structure is a TypeError.
   */
  normaleq(stamps: Float64Array, row0: Int32Array, col0: Int32Array, nx: number, pairs: Int32Array, first: Int32Array, rowStart: Int32Array,
    pixels: Float64Array, ivar: Float64Array, icov: Float64Array, x: Float64Array): void;
  /**
   * The resolution matrix's diagonal blocks r (nspec·nwave² values) and ivar from iCov
   * (kernels/resolution); throws an Error when the eigen-solver reaches its iteration cap.
   */
  resolution(icov: Float64Array, nspec: number, nwave: number, r: Float64Array, ivar: Float64Array): void;
  /**
   * The roofline's bandwidth probe (native/src/roofline.cc): three arrays of `elements` doubles,
   * the best of `passes` passes of the triad a[i] = b[i] + s·c[i] and of the store a[i] = s, timed in C++.
   */
  rooflineBandwidth(elements: number, passes: number): { triadSeconds: number; storeSeconds: number; checksum: number };
  /**
   * The roofline's peak probe: independent chains acc = acc·m + a in this build's widest vectors,
   * each repetition at least `minRepSeconds` long, best of `reps`, timed in C++.
   */
  rooflinePeak(minRepSeconds: number, reps: number, m: number, a: number): {
    flopsPerRep: number;
    bestSeconds: number;
    chains: number;
    vectorBits: number;
    fma: boolean;
    checksum: number;
  };
  /** The level the binary was compiled for. */
  level(): string;
  /** A pool of `threads` std::threads (native/src/thread_pool.h) for the native-threads rung; idle threads sleep. */
  threadPool(threads: number): NativeThreadPool;
  /** Joins the pool's threads now (a pool not closed is joined when collected). */
  closeThreadPool(pool: NativeThreadPool): void;
  /** kmeans on the pool: each thread its blocks, partial sums added in thread order; returns the inertia. */
  kmeansThreads(pool: NativeThreadPool, xb: Float64Array, n: number, d: number, centroids: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array): number;
  /** legval on the pool: each thread its series. */
  legvalThreads(pool: NativeThreadPool, x: Float64Array, coefficients: Float64Array, deg: number, out: Float64Array): void;
  /** ghspots on the pool: each thread its spots. */
  ghspotsThreads(pool: NativeThreadPool, dx: Float64Array, dy: Float64Array, sx: Float64Array, sy: Float64Array, g: Float64Array, out: Float64Array): void;
}

/** An opaque handle of a native thread pool. */
export type NativeThreadPool = { readonly __nativeThreadPool: unique symbol };

export const bindingDir = path.join(packageRoot, 'native', 'binding');

export function binaryPath(level: string): string {
  return path.join(bindingDir, `hotbench_${level.replace(/-/g, '_')}.node`);
}

/** True when this machine can load `level`'s binary, else why not. */
export function nativeStatus(level: string): true | string {
  if (levelRank(level) < 0) return `unknown x86-64 level ${level}`;
  const host = readCpuInfo().x86Level;
  if (host === null) return 'not an x86-64 CPU (or its flags are unreadable)';
  if (levelRank(level) > levelRank(host)) {
    const capped = readCpuInfo().detectedX86Level !== host ? ` (capped by ${LEVEL_CAP_VARIABLE})` : '';
    return `this CPU supports up to ${host}${capped}`;
  }
  if (!existsSync(binaryPath(level))) return `not built: ${path.relative(process.cwd(), binaryPath(level))} is missing (${REBUILD_HINT})`;
  // The package ships linux-x64 builds: on another platform (or an older glibc) the file is there and
  // does not load. Loading it is the only test that covers every such case.
  const addon = tryLoad(level);
  if (typeof addon === 'string') return `cannot load ${path.relative(process.cwd(), binaryPath(level))}: ${addon} (${REBUILD_HINT})`;
  return true;
}

/** How to get the addons built for this machine, in a checkout and where hotbench is a dependency. */
const REBUILD_HINT = 'npm run build:native in a checkout; npm rebuild hotbench --build-from-source where it is installed';

const require = createRequire(import.meta.url);
const loaded = new Map<string, NativeAddon | string>();

/** The level's addon, loaded once; the loader's one-line message when it cannot load. */
function tryLoad(level: string): NativeAddon | string {
  let addon = loaded.get(level);
  if (addon === undefined) {
    try {
      addon = require(binaryPath(level)) as NativeAddon;
    } catch (error) {
      addon = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    }
    loaded.set(level, addon);
  }
  return addon;
}

export function loadNative(level: string): NativeAddon {
  const status = nativeStatus(level);
  if (status !== true) throw new Error(`native ${level}: ${status}`);
  return tryLoad(level) as NativeAddon;
}

/**
 * The highest level this machine can load (built, and within the CPU and HOTBENCH_MAX_X86_LEVEL):
 * the local step of the parallel rungs, which are measured once, on the best build. When none can
 * load, the lowest level, whose status says why.
 */
export function bestNativeLevel(): string {
  return [...NATIVE_LEVELS].reverse().find((level) => nativeStatus(level) === true) ?? NATIVE_LEVELS[0];
}

/**
 * A kernel's native rung: one variant per x86-64 level, named `native@<level>`, skipped where this
 * machine cannot load that level. `perLevel` gives each level's description and prepare.
 */
export function nativeVariants<Static, PerCall, Output extends KernelOutput, Params extends SizeParams>(
  kernel: string,
  perLevel: (level: string) => Pick<VariantSpec<Static, PerCall, Output, Params>, 'description' | 'prepare'>,
): VariantDefinition<Static, PerCall, Output, Params>[] {
  return NATIVE_LEVELS.map((level) =>
    defineVariant<Static, PerCall, Output, Params>({
      kernel,
      name: 'native',
      rung: 'native',
      target: level,
      available: () => nativeStatus(level),
      ...perLevel(level),
    }),
  );
}
