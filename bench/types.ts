// Every type that crosses a module boundary in hotbench lives here: the kernel and variant contract
// (what users write), the results file (what a run produces) and the analysis (what reports and the
// gate read). Modules keep private helper types to themselves.

import type { CellWorkers, JobWorkers, ParallelSpec, PrepareContext, ScalingRun, WorkersGroup, WorkersPlan } from './types/scaling.js';
import type { CellExternal, ExternalSpec, PeerComparison } from './types/external.js';
import type { PipelineDefinition, PipelineRun, PipelineStudy, StageTimes } from './types/pipeline.js';

export * from './types/scaling.js';
export * from './types/external.js';
export * from './types/pipeline.js';

// ───────────────────────────── numbers ─────────────────────────────

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

// ───────────────────────────── results file ─────────────────────────────

export const SCHEMA_VERSION = 1;
/** A results file whose cells include a scaling run's (Cell.workers, ResultsFile.scaling). */
export const SCALING_SCHEMA_VERSION = 2;

export interface Environment {
  readonly cpuModel: string;
  readonly cpuFlags: readonly string[];
  /** Highest x86-64 micro-architecture level the flags support, or null off x86. */
  readonly x86Level: string | null;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: { readonly platform: string; readonly release: string; readonly arch: string };
  readonly node: string;
  readonly v8: string;
  readonly gitCommit: string | null;
  readonly loadAverage: readonly [number, number, number];
  readonly harnessVersion: string;
  /** Hash of the CPU model, flags, core count and memory: equal fingerprints = same kind of machine. */
  readonly fingerprint: string;
  /** Size of the largest cache (bytes), when sysfs tells it; absent in older results files. */
  readonly lastLevelCacheBytes?: number | null;
}

export interface SizeRef {
  readonly name: string;
  readonly params: SizeParams;
}

export type ValidationStatus = 'valid' | 'invalid' | 'failed';

export interface ValidationCase extends ValidationFigures {
  /** `cell` for the cell's own input, else the edge case's name. */
  readonly name: string;
  readonly valid: boolean;
  /**
   * Calls made on the one prepared instance (A, B, A: at least three) and the distinct per-call
   * inputs among them; the figures are the worst over the calls. Absent in older results files.
   */
  readonly calls?: number;
  readonly inputs?: number;
  /** The first call (1-based) whose output was outside the tolerance. */
  readonly failedCall?: number;
  /** Inputs the variant changed (`static.x`, `perCall.coefficients`): it is then invalid. */
  readonly mutated?: readonly string[];
}

export interface Validation {
  /** valid: every case within tolerance; invalid: wrong numbers; failed: threw or crashed. */
  readonly status: ValidationStatus;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly maxUlp: number;
  readonly cases: readonly ValidationCase[];
  /** Why it is invalid or failed, in one line. */
  readonly message?: string;
}

/** The timer as one child process measured it. */
export interface TimerInfo {
  /** Smallest positive difference between two readings, ns. */
  readonly resolutionNs: number;
  /** Cost of one reading, ns. */
  readonly overheadNs: number;
}

/** One child process's share of a cell. */
export interface RoundRecord {
  readonly round: number;
  readonly pid: number;
  /** Calls per sample. */
  readonly batch: number;
  readonly samples: number;
  /** Duration of prepare in this process, ns. */
  readonly setupNs: number;
  readonly timer: TimerInfo;
  /** The layout shift the process started with (bench/measure/layout.ts); absent from older builds. */
  readonly layout?: LayoutShift;
  /** A pipeline configuration's time per stage in this round (bench/types/pipeline.ts). */
  readonly stages?: StageTimes;
  /**
   * Device-only time per call over the round's timed calls, ns, for a variant that reports one
   * (PreparedVariant.deviceTime: a GPU rung's kernels, without the transfers the wall time includes).
   */
  readonly deviceNsPerCall?: number;
  /** Distinct per-call inputs the timed calls rotated among (the last call's output was checked). */
  readonly inputs?: number;
  /** Whether `run` returned Promises, each awaited inside the timed loop. */
  readonly async?: boolean;
  /**
   * The same timed loop around an empty call (one that returns its input), with the same batch:
   * its median ns per call and the median absolute deviation of its samples. A variant within this
   * noise of it did no measurable work: `suspect`.
   */
  readonly emptyCall?: { readonly medianNs: number; readonly madNs: number };
}

/**
 * How far a child process's layout was shifted before anything of the harness loaded: its stack
 * (bytes of environment), its heap (words of a retained array), its code space (steps of a
 * function compiled and optimised).
 */
export interface LayoutShift {
  readonly envBytes: number;
  readonly heapWords: number;
  readonly codeOps: number;
}

export interface OutlierCounts {
  readonly lowSevere: number;
  readonly lowMild: number;
  readonly highMild: number;
  readonly highSevere: number;
}

export interface SampleStats {
  /** Samples, all rounds together. */
  readonly n: number;
  /**
   * The time per call: the median over rounds of each round's (process's) median, so that every
   * process weighs the same however many samples it took.
   */
  readonly medianNs: number;
  /**
   * Its confidence interval: order statistics of the per-round medians (bench/stats/rounds.ts),
   * distribution-free; the rounds, not the samples, are the independent units. ciLevel is the level
   * reached: the requested one from 6 rounds, 93.75% with 5 (min to max), 0 with one round.
   */
  readonly ciLowNs: number;
  readonly ciHighNs: number;
  readonly ciLevel: number;
  /** Median absolute deviation, unscaled. */
  readonly madNs: number;
  readonly meanNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  /** Tukey fences: mild beyond 1.5 IQR, severe beyond 3 IQR. Counted, never removed. */
  readonly outliers: OutlierCounts;
}

/**
 * How a variant failed. threw: an exception in prepare or run; wrong-output: validated outside the
 * tolerance (wrong numbers, NaN, wrong shape), in validation or in a timed round's last call;
 * mutated-input: it changed its static or per-call inputs; timeout: killed after `timeoutMs`; crashed: the process
 * died abnormally on its own (a fatal signal such as SIGSEGV or SIGABRT, or a non-zero exit);
 * signal: killed by a signal from outside (SIGKILL, SIGTERM); out-of-memory: V8 ran out of heap.
 */
export type FailureKind = 'threw' | 'wrong-output' | 'mutated-input' | 'timeout' | 'crashed' | 'signal' | 'out-of-memory';

/** How one child process failed, as the parent saw it end. */
export interface ChildFailure {
  readonly kind: FailureKind;
  readonly message: string;
  readonly signal?: string;
  readonly exitCode?: number;
}

/**
 * A cell's failure: what went wrong, and in which phase. A timed round that finds wrong output or
 * changed inputs makes the whole variant invalid (its validation says so, with the round).
 */
export interface CellFailure extends ChildFailure {
  readonly phase: 'validate' | 'measure';
  /** The measured round (1-based) that failed, in phase measure. */
  readonly round?: number;
}

export interface Cell {
  readonly kernel: string;
  /** The variant's name; with `target` it identifies the variant. */
  readonly variant: string;
  readonly rung: Rung;
  readonly target: string;
  readonly description: string;
  readonly size: SizeRef;
  readonly seed: number;
  /** Output values per call. */
  readonly elements: number;
  readonly work: WorkModel;
  readonly validation: Validation;
  /**
   * Raw samples, ns per call: round after round (`rounds[i].samples` of them each), ascending within
   * a round as tinybench returns them.
   */
  readonly samples: readonly number[];
  readonly rounds: readonly RoundRecord[];
  /** Null when the variant was not measured (invalid or failed). */
  readonly stats: SampleStats | null;
  readonly nsPerElement: number | null;
  /** Median setup (prepare) time over rounds, ns. */
  readonly setupNs: number | null;
  /** Time to the first validated result in a fresh process; null when validation failed early. */
  readonly coldStart: ColdStart | null;
  /** Why measuring stopped early, when it did. */
  readonly error?: string;
  /** Present when the variant is invalid or failed (validation) or a round failed (measure). */
  readonly failure?: CellFailure;
  /**
   * Why a valid, measured result cannot be true (faster than the machine's memory allows, or no
   * slower than an empty call), when it cannot: decided by bench/analysis/suspect.ts, which analysis
   * applies again to every file it reads. A suspect variant is shown, never ranked.
   */
  readonly suspect?: string;
  /** A scaling run's cell: its number of workers and mode (schema version 2). */
  readonly workers?: CellWorkers;
  /** An external variant's cell (a Python peer, say): its program and what it ran on. */
  readonly external?: CellExternal;
}

/**
 * Time to the first result in a fresh process, apart from the steady state: loading the variant's
 * module (compiling WebAssembly, loading a native binary), its prepare, and its first call.
 */
export interface ColdStart {
  readonly loadNs: number;
  readonly prepareNs: number;
  readonly firstCallNs: number;
  readonly totalNs: number;
}

/** A build (ISA target) and whether this machine can run it. */
export interface TargetStatus {
  /** `js`, `wasm@scalar`, `wasm@simd`, `native@x86-64` … `native@x86-64-v4`, `gpu@cuda`. */
  readonly build: string;
  /** True, or why it cannot run here. */
  readonly status: true | string;
}

/** A variant that cannot run on this machine, with the reason. */
export interface SkippedVariant {
  readonly kernel: string;
  readonly variant: string;
  readonly target: string;
  /** Set when it was skipped at this size only (VariantSpec.sizes). */
  readonly size?: string;
  readonly reason: string;
}

/** What analysis needs to know of a kernel without loading it. */
export interface KernelInfo {
  readonly name: string;
  readonly description: string;
  readonly origin?: string;
  /** The variant name speedups are measured against. */
  readonly baseline: string;
  readonly tolerance: Tolerance;
  /** The kernel's own gate threshold, when it declares one. */
  readonly gateThreshold?: number;
}

// ───────────────────────────── roofline ─────────────────────────────

/**
 * What one build of the native roofline probes measured on a machine, on one core (the kernels are
 * single-threaded, so the roof that bounds them is one core's).
 */
export interface RooflineCeiling {
  /** The build that ran the probes: `x86-64`, `x86-64-v2`, `x86-64-v3`, `x86-64-v4`. */
  readonly target: string;
  /**
   * Independent chains acc = acc·m + a in the build's widest vectors: the floating-point peak of this
   * build, GFLOP/s. An FMA counts 2 (v3, v4); on x86-64 and v2, which have no FMA, each step is a
   * multiply and an add, 2 flops.
   */
  readonly peakGflops: number;
  /** STREAM-like triad a[i] = b[i] + s·c[i] over arrays far larger than the caches, GB/s (24 bytes per element). */
  readonly triadGBps: number;
  /** Store-only loop a[i] = s over the same size, GB/s (8 bytes per element). */
  readonly storeGBps: number;
  /** Width of the peak probe's vectors: 128 (SSE2), 256 (AVX2) or 512 (AVX-512) bits. */
  readonly vectorBits: number;
  /** Whether the peak probe used fused multiply-adds (else a multiply and an add). */
  readonly fma: boolean;
  /** Independent dependency chains in the peak probe, one vector register each. */
  readonly chains: number;
}

/** A machine's roofs: measured once per machine fingerprint, cached, and copied into results files. */
export interface MachineRoofline {
  readonly fingerprint: string;
  readonly measuredAt: string;
  /** One entry per native build this machine can run. */
  readonly ceilings: readonly RooflineCeiling[];
  /** The machine's roof: the highest peak and the highest triad bandwidth over its builds. */
  readonly peakGflops: number;
  readonly bandwidthGBps: number;
  /** Bytes of each of the bandwidth probes' three arrays (at least 4 × the last-level cache, as STREAM asks). */
  readonly arrayBytes: number;
  /** Native builds this machine could not run the probes on, with the reason. */
  readonly skipped: readonly { readonly target: string; readonly reason: string }[];
}

/** Where a measured cell sits under its machine's roofline. */
export interface RooflinePosition {
  /** Arithmetic intensity from the kernel's work model: flops per byte. */
  readonly intensity: number;
  /** min(peak, intensity × bandwidth): the best GFLOP/s this machine allows at this intensity. */
  readonly attainableGflops: number;
  /** Achieved GFLOP/s as a percentage of attainableGflops. */
  readonly percentOfRoof: number;
  /** Which roof limits this intensity. */
  readonly bound: 'memory' | 'compute';
}

export interface ResultsFile {
  /** 1; 2 when the file holds a scaling run (`scaling`, and cells with `workers`). */
  readonly schemaVersion: typeof SCHEMA_VERSION | typeof SCALING_SCHEMA_VERSION;
  readonly createdAt: string;
  /** The command line that produced the file. */
  readonly command: readonly string[];
  readonly environment: Environment;
  readonly settings: MeasureSettings;
  readonly kernels: readonly KernelInfo[];
  readonly cells: readonly Cell[];
  /** Variants of the planned kernels that could not run here. */
  readonly skipped: readonly SkippedVariant[];
  /** The machine's roofline, when it was measured (hotbench roofline) before or during the run. */
  readonly roofline?: MachineRoofline;
  /** Present when the file holds one shard of a matrix (`hotbench run --shard INDEX/COUNT`). */
  readonly shard?: ShardInfo;
  /** Present when `hotbench merge` joined the file from shards: where each came from. */
  readonly mergedFrom?: readonly MergedShard[];
  /** Present when the file holds a scaling run (schemaVersion 2). */
  readonly scaling?: ScalingRun;
  /** Present when the file holds a pipeline study: its stages and configurations. */
  readonly pipeline?: PipelineRun;
}

/** A (kernel, size) group of a whole matrix, with every selected variant, whether it can run here or not. */
export interface MatrixGroupKeys {
  readonly kernel: string;
  readonly size: string;
  /** Variant ids (`naive@js`), in plan order. */
  readonly variants: readonly string[];
}

/** Which part of a matrix a shard's results file holds, and of which matrix. */
export interface ShardInfo {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
  /**
   * The whole matrix in plan order, as the run's filters select it on any machine (variants that
   * cannot run here included): equal in every shard of one matrix, which is what merge checks.
   */
  readonly matrix: readonly MatrixGroupKeys[];
  /** Positions in `matrix` of the groups this shard was assigned (and measured, or skipped). */
  readonly assigned: readonly number[];
}

/** One shard a merged results file was joined from. */
export interface MergedShard {
  readonly source: string;
  readonly index: number;
  readonly createdAt: string;
  readonly command: readonly string[];
}

// ───────────────────────────── analysis ─────────────────────────────

/**
 * faster / slower / unchanged: against the kernel's baseline, decided once in analysis from the
 * interval of the speedup and the noise threshold; baseline: the reference point itself; suspect
 * (a result that cannot be true), invalid and failed variants are never ranked.
 */
export type Verdict = 'baseline' | 'faster' | 'slower' | 'unchanged' | 'suspect' | 'invalid' | 'failed';

/**
 * A ratio measured round by round: the median of the per-round ratios with its distribution-free
 * interval (bench/stats/rounds.ts); ciLevel is the level the rounds reach (93.75% with 5).
 */
export interface RatioEstimate {
  readonly ratio: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly ciLevel: number;
}

/** baseline / variant, round by round (RatioEstimate): above 1 means faster than the baseline. */
export type Speedup = RatioEstimate;

export interface RankedVariant {
  readonly variant: string;
  readonly rung: Rung;
  readonly target: string;
  readonly description: string;
  /** 1 = fastest; null when not ranked. */
  readonly rank: number | null;
  readonly validation: Validation;
  readonly stats: SampleStats | null;
  readonly nsPerElement: number | null;
  readonly setupNs: number | null;
  readonly coldStart: ColdStart | null;
  /**
   * Device-only time per call (a GPU rung's kernels, without the host <-> device transfers that the
   * wall-clock time includes): the median over the rounds that recorded one; null for other rungs.
   */
  readonly deviceNsPerCall: number | null;
  readonly speedup: Speedup | null;
  readonly verdict: Verdict;
  readonly gflops: number | null;
  readonly gbytesPerSecond: number | null;
  /** Against the roofline of the machine that measured it; null without a roofline or a time. */
  readonly roof: RooflinePosition | null;
  readonly error?: string;
  /** The cell's failure record, when the variant failed or was invalid. */
  readonly failure?: CellFailure;
  /** Why its result cannot be true (verdict `suspect`): bench/analysis/suspect.ts. */
  readonly suspect?: string;
  /** An external variant (run by its own program); `peer` when it is one of the peers the ladder is held against. */
  readonly external?: { readonly peer: boolean };
}

export interface CellGroup {
  readonly kernel: string;
  readonly size: SizeRef;
  readonly elements: number;
  /** The machine the group was measured on. */
  readonly fingerprint: string;
  /** `variant@target` of the baseline, or null if it is missing or not valid. */
  readonly baseline: string | null;
  /** Ranked variants first (fastest first), then the unranked. */
  readonly variants: readonly RankedVariant[];
  /** The best hotbench rung against the best peer, when both were ranked. */
  readonly peers?: PeerComparison;
}

/** One of the sizes a scaling fit used: the variant's median time per call at that many elements. */
export interface ScalingPoint {
  readonly size: string;
  readonly elements: number;
  readonly medianNs: number;
}

/**
 * How one variant's time grows with the problem on one machine: the least-squares line through
 * log(median ns per call) against log(elements) over the kernel's sizes, i.e. time ≈ a·n^b.
 */
export interface ScalingFit {
  readonly fingerprint: string;
  readonly kernel: string;
  readonly variant: string;
  readonly rung: Rung;
  readonly target: string;
  /** The sizes the variant was measured (valid, with a time) at, fewest elements first. */
  readonly points: readonly ScalingPoint[];
  /** b in O(n^b); null with fewer than two distinct element counts (nothing to fit). */
  readonly exponent: number | null;
  /** a in ns: the fitted time of one element; null when exponent is. */
  readonly coefficientNs: number | null;
  /** Coefficient of determination of the fit in log space; null with fewer than three points (a line through two is exact). */
  readonly r2: number | null;
}

/** A chart of a report: a Vega-Lite spec built from an analysis, drawn to SVG when the report is written. */
/**
 * A Vega-Lite specification (vega.github.io/vega-lite), its data inline. Typed loosely here so that
 * hotbench's public types need no vega-lite, an optional peer (bench/report/svg.ts).
 */
export type ChartSpec = object;

export interface ReportChart {
  /** Unique within a report, usable as an HTML id. */
  readonly id: string;
  readonly kind: 'speedup' | 'scaling' | 'roofline' | 'workers-speedup' | 'workers-efficiency' | 'pipeline-stages';
  readonly title: string;
  readonly spec: ChartSpec;
  /** Lines shown under the chart: what it lacks and why. */
  readonly notes: readonly string[];
}

export interface AnalysisSettings {
  /** Requested level of the intervals (order statistics over rounds: bench/stats/rounds.ts). */
  readonly confidence: number;
  /** A speedup CI must lie entirely beyond 1 ± this fraction to count as faster or slower. */
  readonly noiseThreshold: number;
}

export interface Analysis {
  readonly settings: AnalysisSettings;
  readonly environments: readonly Environment[];
  /** The rooflines of the machines analysed, where their results files carry one. */
  readonly rooflines: readonly MachineRoofline[];
  readonly groups: readonly CellGroup[];
  /** Variants that could not run, per machine. */
  readonly skipped: readonly (SkippedVariant & { readonly fingerprint: string })[];
  /** The results files analysed, in the order given. */
  readonly runs: readonly RunInfo[];
  /**
   * Hotspot tables of the profiles that belong to the runs (`profiles/` beside a results file, or
   * `hotbench report --profiles DIR`). Reports show them; analysis itself never reads them.
   */
  readonly profiles?: readonly ProfileRecord[];
  /** Parallel scaling (cells with `workers`), per machine, kernel, size and mode; absent when there is none. */
  readonly workers?: readonly WorkersGroup[];
  /** Pipeline studies (results files with a `pipeline` section); absent when there is none. */
  readonly pipelines?: readonly PipelineStudy[];
}

/** Where analysed numbers came from: the file, and the command and settings that measured them. */
export interface RunInfo {
  readonly source: string;
  readonly createdAt: string;
  readonly command: readonly string[];
  readonly settings: MeasureSettings;
  readonly fingerprint: string;
}

// ───────────────────────────── discovery and child processes ─────────────────────────────

/** Where a definition lives, so that a child process can import exactly that one. */
export interface DefinitionRef {
  readonly file: string;
  readonly exportName: string;
  /** Position within the export when it is an array of definitions. */
  readonly index?: number;
  /**
   * When the export is a pipeline: which of its derived definitions (bench/spec/pipeline.ts),
   * `kernel` or `configuration:NAME`.
   */
  readonly view?: string;
}

export interface Located<Definition> {
  readonly definition: Definition;
  readonly ref: DefinitionRef;
  /** True for the kernels and variants that ship with hotbench. */
  readonly builtIn: boolean;
}

/** Everything discovered: kernels by name, and each kernel's variants. */
export interface Registry {
  readonly kernels: ReadonlyMap<string, Located<KernelDefinition>>;
  readonly variants: ReadonlyMap<string, readonly Located<VariantDefinition>[]>;
  /** Pipelines by name (bench/types/pipeline.ts); absent where none could be (an older build's registry). */
  readonly pipelines?: ReadonlyMap<string, Located<PipelineDefinition>>;
}

/** What the parent asks one child process to do. */
export type ChildJob =
  | {
      readonly kind: 'validate';
      readonly kernel: DefinitionRef;
      readonly variant: DefinitionRef;
      readonly size: string;
      readonly seed: number;
      /** A scaling run's job: the number of workers and how the size follows it. */
      readonly workers?: JobWorkers;
      /** The cell's references, computed once by the harness (bench/validate/shared-references.ts). */
      readonly references?: string;
    }
  | {
      readonly kind: 'measure';
      readonly kernel: DefinitionRef;
      readonly variant: DefinitionRef;
      readonly size: string;
      readonly seed: number;
      readonly round: number;
      readonly settings: MeasureSettings;
      /**
       * Test knob of `npm run gate:power` only: make every timed call this fraction slower (see
       * bench/measure/slowdown.ts). Never set by run, gate or compare on their own.
       */
      readonly slowdown?: number;
      readonly workers?: JobWorkers;
      readonly references?: string;
    };

/** Where child processes come from: this hotbench, or another build of it (the gate's base). */
export interface ChildHarness {
  /** The child entry module, bench/measure/child of that build. */
  readonly entry: string;
  /** Node flags the entry needs (a TypeScript loader when it runs from source). */
  readonly execArgv: readonly string[];
}

/**
 * One side of a run. A plain run has one; the gate's interleaved run has two (base and head), each
 * with its own build's kernels, variants and child harness, measured in the same rounds.
 */
export interface RunSide {
  /** Shown in progress labels (`base`, `head`); a plain run has none. */
  readonly label?: string;
  readonly plan: readonly PlannedCell[];
  readonly harness: ChildHarness;
  /** Test knob of `npm run gate:power` only: slow this side's timed calls by this fraction. */
  readonly slowdown?: number;
}

/** One child process's measurement. */
export interface RoundMeasurement {
  readonly record: RoundRecord;
  /** ns per call. */
  readonly samples: readonly number[];
}

/** What an external program says it ran on (interpreter and library versions, thread settings). */
export type ExternalRuntime = { readonly [name: string]: string };

/** What a child process answers. */
export type ChildReply =
  | { readonly ok: true; readonly kind: 'validate'; readonly validation: Validation; readonly coldStart: ColdStart | null; readonly runtime?: ExternalRuntime }
  | { readonly ok: true; readonly kind: 'measure'; readonly measurement: RoundMeasurement; readonly runtime?: ExternalRuntime }
  | { readonly ok: false; readonly message: string; readonly kernelFault: boolean; readonly failure?: ChildFailure };

/** A (kernel, size) cell of the matrix with the variants to run in it. */
export interface PlannedCell {
  readonly kernel: Located<KernelDefinition>;
  readonly size: string;
  readonly variants: readonly Located<VariantDefinition>[];
  /** A scaling run: each parallel variant is measured at each of these numbers of workers. */
  readonly workers?: WorkersPlan;
}


/** The matrix to run, and what of it cannot run on this machine. */
export interface Plan {
  readonly cells: readonly PlannedCell[];
  readonly skipped: readonly SkippedVariant[];
  /**
   * Every selected (kernel, size) with every selected variant, runnable here or not (so also those
   * no variant of which can run here): what sharding splits, the same on every machine.
   */
  readonly groups: readonly PlannedCell[];
}

/** What the runner tells its observers (the progress display). */
export type RunEvent =
  | { readonly type: 'start'; readonly cells: number; readonly jobs: number }
  | { readonly type: 'job'; readonly label: string; readonly done: number; readonly jobs: number }
  | { readonly type: 'cell'; readonly kernel: string; readonly size: string; readonly cells: readonly Cell[] }
  | { readonly type: 'end' };

// ───────────────────────────── profiling ─────────────────────────────

/** The profilers `hotbench profile` drives. */
export type ProfileTool = 'cpu-prof' | '0x' | 'clinic-flame' | 'clinic-doctor';

/** A frame of a V8 CPU profile (`.cpuprofile`, the Profiler domain of the inspector protocol). */
export interface CpuProfileCallFrame {
  readonly functionName: string;
  readonly scriptId: string;
  /** A file:// URL, `node:…` for Node's own modules, or empty for natives and V8's pseudo-frames. */
  readonly url: string;
  /** 0-based, as V8 counts. */
  readonly lineNumber: number;
  readonly columnNumber: number;
}

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: CpuProfileCallFrame;
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/** The contents of a `.cpuprofile` file. */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  /** Microseconds. */
  readonly startTime: number;
  readonly endTime: number;
  /** The node on top of the stack at each sample. */
  readonly samples: readonly number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  readonly timeDeltas: readonly number[];
}

/** A place in a source file, 1-based as people and editors count; 0 where V8 gave no position. */
export interface SourceLocation {
  /** An absolute path, or a URL when the code does not come from a file (`node:internal/…`). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The source maps (v3 objects, sources made absolute) the profiled process held, by the URL of the
 * script they map: tsc's .js.map files, and tsx's maps of TypeScript, which exist only in memory.
 */
export type SourceMapsByUrl = Readonly<Record<string, object>>;

/**
 * Where the generated code's positions in a profile came from in the sources, through the source
 * maps: `url:line:column` of a call frame (V8's 0-based numbers) → the original location.
 */
export type SourceLocations = Readonly<Record<string, SourceLocation>>;

/**
 * function: JavaScript code (without a location when it comes from eval or new Function); native:
 * code without a script (a builtin, a native addon); program:
 * V8's own work outside JavaScript (parsing, compiling, the runtime); gc: the garbage collector;
 * idle: the thread waited (I/O, timers).
 */
export type HotspotKind = 'function' | 'native' | 'program' | 'gc' | 'idle';

/** One function of a profile with its time. A function is its name, file and line. */
export interface Hotspot {
  readonly name: string;
  readonly kind: HotspotKind;
  /** Null for V8's pseudo-frames, natives, and code made by eval or new Function. */
  readonly location: SourceLocation | null;
  /** Time with the function on top of the stack, ms. */
  readonly selfMs: number;
  /** Time with the function anywhere on the stack, counted once per sample however deep it recurses, ms. */
  readonly totalMs: number;
  /** Of the profile's sampled time. */
  readonly selfPercent: number;
  readonly totalPercent: number;
  /** Samples with the function on top of the stack. */
  readonly selfSamples: number;
}

/** A profile reduced to functions by self time, highest first. */
export interface HotspotTable {
  readonly samples: number;
  /** Time covered by the samples, ms: what the percentages are of. */
  readonly sampledMs: number;
  readonly hotspots: readonly Hotspot[];
}

/** What was profiled: a variant of a kernel at a size, or a user's program. */
export type ProfileTarget =
  | {
      readonly kind: 'kernel';
      readonly kernel: string;
      /** The variant's name; with `build` it identifies the variant (`naive@js`). */
      readonly variant: string;
      readonly build: string;
      readonly rung: Rung;
      readonly size: SizeRef;
      readonly seed: number;
    }
  | { readonly kind: 'script'; readonly script: string; readonly args: readonly string[] };

/** How the variant driver used its time in the profiled process. */
export interface DriverSummary {
  readonly calls: number;
  readonly runMs: number;
  readonly setupMs: number;
}

/** A profile folder's record (`hotspots.json`): what ran under which tool, its files and its table. */
export interface ProfileRecord {
  readonly createdAt: string;
  /** The command line that produced the profile. */
  readonly command: readonly string[];
  readonly tool: ProfileTool;
  readonly target: ProfileTarget;
  /** The profile folder, as it was given or found. */
  readonly folder: string;
  /** Files in the folder, relative to it: the tool's own (HTML, logs) and the .cpuprofile. */
  readonly artifacts: readonly string[];
  /** Present when a kernel variant was profiled. */
  readonly driver?: DriverSummary;
  /**
   * What the table was computed from, relative to the folder: profile.cpuprofile (V8's CPU profiler,
   * timed samples), or the tool's own stacks (V8's tick profiler, under 0x and clinic flame; a tick
   * counts as 1 ms).
   */
  readonly tableSource: string;
  readonly table: HotspotTable;
  /** What a person should know before trusting the table, one line each. */
  readonly notes?: readonly string[];
}

/** What `hotbench profile` asks the driver process to do: call one variant for a while. */
export interface DriverJob {
  readonly kernel: DefinitionRef;
  readonly variant: DefinitionRef;
  readonly size: string;
  readonly seed: number;
  readonly durationMs: number;
  /**
   * Hand the event loop a turn this often (ms), so samplers that run on it (clinic doctor's) see the
   * process; null: never (under V8's tick profiler, whose samples turns of the event loop can send
   * astray when loader hooks run on their own thread).
   */
  readonly yieldEveryMs: number | null;
  /** Where the driver writes its DriverSummary (JSON). */
  readonly summaryFile: string;
}

// ───────────────────────────── comparison and gate ─────────────────────────────

/**
 * What comparing two runs says of one variant in one cell, decided once in analysis: slower or
 * faster (significant and beyond the threshold), unchanged, suspect (head's result cannot be true:
 * see Cell.suspect), invalid (head's variant is invalid or failed), new (no comparable base),
 * missing (head no longer has it). Slower, invalid and suspect fail the gate.
 */
export type CompareVerdict = 'faster' | 'slower' | 'unchanged' | 'suspect' | 'invalid' | 'new' | 'missing';

export const COMPARE_VERDICTS: readonly CompareVerdict[] = ['slower', 'invalid', 'suspect', 'faster', 'unchanged', 'new', 'missing'];

/**
 * absolute: head's times against base's (same machine fingerprint). relative: on different
 * machines, each variant's time divided by its own run's baseline variant in the same round, and
 * those speedups compared.
 */
export type CompareBasis = 'absolute' | 'relative';

export interface CompareSettings {
  /** Significance level of the two-sided Mann-Whitney U test on per-round medians. */
  readonly alpha: number;
  /** head/base must reach 1 + threshold to be slower, or fall to 1/(1 + threshold) to be faster. */
  readonly threshold: number;
  /** Per-kernel thresholds from the command line: they beat the kernels' own gateThreshold. */
  readonly kernelThresholds: { readonly [kernel: string]: number };
  /** auto: absolute when the fingerprints match, else relative. */
  readonly basis: CompareBasis | 'auto';
  /** Requested level of the head/base intervals (order statistics over rounds: bench/stats/rounds.ts). */
  readonly confidence: number;
}

/** One side of one compared variant. */
export interface ComparedSide {
  readonly status: ValidationStatus;
  readonly medianNs: number | null;
  /** Rounds (processes) with samples. */
  readonly rounds: number;
  readonly error?: string;
}

export interface CellComparison {
  readonly kernel: string;
  readonly size: SizeRef;
  readonly variant: string;
  readonly target: string;
  readonly base: ComparedSide | null;
  readonly head: ComparedSide | null;
  /** head / base (in time, or in time relative to the run's baseline variant): above 1 = slower. */
  readonly ratio: RatioEstimate | null;
  /** Two-sided Mann-Whitney U p-value, per-round medians (or per-round relative times) as units. */
  readonly pValue: number | null;
  readonly threshold: number;
  readonly thresholdSource: 'default' | 'kernel' | 'command line';
  readonly verdict: CompareVerdict;
  /** The verdict in one line of words. */
  readonly reason: string;
}

export interface Comparison {
  readonly settings: CompareSettings;
  readonly basis: CompareBasis;
  /** Why this basis was used, for the summary. */
  readonly basisReason: string;
  readonly base: RunInfo;
  readonly head: RunInfo;
  readonly cells: readonly CellComparison[];
  readonly counts: { readonly [V in CompareVerdict]: number };
  /** False when any variant is slower or invalid: the gate fails. Decided here, read by the gate. */
  readonly passed: boolean;
}

/** The gate's JSON verdict file. */
export interface GateVerdict {
  readonly passed: boolean;
  /** 0 pass; 1 a regression or an invalid variant. (Usage and input errors exit 2 with no verdict.) */
  readonly exitCode: 0 | 1;
  /** against: base built from a git ref and measured interleaved with head; baseline: a stored file. */
  readonly mode: 'against' | 'baseline';
  /** One line: what was compared with what, and how. */
  readonly description: string;
  readonly base: { readonly ref?: string; readonly commit: string | null; readonly file: string };
  readonly head: { readonly commit: string | null; readonly file: string };
  /** How the base build got its dependencies (against only): a symlink to head's node_modules or npm ci. */
  readonly install?: 'symlink' | 'npm ci';
  /** Whether base's build ran in this gate or came from the cache of built bases (against only). */
  readonly baseBuild?: 'built' | 'cached';
  /** Wall-clock durations, ms: preparing the base (worktree, install, build), measuring, in total. */
  readonly durations: { readonly setupMs: number; readonly measureMs: number; readonly totalMs: number };
  /** Test knob used (npm run gate:power only). */
  readonly injectedSlowdown?: number;
  readonly comparison: Comparison;
}

// ───────────────────────────── the gate's power study ─────────────────────────────

/** One gate run of the study (npm run gate:power): A/A (factor 0) or A/B with head slowed by `factor`. */
export interface PowerTrial {
  readonly factor: number;
  readonly exitCode: number;
  /** Wall-clock time of the whole gate command, ms. */
  readonly wallMs: number;
  /** The machine's 1-minute load average when the trial started: how busy it was. */
  readonly loadAverage?: number;
  readonly verdict: GateVerdict;
}

/** What a campaign gates, fixed when it starts so that a resumed campaign runs the same trials. */
export interface PowerCampaign {
  readonly kernel: string;
  readonly size: string;
  /** Variant filter, or "all". */
  readonly variant: string;
  readonly threshold: number;
  readonly alpha?: number;
  readonly rounds?: number;
  /** The ref as given, and the commit it named when the campaign started. */
  readonly ref: string;
  readonly commit: string;
  readonly factors: readonly number[];
  /** Trials wanted: A/A, and each factor. */
  readonly aaTrials: number;
  readonly trials: number;
  readonly startedAt: string;
}

export interface RateEstimate {
  readonly alarms: number;
  readonly trials: number;
  readonly rate: number;
  /** 95% Wilson score interval of the rate. */
  readonly low: number;
  readonly high: number;
}

export interface FactorSummary {
  readonly factor: number;
  readonly alarms: RateEstimate;
  /** Median over trials and cells of the measured head/base: the slowdown actually realised. */
  readonly realisedRatio: number;
  readonly medianWallMs: number;
  readonly maxWallMs: number;
  /** Median time of the gates' measuring alone (without the base's checkout and build), ms. */
  readonly medianMeasureMs: number;
  /** Median 1-minute load average at the trials' start (NaN when not recorded). */
  readonly medianLoad: number;
}
