// The kernel and variant contract (what users write): numbers, kernels, variants, their inputs and
// outputs, validation figures, and the configuration file.

import type { ParallelSpec, PrepareContext } from './scaling.js';
import type { ExternalSpec } from './external.js';

/** Any array of numbers a kernel may take or return. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | readonly number[];

/**
 * What a kernel returns: one array, or named fields (arrays or scalars), e.g. k-means returns
 * `{ labels, centroids, inertia }`. Every variant of a kernel returns the same shape.
 */
export type KernelOutput = NumericArray | { readonly [field: string]: NumericArray | number };

/** Named numeric parameters of one size, e.g. `{ nseries: 1425, nx: 2326, deg: 3 }`. */
export type SizeParams = { readonly [param: string]: number };

// ───────────────────────────── the kernel contract ─────────────────────────────

/**
 * A kernel's inputs, split by lifetime. `static` is known ahead and reusable across calls (a
 * wavelength grid): variants may precompute from it in `prepare`, untimed. `perCall` changes on every
 * call (the series' coefficients) and is what `run` receives.
 */
export interface KernelInputs<Static, PerCall> {
  readonly static: Static;
  readonly perCall: PerCall;
}

/**
 * How close a variant's output must be to the reference. A value passes when
 * |actual - expected| <= abs + rel * |expected|, or when the two are at most `ulp` units in the
 * last place apart. NaN must meet NaN, and an infinity the same infinity.
 */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
  readonly ulp: number;
}

/** Work per call, for throughput and roofline figures. */
export interface WorkModel {
  /** Floating-point operations per call (a fused multiply-add counts 2). */
  readonly flops: number;
  /** Bytes that must cross the memory interface per call at least (inputs read + outputs written). */
  readonly bytes: number;
}

/** A small named input that probes a corner of the domain during validation. */
export interface EdgeCase<Static, PerCall, Params extends SizeParams> {
  readonly name: string;
  readonly params: Params;
  readonly inputs: KernelInputs<Static, PerCall>;
}

/** Error figures of one comparison of a variant's output with the reference. */
export interface ValidationFigures {
  /** Largest |actual - expected| over finite values. */
  readonly maxAbsError: number;
  /** Largest |actual - expected| / |expected| over finite, non-zero expected values. */
  readonly maxRelError: number;
  /** Largest distance in units in the last place (doubles) over finite values. */
  readonly maxUlp: number;
  /** Values compared. */
  readonly checked: number;
  /** Values outside the tolerance. */
  readonly mismatches: number;
  /** The first value outside the tolerance, to make a failure actionable. */
  readonly firstMismatch?: {
    readonly field: string;
    readonly index: number;
    readonly actual: number;
    readonly expected: number;
  };
  /** Set when the output could not be compared at all (wrong shape, wrong type). */
  readonly problem?: string;
}

export interface KernelSpec<Static, PerCall, Output extends KernelOutput, Params extends SizeParams> {
  /** Identifier used on the command line and in results: lower case, digits and dashes. */
  readonly name: string;
  readonly description: string;
  /** Where the kernel comes from (a paper, a pipeline, a profile). */
  readonly origin?: string;
  /** Named sizes. */
  readonly sizes: { readonly [size: string]: Params };
  /** Sizes of `--quick` runs; defaults to those of `tiny` and `small` that exist. */
  readonly quickSizes?: readonly string[];
  /**
   * Sizes a run measures when neither `--size` nor `--quick` chooses; defaults to every size. A
   * size left out (one whose slowest rung would take minutes per cell) stays a named size: `--size
   * NAME` measures it, and `--size all` measures every size of every selected kernel.
   */
  readonly defaultSizes?: readonly string[];
  /** The variant speedups are measured against; defaults to `naive`. */
  readonly baseline?: string;
  /**
   * The gate's threshold for this kernel: the fraction by which head may be slower than base
   * before a significant difference fails the gate (0.05 = 5%). Overrides the gate's default;
   * `--threshold KERNEL=FRACTION` on the command line overrides this.
   */
  readonly gateThreshold?: number;
  /**
   * The size parameter that weak scaling multiplies by the number of workers p (kmeans: n, legval:
   * nseries, ghspots: nspots). A kernel without one can be scaled in strong mode only.
   */
  readonly grows?: string;
  /** Deterministic inputs for a size: the same seed gives the same inputs in every process. */
  generate(params: Params, seed: number): KernelInputs<Static, PerCall>;
  /**
   * A further per-call input for the same static input, drawn from `seed`: validation calls every
   * variant on at least two distinct per-call inputs, and the timed calls rotate among them, so that
   * no variant can pass or win by returning an answer it remembered. Deterministic for a seed.
   * Default: `generate(params, seed).perCall` (right whenever the per-call input does not depend on
   * the static one; it regenerates the static input too, which only costs time). A kernel whose
   * static input is costly to build draws it cheaply here: what the next call of a real program would
   * pass with the same prepared static data (the next exposure through the same PSF).
   */
  perCall?(params: Params, seed: number, staticInputs: Static): PerCall;
  /** The trusted implementation every variant is validated against. */
  reference(inputs: KernelInputs<Static, PerCall>, params: Params): Output;
  readonly tolerance: Tolerance;
  /** Output values per call (ns per element = ns per call / elements). */
  elements(params: Params): number;
  work(params: Params): WorkModel;
  /** Inputs at the corners of the domain, checked besides the cell's own input. */
  edgeCases?(): readonly EdgeCase<Static, PerCall, Params>[];
  /**
   * Replaces the element-wise comparison where a kernel's outputs may legitimately differ (for
   * example k-means labels at exact ties). Return the figures; `mismatches > 0` means invalid.
   */
  compare?(
    actual: Output,
    expected: Output,
    inputs: KernelInputs<Static, PerCall>,
    params: Params,
    tolerance: Tolerance,
  ): ValidationFigures;
}

/** The marker defineKernel/defineVariant put on definitions, so discovery can tell them apart. */
export const KERNEL_MARK = 'hotbench.kernel';
export const VARIANT_MARK = 'hotbench.variant';

export interface KernelDefinition<
  Static = unknown,
  PerCall = unknown,
  Output extends KernelOutput = KernelOutput,
  Params extends SizeParams = SizeParams,
> extends KernelSpec<Static, PerCall, Output, Params> {
  readonly hotbench: typeof KERNEL_MARK;
}

/** The rungs of the ladder (`gpu`: CUDA, where a GPU is there). Users may name others. */
export type Rung = 'naive' | 'precomputed' | 'unrolled' | 'wasm' | 'native' | 'gpu' | (string & {});

/**
 * Time a variant spent on an accelerator, as the variant itself measured it (CUDA events): the total
 * since `prepare`, and the calls it covers. The harness reads it before and after a round's timed
 * calls and records the difference per call beside the wall-clock time.
 */
export interface DeviceTime {
  readonly ns: number;
  readonly calls: number;
}

/**
 * A variant after `prepare`: `run` is the timed call. Its output may be reused by the next call.
 * `run` may return a Promise (a worker pool, a GPU queue): the harness awaits it, times each call to
 * its settling and validates what it resolves to. Inputs are read-only: a variant that changes its
 * static or per-call inputs is invalid (`mutated-input`).
 */
export interface PreparedVariant<PerCall, Output extends KernelOutput> {
  run(perCall: PerCall): Output | Promise<Output>;
  /**
   * Frees what prepare allocated (wasm memory, native buffers) and stops what it started (a worker
   * pool); a Promise is awaited.
   */
  dispose?(): void | Promise<void>;
  /** Device-only time of the calls so far (a GPU rung); absent for code that runs on the CPU. */
  deviceTime?(): DeviceTime;
  /**
   * A composed variant (a pipeline configuration): ns per stage summed over the calls so far, and
   * the calls; the harness reads it before and after a round's timed calls, as deviceTime.
   */
  stageTime?(): { readonly calls: number; readonly ns: { readonly [stage: string]: number } };
  /**
   * A composed variant, untimed after the round's timed calls: each stage repeated on its own on the
   * last call's state, ns per call (what the stage costs alone, with its data warm).
   */
  stagesAlone?(): Promise<{ readonly [stage: string]: number }>;
}

export interface VariantSpec<Static, PerCall, Output extends KernelOutput, Params extends SizeParams> {
  /** The kernel's name. */
  readonly kernel: string;
  /** The variant's name within the kernel, e.g. `naive`, `wasm`. */
  readonly name: string;
  readonly rung: Rung;
  /**
   * The build it runs on: `js` (default) for TypeScript, `scalar` / `simd` for WebAssembly, the
   * x86-64 level (`x86-64-v3`) for native code, `cuda` for the GPU rung. With the name it makes the
   * id: `native@x86-64-v3`, `gpu@cuda`.
   */
  readonly target?: string;
  readonly description: string;
  /**
   * Whether this build can run on this machine: true, or the reason it cannot (the CPU lacks the
   * level, the binary was not built). Checked before a run; a variant that cannot run is skipped
   * and listed with its reason, never failed.
   */
  available?(): true | string;
  /**
   * Present on a parallel variant: its backend (and, for MPI, what the other ranks run). A parallel
   * variant is measured only in a scaling run, once per number of workers (bench/types/scaling.ts).
   */
  readonly parallel?: ParallelSpec;
  /**
   * Present on an external variant (bench/spec/external.ts, defineExternalVariant): the program that
   * runs it, started by the harness in place of its own child process (docs/peers.md). Its `prepare`
   * is never called in the harness's processes.
   */
  readonly external?: ExternalSpec;
  /**
   * The sizes it is measured at, when not all (numpy called once per scalar takes seconds per call at
   * the real sizes); at the others it is skipped with the reason.
   */
  readonly sizes?: readonly string[];
  /**
   * Parameters of the algorithm this variant runs, added to the size's parameters for it and for the
   * reference it is checked against: a variant that changes the decomposition (a pipeline
   * configuration with sub-bundles) is checked against the reference of its own decomposition.
   */
  readonly algorithm?: SizeParams;
  /**
   * Untimed (its duration is reported as setup): precompute from the static inputs and the size;
   * a parallel variant starts its `context.workers` workers here. Never cache the answer for the
   * benchmark's own per-call input.
   */
  prepare(
    staticInputs: Static,
    params: Params,
    context: PrepareContext,
  ): PreparedVariant<PerCall, Output> | Promise<PreparedVariant<PerCall, Output>>;
}

export interface VariantDefinition<
  Static = unknown,
  PerCall = unknown,
  Output extends KernelOutput = KernelOutput,
  Params extends SizeParams = SizeParams,
> extends VariantSpec<Static, PerCall, Output, Params> {
  readonly hotbench: typeof VARIANT_MARK;
}

// ───────────────────────────── configuration ─────────────────────────────

/** How a run measures. Resolved once (defaults, config file, command line) and recorded. */
export interface MeasureSettings {
  /** Fresh child processes per variant and cell; the variant order is shuffled per round. */
  readonly rounds: number;
  /** tinybench time budget per round, ms. */
  readonly timeMs: number;
  /** Minimum samples per round. */
  readonly minSamples: number;
  /** About this many samples per round at most: fast calls are batched so the budget yields this many. */
  readonly maxSamples: number;
  /** Warm-up budget per round, ms. */
  readonly warmupMs: number;
  /** A sample shorter than this (ns) is made of several calls (batching). */
  readonly minSampleNs: number;
  /** Input seed. */
  readonly seed: number;
  /** A child process that takes longer than this (ms) is killed and its cell marked failed. */
  readonly timeoutMs: number;
  /**
   * V8 heap limit of each child process, MiB (`--max-old-space-size`): a variant that exhausts memory
   * fails fast as `out-of-memory` instead of taking the machine down. Absent in older results files.
   */
  readonly maxHeapMb?: number;
}

/** The contents of hotbench.config.{ts,js,json}. Every field is optional. */
export interface HotbenchConfig {
  /** Folders of the user's kernels and variants, relative to the config file. */
  readonly kernels?: readonly string[];
  readonly measure?: Partial<MeasureSettings>;
  /** false: runs that name no --kernel measure only the user's kernels (default true: every kernel). */
  readonly builtIns?: boolean;
}
