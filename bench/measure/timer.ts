// The clock, measured before it is trusted: its resolution (smallest step it shows) and its overhead
// (what one reading costs). Both are recorded with every round; the overhead sets the smallest
// sample worth taking.

import type { TimerInfo } from '../types.js';

export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

export function measureTimer(readings = 20_000): TimerInfo {
  let resolutionNs = Infinity;
  let previous = process.hrtime.bigint();
  const start = previous;
  for (let i = 0; i < readings; i++) {
    const current = process.hrtime.bigint();
    const step = Number(current - previous);
    if (step > 0 && step < resolutionNs) resolutionNs = step;
    previous = current;
  }
  const overheadNs = Number(previous - start) / readings;
  return { resolutionNs: Number.isFinite(resolutionNs) ? resolutionNs : 0, overheadNs };
}
