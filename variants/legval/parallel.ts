// legval's parallel rungs: the series split among p workers (each its rows of C and of the output,
// the grid shared), with the native rung's Clenshaw at the best level as the local step; one per
// backend (native/rows.ts says how each hands out rows and gathers them). This module is also their
// worker module (legvalThreadStep, legvalProcessHandler): importing it starts nothing.

import { fileURLToPath } from 'node:url';
import type { LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';
import { rowParallelVariants, rowProcessHandler, rowThreadStep, type RowKernel } from '../../native/rows.js';

const legvalRows: RowKernel<LegvalParams> = {
  kernel: 'legval',
  params: ['nseries', 'nx', 'deg'],
  rows: (p) => p.nseries,
  statics: ['x'],
  perCall: [{ field: 'coefficients', width: (p) => p.deg + 1 }],
  outWidth: (p) => p.nx,
  step: (addon, statics, perCall, out, p) => addon.legval(statics.x, perCall.coefficients, p.deg, out),
  pooled: (addon, pool, statics, perCall, out, p) => addon.legvalThreads(pool, statics.x, perCall.coefficients, p.deg, out),
};

export const legvalThreadStep = rowThreadStep(legvalRows);
export const legvalProcessHandler = rowProcessHandler(legvalRows);

export default rowParallelVariants<LegvalStatic, LegvalPerCall, LegvalParams>(legvalRows, {
  module: fileURLToPath(import.meta.url),
  threadStep: 'legvalThreadStep',
  processHandler: 'legvalProcessHandler',
});
