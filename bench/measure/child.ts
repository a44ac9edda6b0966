// Entry point of the child processes: one job (validate, or measure one round), one reply over IPC,
// then exit. A fresh process per job keeps each variant's JIT state, heap and code cache its own.

import { loadDefinition } from '../spec/registry.js';
import type { ChildJob, ChildReply, KernelDefinition, VariantDefinition } from '../types.js';
import { KernelFault, validateVariant } from '../validate/validate.js';
import { measureRound } from './sampler.js';

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

async function perform(job: ChildJob): Promise<ChildReply> {
  const kernel = (await loadDefinition(job.kernel)) as KernelDefinition;
  const variant = (await loadDefinition(job.variant)) as VariantDefinition;
  const params = kernel.sizes[job.size];
  let inputs;
  try {
    inputs = kernel.generate(params, job.seed);
  } catch (error) {
    throw new KernelFault(`kernel ${kernel.name}: generate threw for size ${job.size}: ${oneLine(error)}`);
  }
  if (job.kind === 'validate') {
    const validation = await validateVariant(kernel, variant, { name: 'cell', params, inputs });
    return { ok: true, kind: 'validate', validation };
  }
  const measurement = await measureRound(variant, inputs.static, inputs.perCall, params, job.settings, job.round, job.slowdown);
  return { ok: true, kind: 'measure', measurement };
}

process.once('message', (job: ChildJob) => {
  perform(job)
    .catch((error: unknown): ChildReply => ({ ok: false, message: oneLine(error), kernelFault: error instanceof KernelFault }))
    .then((reply) => {
      process.send?.(reply, () => process.exit(0));
    });
});
