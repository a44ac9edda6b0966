// Parallel scaling from results files alone: per (machine, kernel, size, mode), each parallel
// variant over its numbers of workers p, beside the serial variants measured in the same run.
// - S(p): the same variant at p = 1 over p workers, round by round (both were measured in every
//   round), the median of the rounds' ratios with its distribution-free interval
//   (bench/stats/rounds.ts); in weak mode the work grew p-fold, so the scaled speedup p·T1/Tp.
// - against the run's best serial variant the same way: what the parallel variant buys over the
//   best single-threaded code, not over itself.
// - efficiency S/p; the Karp-Flatt serial fraction e = (1/S - 1/p)/(1 - 1/p) at each p > 1;
//   a serial fraction f fitted by least squares to all p > 1: Amdahl's 1/S = f + (1-f)/p
//   (strong), Gustafson's S = p - f(p-1) (weak), both linear in f through the origin.
// Decided here once; reporters only lay the numbers out.

import { variantId } from '../spec/define.js';
import { ratioOfRounds } from '../stats/index.js';
import {
  PARALLEL_BACKENDS,
  type AnalysisSettings,
  type Cell,
  type Environment,
  type MachineRoofline,
  type RatioEstimate,
  type ResultsFile,
  type ScalingMode,
  type SerialReference,
  type SizeParams,
  type WorkersGroup,
  type WorkersPoint,
  type WorkersSeries,
} from '../types.js';
import { roundMedians } from './rounds.js';
import { suspicion } from './suspect.js';

/** A cell's standing: measured (ranked), suspect, invalid or failed. */
function statusOf(cell: Cell, roofline: MachineRoofline | null, environment: Environment): { status: WorkersPoint['status']; suspect?: string } {
  if (cell.validation.status === 'invalid') return { status: 'invalid' };
  if (cell.validation.status !== 'valid' || !cell.stats) return { status: 'failed' };
  const suspect = suspicion(cell, roofline, environment);
  return suspect ? { status: 'suspect', suspect } : { status: 'measured' };
}

/** A ratio scaled by p (weak mode's scaled speedup). */
function scaled(ratio: RatioEstimate, factor: number): RatioEstimate {
  return { ...ratio, ratio: ratio.ratio * factor, ciLow: ratio.ciLow * factor, ciHigh: ratio.ciHigh * factor };
}

/** Karp-Flatt: the serial fraction that would explain S at p (p > 1). */
export function karpFlatt(speedup: number, p: number): number | null {
  if (!(p > 1) || !(speedup > 0)) return null;
  return (1 / speedup - 1 / p) / (1 - 1 / p);
}

/**
 * The serial fraction fitted to (p, S) pairs with p > 1, least squares: Amdahl's law in strong mode
 * (1/S - 1/p = f·(1 - 1/p)), Gustafson's in weak mode (p - S = f·(p - 1)). Null without a pair.
 */
export function fittedSerialFraction(points: readonly { readonly p: number; readonly speedup: number }[], mode: ScalingMode): number | null {
  let num = 0;
  let den = 0;
  for (const { p, speedup } of points) {
    if (!(p > 1) || !(speedup > 0)) continue;
    const [a, b] = mode === 'strong' ? [1 / speedup - 1 / p, 1 - 1 / p] : [p - speedup, p - 1];
    num += a * b;
    den += b * b;
  }
  return den > 0 ? num / den : null;
}

/** The base size of a weak-mode cell: its growing parameter divided back by p. */
function baseParams(cell: Cell, grows: string | null): SizeParams {
  const p = cell.workers?.count ?? 1;
  if (!grows || cell.workers?.mode !== 'weak' || p === 1 || !(grows in cell.size.params)) return cell.size.params;
  return { ...cell.size.params, [grows]: cell.size.params[grows] / p };
}

interface Collected {
  fingerprint: string;
  kernel: string;
  sizeName: string;
  mode: ScalingMode;
  grows: string | null;
  cores: number;
  environment: Environment;
  roofline: MachineRoofline | null;
  /** By `variant@target p`: the later file wins. */
  cells: Map<string, Cell>;
}

function backendRank(backend: string): number {
  const i = PARALLEL_BACKENDS.indexOf(backend);
  return i < 0 ? PARALLEL_BACKENDS.length : i;
}

function serialReference(cell: Cell, standing: ReturnType<typeof statusOf>): SerialReference {
  const measured = standing.status === 'measured' || standing.status === 'suspect';
  return {
    variant: cell.variant,
    rung: cell.rung,
    target: cell.target,
    status: standing.status,
    medianNs: measured ? cell.stats!.medianNs : null,
    ciLowNs: measured ? cell.stats!.ciLowNs : null,
    ciHighNs: measured ? cell.stats!.ciHighNs : null,
    ciLevel: measured ? cell.stats!.ciLevel : null,
    ...(cell.failure ? { failure: cell.failure } : {}),
    ...(standing.suspect ? { suspect: standing.suspect } : {}),
  };
}

function analyzeGroup(group: Collected, settings: AnalysisSettings): WorkersGroup {
  const cells = [...group.cells.values()];
  const standing = new Map(cells.map((c) => [c, statusOf(c, group.roofline, group.environment)] as const));
  const serialCells = cells.filter((c) => c.workers?.backend === null);
  const serial = serialCells
    .map((c) => ({ cell: c, ref: serialReference(c, standing.get(c)!) }))
    .sort((a, b) => (a.ref.status === 'measured' ? 0 : 1) - (b.ref.status === 'measured' ? 0 : 1) || (a.ref.medianNs ?? Infinity) - (b.ref.medianNs ?? Infinity));
  const best = serial.find((s) => s.ref.status === 'measured') ?? null;
  const bestRounds = best ? roundMedians(best.cell) : null;

  const byVariant = new Map<string, Cell[]>();
  for (const cell of cells) {
    if (cell.workers?.backend === null || !cell.workers) continue;
    const id = variantId(cell.variant, cell.target);
    byVariant.set(id, [...(byVariant.get(id) ?? []), cell]);
  }
  const series: WorkersSeries[] = [...byVariant.values()].map((mine) => {
    mine.sort((a, b) => a.workers!.count - b.workers!.count);
    const first = mine[0];
    const one = mine.find((c) => c.workers!.count === 1 && standing.get(c)!.status === 'measured');
    const oneRounds = one ? roundMedians(one) : null;
    const points: WorkersPoint[] = mine.map((cell) => {
      const p = cell.workers!.count;
      const { status, suspect } = standing.get(cell)!;
      const measured = status === 'measured';
      const rounds = measured ? roundMedians(cell) : null;
      // Weak mode: the work grew p-fold, so p·T1/Tp.
      const factor = group.mode === 'weak' ? p : 1;
      const speedup = rounds && oneRounds ? scaled(ratioOfRounds(oneRounds, rounds, settings.confidence), factor) : null;
      const speedupVsSerial = rounds && bestRounds ? scaled(ratioOfRounds(bestRounds, rounds, settings.confidence), factor) : null;
      const timed = status === 'measured' || status === 'suspect';
      return {
        workers: p,
        size: cell.size,
        status,
        medianNs: timed ? cell.stats!.medianNs : null,
        ciLowNs: timed ? cell.stats!.ciLowNs : null,
        ciHighNs: timed ? cell.stats!.ciHighNs : null,
        ciLevel: timed ? cell.stats!.ciLevel : null,
        setupNs: cell.setupNs,
        speedup,
        speedupVsSerial,
        efficiency: speedup ? speedup.ratio / p : null,
        karpFlatt: speedup ? karpFlatt(speedup.ratio, p) : null,
        oversubscribed: cell.workers!.oversubscribed,
        ...(cell.failure ? { failure: cell.failure } : {}),
        ...(cell.error ? { error: cell.error } : {}),
        ...(suspect ? { suspect } : {}),
      };
    });
    const fitted = points.flatMap((pt) => (pt.speedup ? [{ p: pt.workers, speedup: pt.speedup.ratio }] : []));
    return {
      variant: first.variant,
      rung: first.rung,
      target: first.target,
      backend: first.workers!.backend!,
      description: first.description,
      points,
      serialFraction: fittedSerialFraction(fitted, group.mode),
      law: group.mode === 'strong' ? 'amdahl' : 'gustafson',
    };
  });
  series.sort((a, b) => backendRank(a.backend) - backendRank(b.backend) || a.variant.localeCompare(b.variant));

  const reference = cells.find((c) => (c.workers?.count ?? 1) === 1) ?? cells[0];
  return {
    fingerprint: group.fingerprint,
    kernel: group.kernel,
    size: { name: group.sizeName, params: baseParams(reference, group.grows) },
    mode: group.mode,
    grows: group.grows,
    cores: group.cores,
    oversubscribed: cells.some((c) => c.workers?.oversubscribed),
    bestSerial: best ? variantId(best.ref.variant, best.ref.target) : null,
    serial: serial.map((s) => s.ref),
    series,
  };
}

/** The scaling groups of the files' scaling runs (cells with `workers`), in the order first seen. */
export function analyzeWorkers(inputs: readonly { readonly results: ResultsFile }[], settings: AnalysisSettings, rooflines: ReadonlyMap<string, MachineRoofline>): WorkersGroup[] {
  const groups = new Map<string, Collected>();
  for (const { results } of inputs) {
    const fingerprint = results.environment.fingerprint;
    for (const cell of results.cells) {
      if (!cell.workers) continue;
      const key = JSON.stringify([fingerprint, cell.kernel, cell.size.name, cell.workers.mode]);
      let group = groups.get(key);
      if (!group) {
        groups.set(
          key,
          (group = {
            fingerprint,
            kernel: cell.kernel,
            sizeName: cell.size.name,
            mode: cell.workers.mode,
            grows: results.scaling?.grows?.[cell.kernel] ?? null,
            cores: results.scaling?.cores ?? results.environment.cores,
            environment: results.environment,
            roofline: rooflines.get(fingerprint) ?? null,
            cells: new Map(),
          }),
        );
      }
      group.cells.set(`${variantId(cell.variant, cell.target)} ${cell.workers.count}`, cell);
    }
  }
  return [...groups.values()].map((g) => analyzeGroup(g, settings));
}
