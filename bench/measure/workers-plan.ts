// The workers dimension of a scaling run (`hotbench scale`, `run --workers`): which numbers of
// workers, in which mode, on which cells. Checked here once, before anything is measured: p above
// the machine's cores without --oversubscribe, weak mode for a kernel that names no growing
// parameter, and a selection without a parallel variant are the user's mistakes, in one line.

import os from 'node:os';
import { UserError } from '../errors.js';
import { variantId } from '../spec/define.js';
import type { Plan, PlannedCell, ScalingMode, ScalingRun } from '../types.js';

/** What the command line asks of a scaling run. */
export interface WorkersRequest {
  readonly mode: ScalingMode;
  /** Ascending, distinct, each >= 1. */
  readonly counts: readonly number[];
  /** Allow p above the cores (reports then say the numbers were oversubscribed). */
  readonly oversubscribe: boolean;
  /** The cores the workers may use: this machine's logical CPUs, or an allocation's (--cores). */
  readonly cores: number;
}

/** Logical CPUs: what the harness counts as cores (Environment.cores). */
export function machineCores(): number {
  return os.cpus().length;
}

/** The default numbers of workers: the powers of two up to the cores, and the cores themselves (1, 2, 4, 8, 16 on 16 cores). */
export function defaultWorkerCounts(cores: number): number[] {
  const counts: number[] = [];
  for (let p = 1; p <= cores; p *= 2) counts.push(p);
  if (counts[counts.length - 1] !== cores) counts.push(cores);
  return counts;
}

/** `--workers 1,2,4` (already split into items) as ascending distinct positive integers. */
export function parseWorkerCounts(command: string, items: readonly string[]): number[] {
  if (items.length === 0) throw new UserError(`${command}: --workers needs a list of numbers of workers (e.g. --workers 1,2,4)`);
  const counts = items.map((item) => {
    const p = Number(item);
    if (!/^\d+$/.test(item) || !Number.isSafeInteger(p) || p < 1) {
      throw new UserError(`${command}: --workers needs whole numbers >= 1, got ${JSON.stringify(item)}`);
    }
    return p;
  });
  return [...new Set(counts)].sort((a, b) => a - b);
}

/**
 * The plan of a scaling run: the cells with at least one parallel variant (their serial variants
 * measured beside them, at p = 1, as the reference), each with the workers dimension. `plan` must
 * have been made with parallel variants included.
 */
export function planWorkers(command: string, plan: Plan, request: WorkersRequest): { plan: Plan; scaling: ScalingRun } {
  const { cores } = request;
  const most = request.counts[request.counts.length - 1];
  if (most > cores && !request.oversubscribe) {
    const whose = cores === machineCores() ? "this machine's" : 'the';
    throw new UserError(`${command}: ${most} workers is more than ${whose} ${cores} cores: pass --oversubscribe to measure anyway (every report then marks it)`);
  }
  const cells = plan.cells.filter((cell) => cell.variants.some((v) => v.definition.parallel));
  if (cells.length === 0) {
    const parallelSkipped = plan.skipped.filter((s) => plan.groups.some((g) => g.kernel.definition.name === s.kernel && g.variants.some((v) => v.definition.parallel && v.definition.name === s.variant && (v.definition.target ?? 'js') === s.target)));
    const why = parallelSkipped.length ? `: its parallel variants cannot run here (${parallelSkipped.map((s) => `${variantId(s.variant, s.target)}: ${s.reason}`).join('; ')})` : ' (--workers and scale measure parallel variants: see hotbench list)';
    throw new UserError(`${command}: the selection has no parallel variant to scale${why}`);
  }
  const grows: Record<string, string> = {};
  if (request.mode === 'weak') {
    for (const cell of cells) {
      const kernel = cell.kernel.definition;
      if (!kernel.grows) throw new UserError(`${command}: weak scaling needs kernel ${kernel.name} to name the size parameter that grows with the workers (grows in defineKernel); use --mode strong`);
      grows[kernel.name] = kernel.grows;
    }
  }
  const workers = { mode: request.mode, counts: request.counts, cores };
  const planned: PlannedCell[] = cells.map((cell) => ({ ...cell, workers }));
  return {
    plan: { ...plan, cells: planned },
    scaling: { mode: request.mode, workers: request.counts, cores, oversubscribe: request.oversubscribe, ...(request.mode === 'weak' ? { grows } : {}) },
  };
}
