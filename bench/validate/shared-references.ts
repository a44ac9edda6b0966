// A cell's references, computed once and read by each of the cell's child processes from a file.
//
// Every measured round checks its last timed output against the reference for that input, and the
// references are computed before timing (guardCase). Computed in each child, they cost every
// process of a cell the reference's time again, for two or more inputs: at ghspots' real size
// (2.7 s per reference) that was 5.4 s of each of 60 processes, most of a default run. The harness
// computes them once per cell instead (bench/measure/reference-store.ts) and the children read them.
//
// A child uses the file only for inputs it has drawn itself and whose checksums equal those the
// references were computed for: a kernel whose generate does not follow its seed (Math.random, the
// clock) gets its references computed in the child, as before, never another input's.

import { readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { KernelOutput } from '../types.js';
import type { InputChecksums } from './checksum.js';

/** What the file holds: the checksums of the inputs (static first, then each per-call) and the references. */
interface StoredReferences {
  readonly format: 'hotbench-references/1';
  readonly sums: readonly (readonly [string, string])[][];
  readonly expected: readonly KernelOutput[];
}

/** Writes a case's references and the checksums of the inputs they are for. */
export function saveReferences(file: string, sums: readonly InputChecksums[], expected: readonly KernelOutput[]): void {
  const stored: StoredReferences = { format: 'hotbench-references/1', sums: sums.map((s) => [...s.entries()]), expected };
  writeFileSync(file, serialize(stored));
}

function sameSums(stored: StoredReferences['sums'], sums: readonly InputChecksums[]): boolean {
  return (
    stored.length === sums.length &&
    stored.every((entries, i) => entries.length === sums[i].size && entries.every(([field, digest]) => sums[i].get(field) === digest))
  );
}

/**
 * The references in `file` for inputs with checksums `sums`, or null: no such file, not a references
 * file, or references of other inputs.
 */
export function recallReferences(file: string, sums: readonly InputChecksums[]): readonly KernelOutput[] | null {
  let stored: StoredReferences;
  try {
    stored = deserialize(readFileSync(file)) as StoredReferences;
  } catch {
    return null;
  }
  if (stored?.format !== 'hotbench-references/1' || !Array.isArray(stored.expected)) return null;
  return sameSums(stored.sums, sums) && stored.expected.length === sums.length - 1 ? stored.expected : null;
}
