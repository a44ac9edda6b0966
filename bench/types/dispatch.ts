// The dispatch file: what `hotbench dispatch` writes from results files and what the runtime
// (`hotbench/dispatch`) reads to give production code the fastest valid variant for the machine it
// runs on. Versioned on its own: it is shipped beside a project's code, long after the run.

import type { DefinitionRef, RatioEstimate, Rung, SizeParams } from '../types.js';

export const DISPATCH_VERSION = 1;

/**
 * Where a variant's (or kernel's) definition lives, so that the runtime imports that module alone:
 * a built-in's file relative to the hotbench package root (its compiled flavour), a user's relative
 * to the dispatch file's folder.
 */
export interface DispatchRef extends Omit<DefinitionRef, 'file'> {
  readonly builtIn: boolean;
  readonly file: string;
}

/** One measured variant of a (kernel, size) on one machine: valid, not suspect, ranked there. */
export interface DispatchCandidate {
  /** `native@x86-64-v4`. */
  readonly id: string;
  readonly variant: string;
  readonly target: string;
  readonly rung: Rung;
  /** 1 = fastest on that machine at that size. */
  readonly rank: number;
  /** Median time per call, ns, on that machine (absolute times only compare on one machine). */
  readonly medianNs: number;
  /** Over the run's baseline variant, measured in the same run; null without a valid baseline. */
  readonly speedup: RatioEstimate | null;
  readonly ref: DispatchRef;
}

/** A machine the candidates were measured on. */
export interface DispatchMachine {
  readonly fingerprint: string;
  readonly cpuModel: string;
  readonly x86Level: string | null;
  readonly cores: number;
  /** The results files measured on it, as given to `hotbench dispatch`. */
  readonly sources: readonly string[];
}

/** One measured size of a kernel: its parameters, what it stands for, and its ranking per machine. */
export interface DispatchSize {
  readonly name: string;
  readonly params: SizeParams;
  /**
   * Per parameter, the values this size stands for: from the geometric midpoint to the next smaller
   * measured value of that parameter to the midpoint to the next larger one (0 and Infinity, written
   * null, at the ends). The runtime picks the size nearest to the asked parameters in log space.
   */
  readonly ranges: { readonly [param: string]: readonly [low: number, high: number | null] };
  /** Per machine (fingerprint), the ranked candidates, fastest first. */
  readonly byMachine: { readonly [fingerprint: string]: readonly DispatchCandidate[] };
}

export interface DispatchKernel {
  readonly name: string;
  readonly ref: DispatchRef;
  readonly sizes: readonly DispatchSize[];
}

export interface DispatchFile {
  readonly dispatchVersion: typeof DISPATCH_VERSION;
  readonly createdAt: string;
  /** The command line that wrote it. */
  readonly command: readonly string[];
  readonly harnessVersion: string;
  readonly machines: readonly DispatchMachine[];
  readonly kernels: readonly DispatchKernel[];
}

/** Why a better candidate was passed over, or that it was chosen. */
export interface DispatchStep {
  readonly id: string;
  readonly rank: number;
  readonly medianNs: number;
  readonly outcome: 'chosen' | 'unavailable' | 'failed to load' | 'excluded' | 'failed verification';
  readonly reason?: string;
}

/** What the runtime chose for one kernel and parameters, and why. */
export interface DispatchChoice {
  readonly kernel: string;
  readonly params: SizeParams;
  /** The measured size whose ranking was used, and its distance in log space from the asked parameters. */
  readonly size: string;
  readonly distance: number;
  readonly machine: DispatchMachine;
  /** How the machine was matched: the same fingerprint, the same CPU model, the same x86-64 level, or none. */
  readonly match: 'fingerprint' | 'cpu model' | 'x86-64 level' | 'nearest';
  readonly steps: readonly DispatchStep[];
  /** The chosen candidate's id. */
  readonly chosen: string;
}
