// Discovery of kernels and variants, and the harness's jobs and replies with its child processes
// (bench/measure/channel.ts carries them).

import type { KernelDefinition, MeasureSettings, VariantDefinition } from './kernel.js';
import type { Cell, ChildFailure, ColdStart, RoundRecord, SkippedVariant, Validation } from './results.js';
import type { JobWorkers, WorkersPlan } from './scaling.js';
import type { PipelineDefinition } from './pipeline.js';

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
