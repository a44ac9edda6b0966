// What a child process does with its one job (validate, or measure one round); child.ts, the entry,
// loads this module once the process's layout is shifted. A fresh process per job keeps each
// variant's JIT state, heap and code cache its own.

import { loadDefinition } from '../spec/registry.js';
import type { ChildJob, ChildReply, ColdStart, KernelDefinition, LayoutShift, VariantDefinition } from '../types.js';
import { KernelFault, executeOnce, validateVariant, type Execute } from '../validate/validate.js';
import { measureRound } from './sampler.js';
import { nowNs } from './timer.js';

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

/** Times the first case (the cell's input): prepare and first call, in this fresh process. */
function timedFirstExecution(loadNs: number, record: (coldStart: ColdStart) => void): Execute {
  let first = true;
  return async (variant, input, inspect) => {
    if (!first) return executeOnce(variant, input, inspect);
    first = false;
    const t0 = nowNs();
    const prepared = await variant.prepare(input.inputs.static, input.params);
    const t1 = nowNs();
    const output = prepared.run(input.inputs.perCall);
    const t2 = nowNs();
    record({ loadNs, prepareNs: t1 - t0, firstCallNs: t2 - t1, totalNs: loadNs + (t2 - t0) });
    try {
      return inspect(output);
    } finally {
      prepared.dispose?.();
    }
  };
}

/**
 * Performs `job` in a process started with `layout` (recorded with a measured round); every failure
 * becomes a failed reply (a kernel's own fault marked as such).
 */
export async function perform(job: ChildJob, layout: LayoutShift | null): Promise<ChildReply> {
  return performJob(job, layout).catch((error: unknown): ChildReply => ({ ok: false, message: oneLine(error), kernelFault: error instanceof KernelFault }));
}

async function performJob(job: ChildJob, layout: LayoutShift | null): Promise<ChildReply> {
  // The variant's module is loaded first, so that its load time (compiling WebAssembly, loading a
  // native binary) is its own and not the kernel's.
  const t0 = nowNs();
  const variant = (await loadDefinition(job.variant)) as VariantDefinition;
  const loadNs = nowNs() - t0;
  const kernel = (await loadDefinition(job.kernel)) as KernelDefinition;
  const params = kernel.sizes[job.size];
  let inputs;
  try {
    inputs = kernel.generate(params, job.seed);
  } catch (error) {
    throw new KernelFault(`kernel ${kernel.name}: generate threw for size ${job.size}: ${oneLine(error)}`);
  }
  if (job.kind === 'validate') {
    let coldStart: ColdStart | null = null;
    const execute = timedFirstExecution(loadNs, (c) => (coldStart = c));
    const validation = await validateVariant(kernel, variant, { name: 'cell', params, inputs }, execute);
    return { ok: true, kind: 'validate', validation, coldStart };
  }
  const measurement = await measureRound(variant, inputs.static, inputs.perCall, params, job.settings, job.round, job.slowdown);
  return { ok: true, kind: 'measure', measurement: layout ? { ...measurement, record: { ...measurement.record, layout } } : measurement };
}
