// The harness's side of shared references (bench/validate/shared-references.ts): for each cell, the
// references of its guarded inputs are computed once, here, into a file that every child process of
// the cell (validation and every round, every variant of every side) is handed in its job, and that
// the exchange of an external variant's job reads where the harness prepares it. One
// file per kernel build, size, seed, number of workers and algorithm (a pipeline configuration's
// decomposition changes its reference); a cell's files are deleted when the next cell starts, and
// the folder when the run ends.
//
// Whatever goes wrong here (the kernel's generate or reference throws, the disk is full) leaves the
// job without a file: the child then computes its references itself, and reports a kernel's own
// fault exactly as before.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveReferences } from '../validate/shared-references.js';
import { guardCase } from '../validate/validate.js';
import type { JobWorkers, KernelDefinition, Located, PlannedCell, VariantDefinition } from '../types.js';
import { paramsWithWorkers } from './workers.js';

export class ReferenceStore {
  private dir: string | null = null;
  private readonly files = new Map<string, string | null>();

  /**
   * The references file for `variant`'s jobs in `planned` (computed on first use), or null. An
   * external variant's job reads it in the harness, where its exchange is prepared (bench/external).
   */
  fileFor(planned: PlannedCell, variant: Located<VariantDefinition>, seed: number, workers: JobWorkers | undefined): string | null {
    const algorithm = variant.definition.algorithm ?? {};
    const key = JSON.stringify([planned.kernel.ref, planned.size, seed, workers ?? null, algorithm]);
    if (!this.files.has(key)) this.files.set(key, this.compute(planned.kernel.definition, planned.size, seed, workers, algorithm));
    return this.files.get(key) ?? null;
  }

  private compute(kernel: KernelDefinition, size: string, seed: number, workers: JobWorkers | undefined, algorithm: object): string | null {
    try {
      const params = { ...paramsWithWorkers(kernel, size, workers), ...algorithm };
      const inputs = kernel.generate(params, seed);
      // As the child guards its cell case: the same further inputs from the same seed.
      const guarded = guardCase(kernel, { name: 'cell', params, inputs }, seed);
      this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'hotbench-references-'));
      const file = path.join(this.dir, `${this.files.size}.v8`);
      saveReferences(file, guarded.sums, guarded.expected);
      return file;
    } catch {
      return null;
    }
  }

  /** Deletes the files of the cell that is over. */
  nextCell(): void {
    for (const file of this.files.values()) if (file) rmSync(file, { force: true });
    this.files.clear();
  }

  /** Deletes everything. */
  close(): void {
    this.nextCell();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
