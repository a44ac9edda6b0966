// ghspots' parallel rungs: the spots split among p workers (each its spots' offsets, widths and
// coefficients, and its stamps of the output), with the native rung's spot construction at the
// best level as the local step; one per backend (native/rows.ts says how each hands out rows and
// gathers them). This module is also their worker module (ghspotsThreadStep,
// ghspotsProcessHandler): importing it starts nothing.

import { fileURLToPath } from 'node:url';
import { SPOT, type GhspotsParams, type GhspotsPerCall, type GhspotsStatic } from '../../kernels/ghspots/index.js';
import { rowParallelVariants, rowProcessHandler, rowThreadStep, type RowKernel } from '../../native/rows.js';

const one = () => 1;

const ghspotsRows: RowKernel<GhspotsParams> = {
  kernel: 'ghspots',
  params: ['nspots'],
  rows: (p) => p.nspots,
  statics: [],
  perCall: [
    { field: 'dx', width: one },
    { field: 'dy', width: one },
    { field: 'sx', width: one },
    { field: 'sy', width: one },
    { field: 'g', width: () => 49 },
  ],
  outWidth: () => SPOT,
  step: (addon, _statics, c, out) => addon.ghspots(c.dx, c.dy, c.sx, c.sy, c.g, out),
  pooled: (addon, pool, _statics, c, out) => addon.ghspotsThreads(pool, c.dx, c.dy, c.sx, c.sy, c.g, out),
};

export const ghspotsThreadStep = rowThreadStep(ghspotsRows);
export const ghspotsProcessHandler = rowProcessHandler(ghspotsRows);

export default rowParallelVariants<GhspotsStatic, GhspotsPerCall, GhspotsParams>(ghspotsRows, {
  module: fileURLToPath(import.meta.url),
  threadStep: 'ghspotsThreadStep',
  processHandler: 'ghspotsProcessHandler',
});
