// The types of pipeline studies: a pipeline is an ordered list of stages (each a kernel or a plain
// function, with several implementations), an input generator, an end-to-end reference and an
// ordered list of configurations (the study's changes). It is measured as a kernel whose variants
// are its configurations (bench/spec/pipeline.ts derives both), through the same child protocol,
// rounds and validation; what it adds is recorded in the results file's `pipeline` section and
// read by bench/analysis/pipeline.ts. Re-exported from bench/types.ts.

import type { KernelInputs, KernelOutput, RatioEstimate, SampleStats, SizeParams, Tolerance, ValidationFigures, Verdict } from '../types.js';

// ───────────────────────────── the pipeline contract ─────────────────────────────

/**
 * What the stages share during one call: the call's per-call input under `input`, and each stage's
 * output under the stage's name once it has run. A stage reads what earlier stages wrote.
 */
export interface PipelineState<PerCall = unknown> {
  readonly input: PerCall;
  readonly [stage: string]: unknown;
}

/** A stage implementation after its prepare: `run` returns the stage's output. */
export interface PreparedStage {
  run(state: PipelineState): unknown;
  dispose?(): void | Promise<void>;
}

/** One way of doing a stage: a kernel variant wrapped for the pipeline, or a plain function. */
export interface StageImplementation<Static = unknown, Params extends SizeParams = SizeParams> {
  readonly description: string;
  /** The rung it stands for (`naive`, `native`, ...), when the stage runs a kernel. */
  readonly rung?: string;
  /** True, or why it cannot run on this machine (a native build the CPU lacks). */
  available?(): true | string;
  /**
   * Untimed with the configuration's prepare: precompute from the pipeline's static input and the
   * configuration's parameters (size and algorithm). Never from a per-call input.
   */
  prepare(staticInputs: Static, params: Params): PreparedStage | Promise<PreparedStage>;
}

export interface StageSpec<Static = unknown, Params extends SizeParams = SizeParams> {
  /** Lower case, digits and dashes; also the key of its output in the state. */
  readonly name: string;
  readonly description: string;
  /** The kernel the stage runs, when it runs one (`legval`): reports name it. */
  readonly kernel?: string;
  /** The implementation the end-to-end reference uses. */
  readonly reference: string;
  readonly implementations: { readonly [name: string]: StageImplementation<Static, Params> };
}

/**
 * One configuration of a study: an implementation per stage (stages not named use their reference
 * implementation) and the algorithm parameters it changes (a decomposition into smaller patches),
 * which are added to the size's parameters for the configuration and for its reference alike.
 */
export interface ConfigurationSpec {
  /** Lower case, digits and dashes: the variant name in results. */
  readonly name: string;
  /** The change from the configuration before it, in words (`sub-bundles`). */
  readonly change: string;
  readonly stages: { readonly [stage: string]: string };
  readonly algorithm?: SizeParams;
}

/** The result of a pipeline's science check on one output. */
export interface ScienceCheck {
  readonly passed: boolean;
  /** The figures it judged (pull mean, pull standard deviation), by name. */
  readonly figures: { readonly [name: string]: number };
  /** The bounds, in words, and what failed. */
  readonly message: string;
}

export interface PipelineSpec<Static, PerCall, Output extends KernelOutput, Params extends SizeParams> {
  readonly name: string;
  readonly description: string;
  readonly origin?: string;
  readonly sizes: { readonly [size: string]: Params };
  /** The size `hotbench pipeline` measures when none is named; defaults to the last size. */
  readonly defaultSize?: string;
  generate(params: Params, seed: number): KernelInputs<Static, PerCall>;
  /** A further per-call input for the same static input (see KernelSpec.perCall). */
  perCall?(params: Params, seed: number, staticInputs: Static): PerCall;
  readonly stages: readonly StageSpec<Static, Params>[];
  /** The end-to-end output from the last state. */
  output(state: PipelineState<PerCall>, params: Params): Output;
  /** The study, in order: the first is the original configuration. */
  readonly configurations: readonly ConfigurationSpec[];
  readonly tolerance: Tolerance;
  /** As KernelSpec.compare: replaces the element-wise comparison with the reference. */
  compare?(actual: Output, expected: Output, inputs: KernelInputs<Static, PerCall>, params: Params, tolerance: Tolerance): ValidationFigures;
  /**
   * A check of the output against the truth the inputs were drawn from, which every configuration
   * must pass besides agreeing with its reference (an extraction's pulls). A failure is invalid.
   */
  check?(output: Output, inputs: KernelInputs<Static, PerCall>, params: Params): ScienceCheck;
  /** Output values per call. */
  elements(params: Params): number;
}

export const PIPELINE_MARK = 'hotbench.pipeline';

export interface PipelineDefinition<
  Static = unknown,
  PerCall = unknown,
  Output extends KernelOutput = KernelOutput,
  Params extends SizeParams = SizeParams,
> extends PipelineSpec<Static, PerCall, Output, Params> {
  readonly hotbench: typeof PIPELINE_MARK;
}

// ───────────────────────────── what a round records ─────────────────────────────

/**
 * A composed variant's (a pipeline configuration's) time per stage in one round, ns per call:
 * `inPipeline` over the round's timed calls (each stage timed inside the call), `alone` from an
 * untimed pass after them that repeats each stage on its own on the last call's state.
 */
export interface StageTimes {
  readonly inPipeline: { readonly [stage: string]: number };
  readonly alone: { readonly [stage: string]: number };
}

// ───────────────────────────── results file ─────────────────────────────

/** The results file's `pipeline` section: what was measured, so analysis needs nothing else. */
export interface PipelineRun {
  readonly name: string;
  readonly description: string;
  readonly size: string;
  readonly stages: readonly { readonly name: string; readonly kernel?: string; readonly reference: string }[];
  /** In study order, each with its stages resolved (every stage named). */
  readonly configurations: readonly ConfigurationSpec[];
}

// ───────────────────────────── analysis ─────────────────────────────

/** A configuration's time in one stage: median over rounds of the per-round ns per call. */
export interface StageShare {
  readonly stage: string;
  readonly implementation: string;
  readonly nsPerCall: number;
  /** Of the configuration's time per call (the stage timings' sum plus what no stage covers). */
  readonly share: number;
  readonly aloneNsPerCall: number | null;
}

/** One row of the per-change table. */
export interface PipelineChange {
  readonly configuration: string;
  readonly change: string;
  readonly verdict: Verdict;
  readonly stats: SampleStats | null;
  /** Over the configuration before it (null for the first, or when either is not measured). */
  readonly speedup: RatioEstimate | null;
  /** Over the original configuration. */
  readonly cumulative: RatioEstimate | null;
  /** Stages whose implementation or algorithm changed. */
  readonly changedStages: readonly string[];
  /** Amdahl's prediction of `speedup` (see bench/analysis/pipeline.ts); null when not computable. */
  readonly amdahl: number | null;
  /** (measured - predicted) / predicted. */
  readonly amdahlGap: number | null;
  /** Why the gap is large, from the stage timings, when |gap| > 15%. */
  readonly gapExplanation?: string;
  readonly stages: readonly StageShare[];
  /** Time per call that no stage covers (the harness's glue between stages), ns. */
  readonly otherNsPerCall: number | null;
  /** Why it is not ranked (invalid, failed). */
  readonly problem?: string;
}

export interface PipelineStudy {
  readonly pipeline: string;
  readonly description: string;
  readonly size: string;
  readonly fingerprint: string;
  readonly stages: readonly string[];
  readonly changes: readonly PipelineChange[];
  /** The last valid configuration over the original. */
  readonly overall: RatioEstimate | null;
}
