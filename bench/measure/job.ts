// What a child process does with its one job (validate, or measure one round); child.ts, the entry,
// loads this module once the process's layout is shifted. A fresh process per job keeps each
// variant's JIT state, heap and code cache its own.

import { workerFailureOf } from '../parallel/worker-error.js';
import { loadDefinition } from '../spec/registry.js';
import type { ChildJob, ChildReply, ColdStart, KernelDefinition, KernelInputs, KernelOutput, LayoutShift, PrepareContext, RankContext, SizeParams, VariantDefinition } from '../types.js';
import { withValuesOf } from '../validate/inputs.js';
import { recallReferences } from '../validate/shared-references.js';
import { compareWithReference, describeFigures, guardCase, isThenable, KernelFault, validateVariant, type Caller, type RecallReferences } from '../validate/validate.js';
import { measureRound, RoundFault, type RoundChecks, type RoundInputs } from './sampler.js';
import { nowNs } from './timer.js';
import { paramsWithWorkers } from './workers.js';

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

/** Times the first prepare and the first call (the cell's input) in this fresh process: the cold start. */
function coldStartCaller(loadNs: number, record: (coldStart: ColdStart) => void): Caller {
  let prepareNs: number | null = null;
  let firstCallDone = false;
  let t0 = 0;
  return {
    async prepare(variant, staticInputs, params, context) {
      if (prepareNs !== null) return variant.prepare(staticInputs, params, context);
      t0 = nowNs();
      const prepared = await variant.prepare(staticInputs, params, context);
      prepareNs = nowNs() - t0;
      return prepared;
    },
    async call(prepared, perCall) {
      if (firstCallDone || prepareNs === null) return prepared.run(perCall);
      firstCallDone = true;
      const t1 = nowNs();
      const returned = prepared.run(perCall);
      const output = isThenable(returned) ? await returned : returned;
      const t2 = nowNs();
      record({ loadNs, prepareNs, firstCallNs: t2 - t1, totalNs: loadNs + prepareNs + (t2 - t1) });
      return output;
    },
  };
}

/**
 * The round's per-call inputs, their references (computed here, before timing, so that checking the
 * last timed call costs no measured time) and the checks that run after the timed calls.
 */
function roundSetup(kernel: KernelDefinition, params: SizeParams, seed: number, inputs: KernelInputs<unknown, unknown>, recall?: RecallReferences): { inputs: RoundInputs; checks: RoundChecks } {
  // The cell's case as validation guarded it: the same further inputs, drawn from the same seed.
  const guarded = guardCase(kernel, { name: 'cell', params, inputs }, seed, recall);
  const checks: RoundChecks = {
    output(output: KernelOutput, index: number) {
      const figures = compareWithReference(kernel, output, guarded.expected[index], { static: inputs.static, perCall: guarded.perCall[index] }, params);
      return figures.mismatches === 0 ? null : describeFigures(figures);
    },
    changedInputs: guarded.changed,
    async sameObjectOtherValues(call) {
      const [a, b] = guarded.perCall;
      const figures = await withValuesOf(a, b, async () => {
        const output = await call(a);
        return compareWithReference(kernel, output, guarded.expected[1], { static: inputs.static, perCall: a }, params);
      });
      return figures && figures.mismatches > 0 ? describeFigures(figures) : null;
    },
  };
  return { inputs: { static: inputs.static, perCall: guarded.perCall, distinct: guarded.distinct }, checks };
}

/**
 * Performs `job` in a process started with `layout` (recorded with a measured round); every failure
 * becomes a failed reply (a kernel's own fault marked as such; a round that found the variant wrong,
 * or a parallel variant whose worker failed, with its kind).
 */
export async function perform(job: ChildJob, layout: LayoutShift | null): Promise<ChildReply> {
  return performJob(job, layout).catch((error: unknown): ChildReply => {
    const message = oneLine(error);
    if (error instanceof RoundFault) {
      return { ok: false, message: error.message, kernelFault: false, failure: { kind: error.kind, message: error.message } };
    }
    const worker = workerFailureOf(error);
    if (worker) return { ok: false, message: worker.message, kernelFault: false, failure: worker };
    return { ok: false, message, kernelFault: error instanceof KernelFault };
  });
}

/**
 * What ranks 1..p-1 of an MPI job do with the job: serve rank 0 through the variant's `follow`
 * until rank 0 releases them. A variant that cannot throws, and the rank's exit ends the job.
 */
export async function follow(job: ChildJob, rank: RankContext): Promise<void> {
  const variant = (await loadDefinition(job.variant)) as VariantDefinition;
  if (!variant.parallel?.follow) throw new Error(`variant ${variant.name} was started under an MPI launcher (rank ${rank.rank}) but has no parallel.follow`);
  await variant.parallel.follow(rank);
}

async function performJob(job: ChildJob, layout: LayoutShift | null): Promise<ChildReply> {
  // The variant's module is loaded first, so that its load time (compiling WebAssembly, loading a
  // native binary) is its own and not the kernel's.
  const t0 = nowNs();
  const variant = (await loadDefinition(job.variant)) as VariantDefinition;
  const loadNs = nowNs() - t0;
  const kernel = (await loadDefinition(job.kernel)) as KernelDefinition;
  // A scaling run's job: weak mode grows the size with the workers.
  // A variant that changes the algorithm (a pipeline configuration's decomposition) is checked
  // against the reference of its own algorithm: its parameters join the size's.
  const params = { ...paramsWithWorkers(kernel, job.size, job.workers), ...(variant.algorithm ?? {}) };
  const context: PrepareContext = { workers: job.workers?.count ?? 1 };
  let inputs;
  try {
    inputs = kernel.generate(params, job.seed);
  } catch (error) {
    throw new KernelFault(`kernel ${kernel.name}: generate threw for size ${job.size}: ${oneLine(error)}`);
  }
  // The harness's references for the cell, used when they are for the very inputs drawn here.
  const file = job.references;
  const recall: RecallReferences | undefined = file ? (sums) => recallReferences(file, sums) : undefined;
  if (job.kind === 'validate') {
    let coldStart: ColdStart | null = null;
    const caller = coldStartCaller(loadNs, (c) => (coldStart = c));
    const validation = await validateVariant(kernel, variant, { name: 'cell', params, inputs }, job.seed, caller, context, recall);
    return { ok: true, kind: 'validate', validation, coldStart };
  }
  const round = roundSetup(kernel, params, job.seed, inputs, recall);
  const measurement = await measureRound(variant, round.inputs, params, job.settings, job.round, round.checks, job.slowdown, context);
  return { ok: true, kind: 'measure', measurement: layout ? { ...measurement, record: { ...measurement.record, layout } } : measurement };
}
