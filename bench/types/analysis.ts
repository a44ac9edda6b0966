// The analysis: results turned into ranked groups with speedups and verdicts, which every report
// format and the gate read.

import type { MeasureSettings, Rung } from './kernel.js';
import type { CellFailure, ColdStart, Environment, SampleStats, SizeRef, SkippedVariant, Validation } from './results.js';
import type { MachineRoofline, RooflinePosition } from './roofline.js';
import type { ProfileRecord } from './profile.js';
import type { WorkersGroup } from './scaling.js';
import type { PeerComparison } from './external.js';
import type { PipelineStudy } from './pipeline.js';

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
