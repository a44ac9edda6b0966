// The error a parallel variant's run rejects with when one of its workers fails mid-call: the worker
// threw, died (a signal, a crash, an exit) or never answered. The harness records its kind on the
// variant at that number of workers, as it records a failure of the measured process itself.

import type { FailureKind } from '../types.js';

/** The kinds a worker's failure can have: as a child process's (README "Reliability"). */
export type WorkerFailureKind = Extract<FailureKind, 'threw' | 'crashed' | 'signal' | 'timeout' | 'out-of-memory'>;

export class WorkerError extends Error {
  override name = 'WorkerError';
  constructor(
    readonly kind: WorkerFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The worker failure `error` carries, if it is one: by its shape rather than `instanceof`, since a
 * user's variant may have loaded its own copy of this module.
 */
export function workerFailureOf(error: unknown): { kind: WorkerFailureKind; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { name, kind, message } = error as { name?: unknown; kind?: unknown; message?: unknown };
  const kinds: readonly string[] = ['threw', 'crashed', 'signal', 'timeout', 'out-of-memory'];
  if (name !== 'WorkerError' || typeof kind !== 'string' || !kinds.includes(kind) || typeof message !== 'string') return null;
  return { kind: kind as WorkerFailureKind, message };
}
