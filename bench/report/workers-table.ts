// The tables of a scaling run, as rows of strings for every report format: per (machine, kernel,
// size, mode) each parallel variant at each p with its speedups, efficiency and serial fractions,
// and the backends side by side, one row per p. Analysis decided every number; this only lays
// them out.

import { variantId } from '../spec/define.js';
import type { Environment, WorkersGroup, WorkersPoint, WorkersSeries } from '../types.js';
import { formatNs, formatRatio, type TextTable } from './table.js';

/** The group in words: kernel, base size, mode (and what grew), cores, oversubscription. */
export function workersTitle(group: WorkersGroup, environment?: Environment): string {
  const params = Object.entries(group.size.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const mode = group.mode === 'weak' ? `weak scaling (${group.grows ?? 'size'} × p)` : 'strong scaling';
  const machine = environment ? ` · ${environment.cpuModel} [${group.fingerprint}]` : '';
  const over = group.oversubscribed ? ' · OVERSUBSCRIBED: some p exceed the cores' : '';
  return `${group.kernel} · ${group.size.name} (${params}) · ${mode} · ${group.cores} cores${machine}${over}`;
}

/** p, starred when it exceeds the cores. */
function workersLabel(point: Pick<WorkersPoint, 'workers' | 'oversubscribed'>): string {
  return point.oversubscribed ? `${point.workers}*` : String(point.workers);
}

function ci(point: Pick<WorkersPoint, 'medianNs' | 'ciLowNs' | 'ciHighNs' | 'ciLevel'>): string {
  if (point.medianNs === null || point.ciLowNs === null || point.ciHighNs === null) return '–';
  if (!(point.ciLevel && point.ciLevel > 0)) return '1 round';
  const half = Math.max(point.ciHighNs - point.medianNs, point.medianNs - point.ciLowNs);
  return `±${((100 * half) / point.medianNs).toFixed(1)}%`;
}

function ratio(r: WorkersPoint['speedup']): string {
  return r ? `${formatRatio(r.ratio)}x [${formatRatio(r.ciLow)}, ${formatRatio(r.ciHigh)}]` : '–';
}

function statusLabel(point: Pick<WorkersPoint, 'status' | 'failure'>): string {
  if (point.status === 'measured') return 'valid';
  const kind = point.failure ? ` (${point.failure.kind})` : '';
  return `${point.status.toUpperCase()}${kind}`;
}

/** The serial fraction in one line, as the law that fitted it. */
export function serialFractionLabel(series: WorkersSeries): string {
  if (series.serialFraction === null) return '–';
  return `${series.serialFraction.toFixed(3)} (${series.law === 'amdahl' ? 'Amdahl' : 'Gustafson'})`;
}

/**
 * Every variant of the group at every p: time per call, its interval, setup (prepare, starting the
 * workers), S(p) against itself at p = 1 and against the best serial variant, efficiency and
 * Karp-Flatt; the serial references on top.
 */
export function workersTable(group: WorkersGroup, environment?: Environment): TextTable {
  const serialName = group.bestSerial ?? 'best serial';
  const rows: string[][] = group.serial.map((s) => [
    variantId(s.variant, s.target),
    '1 (serial)',
    formatNs(s.medianNs),
    ci(s),
    '–',
    '–',
    variantId(s.variant, s.target) === group.bestSerial ? '1x (reference)' : '–',
    '–',
    '–',
    statusLabel({ status: s.status, ...(s.failure ? { failure: s.failure } : {}) }),
  ]);
  for (const series of group.series) {
    for (const point of series.points) {
      rows.push([
        variantId(series.variant, series.target),
        workersLabel(point),
        formatNs(point.medianNs),
        ci(point),
        formatNs(point.setupNs),
        ratio(point.speedup),
        ratio(point.speedupVsSerial),
        point.efficiency === null ? '–' : `${(100 * point.efficiency).toFixed(0)}%`,
        point.karpFlatt === null ? '–' : point.karpFlatt.toFixed(3),
        statusLabel(point),
      ]);
    }
  }
  const notes: string[] = [];
  for (const series of group.series) {
    const id = variantId(series.variant, series.target);
    notes.push(`${id}: fitted serial fraction ${serialFractionLabel(series)}`);
    for (const point of series.points) {
      if (point.failure) notes.push(`${id} p=${point.workers}: ${point.failure.kind} while ${point.failure.phase === 'validate' ? 'validated' : 'measured'}: ${point.failure.message}`);
      else if (point.error) notes.push(`${id} p=${point.workers}: ${point.error}`);
      if (point.suspect) notes.push(`${id} p=${point.workers}: SUSPECT, not used: ${point.suspect}`);
    }
  }
  for (const s of group.serial) if (s.failure) notes.push(`${variantId(s.variant, s.target)}: ${s.failure.kind}: ${s.failure.message}`);
  if (group.oversubscribed) notes.push(`p marked * exceeds this machine's ${group.cores} cores (--oversubscribe): workers share cores, the figures say little about scaling`);
  if (group.bestSerial === null) notes.push('no valid serial variant in the run: no speedup against the best serial code');
  const weak = group.mode === 'weak' ? ' (scaled: p·T1/Tp)' : '';
  return {
    title: workersTitle(group, environment),
    headers: ['variant', 'p', 'median/call', 'CI', 'setup', `S(p) vs own p=1${weak}`, `S vs ${serialName}${weak}`, 'efficiency', 'Karp-Flatt', 'status'],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows,
    notes,
  };
}

/** The backends side by side: one row per p, one column per parallel variant (median, and S(p) over its own p = 1). */
export function workersSideBySide(group: WorkersGroup): TextTable {
  const counts = [...new Set(group.series.flatMap((s) => s.points.map((p) => p.workers)))].sort((a, b) => a - b);
  const cell = (series: WorkersSeries, p: number): string => {
    const point = series.points.find((x) => x.workers === p);
    if (!point) return '–';
    if (point.status !== 'measured') return statusLabel(point);
    return `${formatNs(point.medianNs)}${point.speedup ? ` (${formatRatio(point.speedup.ratio)}x)` : ''}`;
  };
  const rows = counts.map((p) => {
    const oversubscribed = group.series.some((s) => s.points.some((x) => x.workers === p && x.oversubscribed));
    return [workersLabel({ workers: p, oversubscribed }), ...group.series.map((s) => cell(s, p))];
  });
  rows.push(['serial fraction f', ...group.series.map((s) => serialFractionLabel(s))]);
  const best = group.serial.find((s) => variantId(s.variant, s.target) === group.bestSerial);
  return {
    title: `${group.kernel} · ${group.size.name} · ${group.mode}: backends side by side, median/call (S(p) over its own p = 1)`,
    headers: ['p', ...group.series.map((s) => variantId(s.variant, s.target))],
    align: ['r', ...group.series.map(() => 'r' as const)],
    rows,
    notes: best ? [`best serial variant of the run: ${group.bestSerial}, ${formatNs(best.medianNs)} per call`] : [],
  };
}

/** How the scaling figures were computed, one line each. */
export function workersMethodNotes(): string[] {
  return [
    'parallel scaling: each parallel variant is validated and measured at each number of workers p in the same shuffled rounds as the serial variants; its time per call is the whole parallel region (the hand-off to the workers, their work and the gathering of their results); setup is its prepare, starting the workers included (an MPI job\'s ranks are started by mpirun before it).',
    'S(p) vs own p=1: round by round, the same variant\'s median at p = 1 over its median at p, the median of those ratios with its distribution-free interval; S vs best serial: the same against the fastest valid serial variant of the run. Weak mode (the growing parameter × p): the scaled speedup p·T1/Tp.',
    'efficiency: S(p)/p. Karp-Flatt: (1/S - 1/p)/(1 - 1/p), the serial fraction that explains S at that p. Fitted serial fraction: least squares over every p > 1 of Amdahl\'s 1/S = f + (1 - f)/p (strong) or Gustafson\'s S = p - f(p - 1) (weak).',
  ];
}
