// The types of parallel scaling: how a parallel variant declares its backend and is told its number
// of workers, how a scaling run records its cells (results schema version 2), and what analysis
// makes of them. Re-exported from bench/types.ts, with every other domain's shared types.

import type { CellFailure, Rung, RatioEstimate, SizeRef } from '../types.js';

// ───────────────────────────── the variant contract ─────────────────────────────

/**
 * How a parallel variant's workers run: worker_threads sharing memory, child processes given their
 * data once, a std::thread pool inside the native addon, or MPI ranks. Users may name others.
 */
export type ParallelBackend = 'threads' | 'processes' | 'native-threads' | 'mpi' | (string & {});

/** The backends that ship with hotbench, in the order reports show them. */
export const PARALLEL_BACKENDS: readonly ParallelBackend[] = ['threads', 'processes', 'native-threads', 'mpi'];

/** A rank of an MPI job, as the launcher numbered it. */
export interface RankContext {
  readonly rank: number;
  /** Ranks in the job: the number of workers. */
  readonly ranks: number;
}

/**
 * What makes a variant parallel. It is measured only in a scaling run (`hotbench scale`, or `run
 * --workers`), once per number of workers p, and its `prepare` receives p. Starting its workers
 * belongs in `prepare` (setup, measured and reported apart from the calls).
 */
export interface ParallelSpec {
  readonly backend: ParallelBackend;
  /**
   * Backend `mpi` only. The harness starts the measured process under an MPI launcher (mpirun) with
   * p ranks: rank 0 is the measured process (it prepares, is called and replies, as any variant);
   * ranks 1..p-1 call this instead, and serve rank 0's requests until rank 0 releases them.
   */
  follow?(context: RankContext): void | Promise<void>;
}

/** What `prepare` is told besides its inputs. A serial variant is prepared with `{ workers: 1 }`. */
export interface PrepareContext {
  /** The number of workers p the variant must use. */
  readonly workers: number;
}

// ───────────────────────────── the kernel contract ─────────────────────────────

/** strong: the same problem split among p workers; weak: the problem grows with p (its `grows` parameter × p). */
export type ScalingMode = 'strong' | 'weak';

// ───────────────────────────── planning and child jobs ─────────────────────────────

/** The workers dimension of a scaling run's cell. */
export interface WorkersPlan {
  readonly mode: ScalingMode;
  /** Ascending, each >= 1. */
  readonly counts: readonly number[];
  /** The cores the workers may use (logical CPUs, or --cores): p above it is oversubscribed. */
  readonly cores: number;
}

/** How many workers a job's variant uses, and whether the size grows with them (weak mode). */
export interface JobWorkers {
  readonly count: number;
  readonly mode: ScalingMode;
}

// ───────────────────────────── results file ─────────────────────────────

/** A scaling run's cell: which p it was measured at, and how. Absent on the cells of a plain run. */
export interface CellWorkers {
  /** p; 1 for a serial reference. */
  readonly count: number;
  readonly mode: ScalingMode;
  /** The variant's backend; null for a serial variant measured as the run's reference. */
  readonly backend: ParallelBackend | null;
  /** p was more than the machine's cores (allowed by --oversubscribe): the numbers say little about scaling. */
  readonly oversubscribed: boolean;
}

/**
 * The scaling section of a results file (schemaVersion 2): the workers dimension the cells were
 * measured over. Cells carry their own p (Cell.workers).
 */
export interface ScalingRun {
  readonly mode: ScalingMode;
  /** The numbers of workers asked for, ascending. */
  readonly workers: readonly number[];
  /** Logical CPUs of the machine (Environment.cores). */
  readonly cores: number;
  /** Whether p above the cores was allowed (--oversubscribe). */
  readonly oversubscribe: boolean;
  /** Weak mode: for each kernel, the size parameter that grew with p. */
  readonly grows?: { readonly [kernel: string]: string };
}

// ───────────────────────────── analysis ─────────────────────────────

/** One number of workers of one parallel variant. */
export interface WorkersPoint {
  readonly workers: number;
  /** The size it ran at (weak mode: the grown parameter). */
  readonly size: SizeRef;
  readonly status: 'measured' | 'suspect' | 'invalid' | 'failed';
  /** Median time per call of the parallel region (the call, workers included) and its interval over rounds. */
  readonly medianNs: number | null;
  readonly ciLowNs: number | null;
  readonly ciHighNs: number | null;
  readonly ciLevel: number | null;
  /** prepare, starting the workers included (median over rounds). */
  readonly setupNs: number | null;
  /**
   * S(p) against the same variant at p = 1, round by round: T1/Tp in strong mode, p·T1/Tp (scaled
   * speedup, the work grew p-fold) in weak mode. Null without a valid p = 1.
   */
  readonly speedup: RatioEstimate | null;
  /** The same against the run's best serial variant (at the base size). */
  readonly speedupVsSerial: RatioEstimate | null;
  /** speedup / p. */
  readonly efficiency: number | null;
  /** Karp-Flatt experimentally determined serial fraction (1/S - 1/p) / (1 - 1/p), p > 1. */
  readonly karpFlatt: number | null;
  readonly oversubscribed: boolean;
  readonly failure?: CellFailure;
  readonly error?: string;
  readonly suspect?: string;
}

/** A parallel variant over the numbers of workers it was measured at. */
export interface WorkersSeries {
  readonly variant: string;
  readonly rung: Rung;
  readonly target: string;
  readonly backend: ParallelBackend;
  readonly description: string;
  /** Ascending p. */
  readonly points: readonly WorkersPoint[];
  /**
   * The serial fraction f fitted by least squares to every measured S(p), p > 1: Amdahl's
   * S = 1/(f + (1-f)/p) in strong mode, Gustafson's S = p - f(p-1) in weak mode. Null with no p > 1.
   */
  readonly serialFraction: number | null;
  readonly law: 'amdahl' | 'gustafson';
}

/** A serial variant measured in a scaling run, at the base size: the absolute reference. */
export interface SerialReference {
  readonly variant: string;
  readonly rung: Rung;
  readonly target: string;
  readonly status: WorkersPoint['status'];
  readonly medianNs: number | null;
  readonly ciLowNs: number | null;
  readonly ciHighNs: number | null;
  readonly ciLevel: number | null;
  readonly failure?: CellFailure;
  readonly suspect?: string;
}

/** One (machine, kernel, size, mode) of a scaling run: every backend side by side. */
export interface WorkersGroup {
  readonly fingerprint: string;
  readonly kernel: string;
  /** The base size (p = 1). */
  readonly size: SizeRef;
  readonly mode: ScalingMode;
  /** Weak mode: the parameter that grew with p. */
  readonly grows: string | null;
  readonly cores: number;
  /** Some p exceeded the cores. */
  readonly oversubscribed: boolean;
  /** The fastest valid serial variant, `name@target`, or null when the run had none. */
  readonly bestSerial: string | null;
  /** Serial variants, fastest first. */
  readonly serial: readonly SerialReference[];
  readonly series: readonly WorkersSeries[];
}
