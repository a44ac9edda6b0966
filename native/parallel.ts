// A kernel's parallel rungs: one variant per backend (threads, processes, native-threads, mpi),
// each named and ranked as its backend. All four run the same local step, the kernel's native code
// at the best x86-64 level this machine loads (the variants' target), so that what differs between
// them is only how the work is handed out and gathered: the table of a scaling run compares the
// backends, not the builds. Each is skipped, with the reason, where its build or MPI is missing.

import { defineVariant } from '../bench/spec/define.js';
import type { KernelOutput, ParallelBackend, SizeParams, VariantDefinition, VariantSpec } from '../bench/types.js';
import { bestNativeLevel, nativeStatus } from './index.js';
import { mpiStatus } from './mpi.js';

type Part<Static, PerCall, Output extends KernelOutput, Params extends SizeParams> = Pick<VariantSpec<Static, PerCall, Output, Params>, 'description' | 'prepare'> & {
  readonly follow?: NonNullable<VariantSpec<Static, PerCall, Output, Params>['parallel']>['follow'];
};

/** The four backends' variants of `kernel`; `perBackend` gives each one's description, prepare (and mpi's follow) for a level. */
export function parallelVariants<Static, PerCall, Output extends KernelOutput, Params extends SizeParams>(
  kernel: string,
  perBackend: (level: string) => { readonly [B in 'threads' | 'processes' | 'native-threads' | 'mpi']: Part<Static, PerCall, Output, Params> },
): VariantDefinition<Static, PerCall, Output, Params>[] {
  const level = bestNativeLevel();
  const parts = perBackend(level);
  return (Object.keys(parts) as ParallelBackend[]).map((backend) => {
    const { follow, ...part } = parts[backend as keyof typeof parts];
    return defineVariant<Static, PerCall, Output, Params>({
      kernel,
      name: backend,
      rung: backend,
      target: level,
      parallel: { backend, ...(follow ? { follow } : {}) },
      available: () => {
        const native = nativeStatus(level);
        return native === true && backend === 'mpi' ? mpiStatus() : native;
      },
      ...part,
    });
  });
}
