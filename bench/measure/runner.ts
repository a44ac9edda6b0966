// The run: for each (kernel, size) cell, validate every variant in its own child process, then
// measure the valid ones over several rounds, each round a fresh child per variant in a shuffled
// order, so that one variant's JIT state never touches another's and drift hits all alike.
// Cells are handed to the caller as they finish, so that a failure later loses nothing. In a
// scaling run a parallel variant is one entry per number of workers p, validated and measured as
// any variant (its failure at one p is that entry's alone), all of them in the same shuffled rounds
// as the serial references, so that every speedup is a ratio measured in one round.

import { UserError } from '../errors.js';
import { createRandom } from '../random.js';
import { variantId } from '../spec/define.js';
import { summarize } from '../stats/index.js';
import { EXTERNAL_PROTOCOL, type CellExternal, type ExternalProgram } from '../types/external.js';
import type {
  Cell,
  CellFailure,
  ChildReply,
  ColdStart,
  ChildJob,
  ExternalRuntime,
  JobWorkers,
  Located,
  MeasureSettings,
  PlannedCell,
  RoundMeasurement,
  RoundRecord,
  RunEvent,
  RunSide,
  Validation,
  VariantDefinition,
} from '../types.js';
import { ReferenceStore } from './reference-store.js';
import { ownHarness, runChild, type ChildStart } from './spawn.js';
import { paramsWithWorkers } from './workers.js';

/** The kernel itself (its generator, reference or edge cases) failed: no variant can be judged. */
export class KernelFaultError extends UserError {
  override name = 'KernelFaultError';
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = createRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function failedValidation(message: string): Validation {
  return { status: 'failed', maxAbsError: NaN, maxRelError: NaN, maxUlp: NaN, cases: [], message };
}

interface VariantProgress {
  readonly variant: Located<VariantDefinition>;
  validation: Validation;
  /** An external variant: what its program last said it ran on. */
  runtime?: ExternalRuntime;
  coldStart: ColdStart | null;
  readonly rounds: RoundMeasurement[];
  error?: string;
  failure?: CellFailure;
}

/** The failure a child's reply records, in `phase`: its own kind, or what its validation says. */
function failureOf(reply: ChildReply, phase: CellFailure['phase']): CellFailure | undefined {
  if (!reply.ok) return { ...(reply.failure ?? { kind: 'threw', message: reply.message }), phase };
  if (reply.kind !== 'validate' || reply.validation.status === 'valid') return undefined;
  const message = reply.validation.message ?? reply.validation.status;
  if (reply.validation.status === 'failed') return { kind: 'threw', message, phase };
  const mutated = reply.validation.cases.some((c) => c.valid === false && (c.mutated?.length ?? 0) > 0);
  return { kind: mutated ? 'mutated-input' : 'wrong-output', message, phase };
}

/** Failures a timed round finds in the variant's own answers or inputs: they make it invalid. */
const INVALIDATING: ReadonlySet<string> = new Set(['wrong-output', 'mutated-input']);

function assembleCell(planned: PlannedCell, progress: VariantProgress & { readonly workers?: JobWorkers }, seed: number): Cell {
  const kernel = planned.kernel.definition;
  const params = paramsWithWorkers(kernel, planned.size, progress.workers);
  const variant = progress.variant.definition;
  const samples = progress.rounds.flatMap((r) => r.samples);
  const records: RoundRecord[] = progress.rounds.map((r) => r.record);
  // A variant a timed round found wrong keeps its samples as evidence, but no figure that could be ranked.
  const stats = samples.length > 0 && progress.validation.status === 'valid' ? summarize(samples, 0.95, records.map((r) => r.samples)) : null;
  const elements = kernel.elements(params);
  return {
    kernel: kernel.name,
    variant: variant.name,
    rung: variant.rung,
    target: variant.target ?? 'js',
    description: variant.description,
    size: { name: planned.size, params },
    seed,
    elements,
    work: kernel.work(params),
    validation: progress.validation,
    samples,
    rounds: records,
    stats,
    nsPerElement: stats ? stats.medianNs / elements : null,
    setupNs: medianOf(records.map((r) => r.setupNs)),
    coldStart: progress.coldStart,
    ...(progress.error ? { error: progress.error } : {}),
    ...(progress.failure ? { failure: progress.failure } : {}),
    ...(variant.external ? { external: externalRecord(variant, progress.runtime) } : {}),
    ...(planned.workers
      ? {
          workers: {
            count: progress.workers?.count ?? 1,
            mode: planned.workers.mode,
            backend: variant.parallel?.backend ?? null,
            oversubscribed: (progress.workers?.count ?? 1) > planned.workers.cores,
          },
        }
      : {}),
  };
}

/** What a results file keeps of an external variant: its command line, the variables it set, its runtime. */
function externalRecord(variant: VariantDefinition, runtime: ExternalRuntime | undefined): CellExternal {
  let program: ExternalProgram | null = null;
  try {
    program = variant.external!.program();
  } catch {
    // recorded without its command line
  }
  return {
    protocol: EXTERNAL_PROTOCOL,
    peer: variant.external!.peer ?? false,
    command: program ? [program.command, ...(program.args ?? [])] : [],
    env: { ...(program?.env ?? {}) },
    runtime: { ...(runtime ?? {}) },
  };
}

export interface RunOptions {
  readonly settings: MeasureSettings;
  readonly onEvent?: (event: RunEvent) => void;
  /** Receives each cell's results as soon as the cell is done. */
  readonly onCell?: (cells: readonly Cell[]) => void;
  /** Validate only: no variant is timed (the cells carry validation and no samples). */
  readonly validateOnly?: boolean;
  /**
   * Position of the plan's first cell in the whole run (a resumed run's plan is what was left), so
   * that every cell's shuffled orders are those an uninterrupted run would have used.
   */
  readonly firstCellIndex?: number;
}

export interface SidesOptions extends Omit<RunOptions, 'onCell'> {
  /** Receives each (kernel, size) cell's results as soon as it is done, one array per side. */
  readonly onCell?: (cellsBySide: readonly (readonly Cell[])[]) => void;
}

interface Entry extends VariantProgress {
  readonly side: number;
  readonly planned: PlannedCell;
  readonly runSide: RunSide;
  /** A parallel variant's number of workers in a scaling run. */
  readonly workers?: JobWorkers;
}

function entryLabel(entry: Entry): string {
  const { planned, variant, runSide } = entry;
  const id = variantId(variant.definition.name, variant.definition.target ?? 'js');
  return `${runSide.label ? `${runSide.label} ` : ''}${planned.kernel.definition.name}/${planned.size} ${id}${entry.workers ? ` p=${entry.workers.count}` : ''}`;
}

/** The numbers of workers a variant is measured at: each of the scaling run's for a parallel one, else none. */
function workersOf(planned: PlannedCell, variant: Located<VariantDefinition>): (JobWorkers | undefined)[] {
  if (!planned.workers || !variant.definition.parallel) return [undefined];
  const { mode } = planned.workers;
  return planned.workers.counts.map((count) => ({ count, mode }));
}

/** How an entry's process starts: an MPI variant's under the launcher, a parallel one's processes swept. */
function startOf(entry: Pick<Entry, 'workers' | 'planned' | 'variant'>): ChildStart {
  const external = entry.variant.definition.external;
  if (external) return { external };
  if (!entry.workers) return {};
  const cores = entry.planned.workers?.cores ?? Infinity;
  const mpi = entry.variant.definition.parallel?.backend === 'mpi';
  return { sweep: true, oversubscribe: entry.workers.count > cores, ...(mpi ? { mpiRanks: entry.workers.count } : {}) };
}

const cellName = (planned: PlannedCell): string => JSON.stringify([planned.kernel.definition.name, planned.size]);

/** The (kernel, size) cells of all sides, in the first side's order, then what only later sides plan. */
function cellsOfSides(sides: readonly RunSide[]): (PlannedCell | undefined)[][] {
  const names: string[] = [];
  for (const side of sides) for (const planned of side.plan) if (!names.includes(cellName(planned))) names.push(cellName(planned));
  return names.map((name) => sides.map((side) => side.plan.find((planned) => cellName(planned) === name)));
}

/**
 * Runs one or more sides through the same rounds: for each (kernel, size) cell, every side's
 * variants are validated, then each round runs every valid (side, variant) in a fresh child process
 * of that side's own harness, in one order shuffled per round. A plain run is one side; the gate's
 * base and head are two, measured at the same moment on the same machine. Returns one array of cells
 * per side.
 */
export async function runSides(sides: readonly RunSide[], options: SidesOptions): Promise<Cell[][]> {
  const { settings } = options;
  const rounds = options.validateOnly ? 0 : settings.rounds;
  const emit = options.onEvent ?? (() => {});
  const cellsBySide = cellsOfSides(sides);
  const jobs = sides.reduce((n, side) => n + side.plan.reduce((m, cell) => m + cell.variants.reduce((e, v) => e + workersOf(cell, v).length, 0) * (1 + rounds), 0), 0);
  let done = 0;
  emit({ type: 'start', cells: cellsBySide.length, jobs });
  const all: Cell[][] = sides.map(() => []);
  const references = new ReferenceStore();
  try {
    for (const [position, plannedBySide] of cellsBySide.entries()) {
      references.nextCell();
      const cellIndex = position + (options.firstCellIndex ?? 0);
      const entries: Entry[] = [];
      for (const [side, planned] of plannedBySide.entries()) {
        if (!planned) continue;
        const runSide = sides[side];
        for (const variant of planned.variants) {
          for (const workers of workersOf(planned, variant)) {
            const shared = references.fileFor(planned, variant, settings.seed, workers);
            const job: ChildJob = { kind: 'validate', kernel: planned.kernel.ref, variant: variant.ref, size: planned.size, seed: settings.seed, ...(workers ? { workers } : {}), ...(shared ? { references: shared } : {}) };
            const pending = { variant, side, planned, runSide, ...(workers ? { workers } : {}) };
            const reply = await runChild(job, settings, runSide.harness, startOf(pending));
            if (!reply.ok && reply.kernelFault) throw new KernelFaultError(reply.message);
            const validated = reply.ok && reply.kind === 'validate' ? reply : null;
            const validation = validated ? validated.validation : failedValidation(reply.ok ? 'unexpected reply' : reply.message);
            const failure = failureOf(reply, 'validate');
            // A base built from an older hotbench may not measure cold starts.
            const entry: Entry = { ...pending, validation, coldStart: validated?.coldStart ?? null, rounds: [], ...(failure ? { failure } : {}), ...(validated?.runtime ? { runtime: validated.runtime } : {}) };
            entries.push(entry);
            emit({ type: 'job', label: `validate ${entryLabel(entry)}`, done: ++done, jobs });
          }
        }
      }

      const valid = entries.filter((p) => p.validation.status === 'valid');
      done += (entries.length - valid.length) * rounds; // invalid variants are never timed
      for (let round = 0; round < rounds; round++) {
        // A different order every round and every cell, reproducible from the seed.
        for (const entry of shuffled(valid, settings.seed * 1000 + cellIndex * 100 + round)) {
          const { planned, runSide } = entry;
          const shared = references.fileFor(planned, entry.variant, settings.seed, entry.workers);
          const job: ChildJob = {
            kind: 'measure',
            kernel: planned.kernel.ref,
            variant: entry.variant.ref,
            size: planned.size,
            seed: settings.seed,
            round,
            settings,
            ...(runSide.slowdown ? { slowdown: runSide.slowdown } : {}),
            ...(entry.workers ? { workers: entry.workers } : {}),
            ...(shared ? { references: shared } : {}),
          };
          // After a round fails, the variant's later rounds are skipped: its failure is recorded once.
          const reply = entry.error ? undefined : await runChild(job, settings, runSide.harness, startOf(entry));
          if (reply?.ok && reply.kind === 'measure') {
            entry.rounds.push(reply.measurement);
            if (reply.runtime) entry.runtime = reply.runtime;
          }
          else if (reply && !reply.ok) {
            entry.error = `round ${round + 1}: ${reply.message}`;
            entry.failure = { ...failureOf(reply, 'measure')!, message: entry.error, round: round + 1 };
            if (INVALIDATING.has(entry.failure.kind)) {
              // Valid in validation, wrong while timed: invalid, never ranked, and the round is named.
              entry.validation = { ...entry.validation, status: 'invalid', message: `measured ${entry.error}` };
            }
          }
          emit({ type: 'job', label: `round ${round + 1}/${rounds} ${entryLabel(entry)}`, done: ++done, jobs });
        }
      }

      const cells = sides.map((_, side) => entries.filter((e) => e.side === side).map((e) => assembleCell(e.planned, e, settings.seed)));
      cells.forEach((c, side) => all[side].push(...c));
      options.onCell?.(cells);
      const first = plannedBySide.find((p) => p !== undefined)!;
      emit({ type: 'cell', kernel: first.kernel.definition.name, size: first.size, cells: cells.flat() });
    }
  } finally {
    references.close();
  }
  emit({ type: 'end' });
  return all;
}

/** One side: the plan measured by this hotbench. */
export async function runMatrix(plan: readonly PlannedCell[], options: RunOptions): Promise<Cell[]> {
  const { onCell, ...rest } = options;
  const [cells] = await runSides([{ plan, harness: ownHarness }], { ...rest, ...(onCell ? { onCell: ([own]) => onCell(own) } : {}) });
  return cells;
}
