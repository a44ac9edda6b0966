// The run: for each (kernel, size) cell, validate every variant in its own child process, then
// measure the valid ones over several rounds, each round a fresh child per variant in a shuffled
// order, so that one variant's JIT state never touches another's and drift hits all alike.
// Cells are handed to the caller as they finish, so that a failure later loses nothing.

import { UserError } from '../errors.js';
import { createRandom } from '../random.js';
import { variantId } from '../spec/define.js';
import { summarize } from '../stats/index.js';
import type {
  Cell,
  ColdStart,
  ChildJob,
  Located,
  MeasureSettings,
  PlannedCell,
  RoundMeasurement,
  RoundRecord,
  RunEvent,
  Validation,
  VariantDefinition,
} from '../types.js';
import { runChild } from './spawn.js';

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
  coldStart: ColdStart | null;
  readonly rounds: RoundMeasurement[];
  error?: string;
}

function assembleCell(planned: PlannedCell, progress: VariantProgress, seed: number): Cell {
  const kernel = planned.kernel.definition;
  const params = kernel.sizes[planned.size];
  const variant = progress.variant.definition;
  const samples = progress.rounds.flatMap((r) => r.samples);
  const records: RoundRecord[] = progress.rounds.map((r) => r.record);
  const stats = samples.length > 0 ? summarize(samples, 0.95, records.map((r) => r.samples)) : null;
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
  };
}

export interface RunOptions {
  readonly settings: MeasureSettings;
  readonly onEvent?: (event: RunEvent) => void;
  /** Receives each cell's results as soon as the cell is done. */
  readonly onCell?: (cells: readonly Cell[]) => void;
  /** Validate only: no variant is timed (the cells carry validation and no samples). */
  readonly validateOnly?: boolean;
}

function cellLabel(planned: PlannedCell, v: Located<VariantDefinition>): string {
  return `${planned.kernel.definition.name}/${planned.size} ${variantId(v.definition.name, v.definition.target ?? 'js')}`;
}

export async function runMatrix(plan: readonly PlannedCell[], options: RunOptions): Promise<Cell[]> {
  const { settings } = options;
  const rounds = options.validateOnly ? 0 : settings.rounds;
  const emit = options.onEvent ?? (() => {});
  const jobs = plan.reduce((n, cell) => n + cell.variants.length * (1 + rounds), 0);
  let done = 0;
  emit({ type: 'start', cells: plan.length, jobs });
  const all: Cell[] = [];

  for (const [cellIndex, planned] of plan.entries()) {
    const kernel = planned.kernel;
    const progress: VariantProgress[] = [];

    for (const variant of planned.variants) {
      const job: ChildJob = { kind: 'validate', kernel: kernel.ref, variant: variant.ref, size: planned.size, seed: settings.seed };
      const reply = await runChild(job, settings.timeoutMs);
      if (!reply.ok && reply.kernelFault) throw new KernelFaultError(reply.message);
      const validated = reply.ok && reply.kind === 'validate' ? reply : null;
      const validation = validated ? validated.validation : failedValidation(reply.ok ? 'unexpected reply' : reply.message);
      progress.push({ variant, validation, coldStart: validated?.coldStart ?? null, rounds: [] });
      emit({ type: 'job', label: `validate ${cellLabel(planned, variant)}`, done: ++done, jobs });
    }

    const valid = progress.filter((p) => p.validation.status === 'valid');
    done += (progress.length - valid.length) * rounds; // invalid variants are never timed
    for (let round = 0; round < rounds; round++) {
      // A different order every round and every cell, reproducible from the seed.
      for (const entry of shuffled(valid, settings.seed * 1000 + cellIndex * 100 + round)) {
        const job: ChildJob = {
          kind: 'measure',
          kernel: kernel.ref,
          variant: entry.variant.ref,
          size: planned.size,
          seed: settings.seed,
          round,
          settings,
        };
        // After a round fails, the variant's later rounds are skipped: its failure is recorded once.
        const reply = entry.error ? undefined : await runChild(job, settings.timeoutMs);
        if (reply?.ok && reply.kind === 'measure') entry.rounds.push(reply.measurement);
        else if (reply && !reply.ok) entry.error = `round ${round + 1}: ${reply.message}`;
        emit({ type: 'job', label: `round ${round + 1}/${rounds} ${cellLabel(planned, entry.variant)}`, done: ++done, jobs });
      }
    }

    const cells = progress.map((p) => assembleCell(planned, p, settings.seed));
    all.push(...cells);
    options.onCell?.(cells);
    emit({ type: 'cell', kernel: kernel.definition.name, size: planned.size, cells });
  }
  emit({ type: 'end' });
  return all;
}
