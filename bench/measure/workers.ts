// The size a scaling run's job runs at: the kernel's named size, and in weak mode its growing
// parameter (the kernel's `grows`) multiplied by the number of workers, so that each worker keeps
// the same share of the work. The parent (recording the cell) and the child (generating the inputs)
// both ask here, so they cannot disagree.

import type { JobWorkers, KernelDefinition, SizeParams } from '../types.js';

export function paramsWithWorkers(kernel: KernelDefinition, size: string, workers: JobWorkers | undefined): SizeParams {
  const params = kernel.sizes[size];
  if (!workers || workers.mode === 'strong' || workers.count === 1) return params;
  const grows = kernel.grows;
  if (!grows || !(grows in params)) throw new Error(`kernel ${kernel.name} names no size parameter that grows (grows), so it cannot be scaled weakly`);
  return { ...params, [grows]: params[grows] * workers.count };
}
