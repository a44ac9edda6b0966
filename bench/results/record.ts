// A measured run recorded as it goes: each side's results file is rewritten (atomically) after
// every cell, so an interrupted run keeps every finished cell, and `run` also appends each cell to
// its journal (fsync'd; see journal.ts), from which a killed run resumes. `run` records one side;
// the gate's interleaved run records base and head, each to its own file.

import { suspicion } from '../analysis/suspect.js';
import { kernelInfos } from '../measure/plan.js';
import { runSides, type SidesOptions } from '../measure/runner.js';
import { SCALING_SCHEMA_VERSION, SCHEMA_VERSION, type Cell, type Environment, type MeasureSettings, type Plan, type ResultsFile, type RunSide, type ScalingRun } from '../types.js';
import type { Journal } from './journal.js';
import { writeResults } from './store.js';

export type ResultsHeader = Omit<ResultsFile, 'cells'>;

/** The header of a run's results file; a scaling run's (with `scaling`) is schema version 2. */
export function resultsHeader(plan: Plan, settings: MeasureSettings, command: readonly string[], environment: Environment, scaling?: ScalingRun): ResultsHeader {
  return {
    schemaVersion: scaling ? SCALING_SCHEMA_VERSION : SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    command: [...command],
    environment,
    settings,
    kernels: kernelInfos(plan.cells),
    skipped: plan.skipped,
    ...(scaling ? { scaling } : {}),
  };
}

export interface RecordedSide {
  readonly side: RunSide;
  readonly header: ResultsHeader;
  /** The results file, rewritten after every cell. */
  readonly out: string;
  /** Appended to after every cell, and removed once the complete results file is written. */
  readonly journal?: Journal;
  /** Cells an interrupted run already measured (resume): the side's plan holds the rest. */
  readonly prior?: readonly Cell[];
}

/**
 * The cell with analysis's finding on it, when its result cannot be true (bench/analysis/suspect.ts),
 * so that the file says so to any reader; analysis decides again from the raw figures.
 */
function withSuspicion(cell: Cell, header: ResultsHeader): Cell {
  const reason = suspicion(cell, header.roofline ?? null, header.environment);
  return reason ? { ...cell, suspect: reason } : cell;
}

/** Measures the sides in the same rounds and returns each side's complete results. */
export async function recordSides(recorded: readonly RecordedSide[], options: Omit<SidesOptions, 'onCell'>): Promise<ResultsFile[]> {
  const cells: Cell[][] = recorded.map((r) => [...(r.prior ?? [])]);
  await runSides(
    recorded.map((r) => r.side),
    {
      ...options,
      onCell: (bySide) => {
        bySide.forEach((measured, i) => {
          const done = measured.map((cell) => withSuspicion(cell, recorded[i].header));
          recorded[i].journal?.append(done);
          cells[i].push(...done);
          writeResults(recorded[i].out, { ...recorded[i].header, cells: cells[i] });
        });
      },
    },
  );
  recorded.forEach((r, i) => {
    writeResults(r.out, { ...r.header, cells: cells[i] }); // complete (also when nothing was left to run)
    r.journal?.finish();
  });
  return recorded.map((r, i) => ({ ...r.header, cells: cells[i] }));
}
