// Comparing two runs, the regression gate's verdict, and its power study.

import type { SizeRef, ValidationStatus } from './results.js';
import type { RatioEstimate, RunInfo } from './analysis.js';

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
