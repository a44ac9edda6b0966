// A cell's samples back in their rounds (one child process each), and each round's median: the
// units every interval over rounds is built from (bench/stats/rounds.ts).

import { median } from '../stats/index.js';
import type { Cell } from '../types.js';

/** The samples of a cell split back into its rounds. */
export function samplesByRound(cell: Cell): number[][] {
  const rounds: number[][] = [];
  let offset = 0;
  for (const record of cell.rounds) {
    rounds.push(cell.samples.slice(offset, offset + record.samples));
    offset += record.samples;
  }
  return rounds;
}

/** Each non-empty round's median by round number. */
export function roundMedians(cell: Cell): Map<number, number> {
  const medians = new Map<number, number>();
  samplesByRound(cell).forEach((samples, i) => {
    if (samples.length > 0) medians.set(cell.rounds[i].round, median(samples));
  });
  return medians;
}
