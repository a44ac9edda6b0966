// The results file: what a run produces, cell by cell, round by round (bench/results/schema.ts
// holds its JSON Schema), and the shards of a run.

import type { MeasureSettings, Rung, SizeParams, Tolerance, ValidationFigures, WorkModel } from './kernel.js';
import type { MachineRoofline } from './roofline.js';
import type { CellWorkers, ScalingRun } from './scaling.js';
import type { CellExternal } from './external.js';
import type { PipelineRun, StageTimes } from './pipeline.js';

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
