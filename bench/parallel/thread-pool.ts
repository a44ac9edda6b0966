// A pool of worker_threads for a `threads` variant, made in its prepare: p threads, each running a
// step the variant's worker module builds from shared buffers, handed a call through Atomics with no
// message and no copy. `call()` wakes every thread and settles when all are done, so the variant's
// run returns a Promise the harness awaits and times to its settling. The calling thread only waits
// (Atomics.waitAsync keeps its event loop free, so a thread that throws or exits mid-call rejects
// the call with a WorkerError instead of hanging it); a thread that never finishes hangs the call,
// and the harness's --timeout ends the process.

import { Worker } from 'node:worker_threads';
import { harnessFile, harnessLoaderApi, harnessModule } from '../paths.js';
import { WorkerError } from './worker-error.js';

/** Slots of the control block (an Int32Array over a SharedArrayBuffer). */
export const CONTROL = {
  /** Bumped by the pool once per call; threads sleep on it. */
  generation: 0,
  /** Threads that finished the current call. */
  done: 1,
  /** Set when the pool closes. */
  stop: 2,
} as const;
const CONTROL_SLOTS = 3;

/** Atomics.waitAsync (ES2024; in Node since 16), which the ES2022 library the build targets does not declare. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync.bind(Atomics);

/** What a thread is told about itself. */
export interface ThreadContext {
  /** 0-based. */
  readonly rank: number;
  readonly workers: number;
}

/**
 * What a `threads` variant's worker module exports: from the thread's data (numbers and typed arrays
 * over SharedArrayBuffers), the step the thread runs once per call. The step reads the call's
 * inputs from and writes its outputs to the shared buffers; it must not keep the event loop waiting.
 */
export type ThreadStepFactory<Data> = (data: Data, context: ThreadContext) => (() => void) | Promise<() => void>;

/** What thread-entry.mjs and thread-worker.ts receive as workerData. */
export interface ThreadBoot {
  readonly boot: { readonly loaderApi: string | null; readonly loop: string };
  readonly module: string;
  readonly exportName: string;
  readonly data: unknown;
  readonly control: SharedArrayBuffer;
  readonly rank: number;
  readonly workers: number;
}

export interface ThreadPoolOptions<Data> {
  readonly workers: number;
  /** The worker module: an absolute file path (TypeScript or JavaScript). */
  readonly module: string;
  /** Its export that is a ThreadStepFactory. */
  readonly exportName: string;
  /** Each thread's data: numbers, strings, typed arrays over SharedArrayBuffers (shared, not copied). */
  readonly data: (rank: number) => Data;
}

export class ThreadPool {
  private readonly control: Int32Array;
  /** Rejects (once) when a thread fails: every later call fails too. */
  private failure: WorkerError | null = null;
  private rejectCall: ((error: WorkerError) => void) | null = null;
  private closed = false;

  private constructor(
    private readonly threads: readonly Worker[],
    control: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(control);
  }

  /** Starts the threads and resolves once every one has built its step. */
  static async start<Data>(options: ThreadPoolOptions<Data>): Promise<ThreadPool> {
    const { workers, module, exportName } = options;
    if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`ThreadPool: workers must be an integer >= 1, got ${workers}`);
    const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const boot = { loaderApi: harnessLoaderApi, loop: harnessModule('parallel/thread-worker') };
    const threads = Array.from({ length: workers }, (_, rank) => {
      const workerData: ThreadBoot = { boot, module, exportName, data: options.data(rank), control, rank, workers };
      return new Worker(harnessFile('parallel/thread-entry.mjs'), { workerData });
    });
    const pool = new ThreadPool(threads, control);
    try {
      await Promise.all(
        threads.map(
          (thread, rank) =>
            new Promise<void>((resolve, reject) => {
              thread.once('message', () => resolve());
              thread.once('error', (error) => reject(new WorkerError('threw', `thread ${rank + 1} of ${workers} failed to start: ${oneLine(error)}`)));
              thread.once('exit', (code) => reject(new WorkerError('crashed', `thread ${rank + 1} of ${workers} exited with code ${code} while starting`)));
            }),
        ),
      );
    } catch (error) {
      await pool.close();
      throw error;
    }
    threads.forEach((thread, rank) => pool.watch(thread, rank));
    return pool;
  }

  /** After start: a thread's error or exit fails the call in flight and every later one. */
  private watch(thread: Worker, rank: number): void {
    const workers = this.threads.length;
    thread.removeAllListeners('error').removeAllListeners('exit').removeAllListeners('message');
    thread.on('error', (error) => this.fail(new WorkerError('threw', `thread ${rank + 1} of ${workers} threw: ${oneLine(error)}`)));
    thread.on('exit', (code) => {
      if (!this.closed) this.fail(new WorkerError('crashed', `thread ${rank + 1} of ${workers} exited with code ${code} mid-run`));
    });
  }

  private fail(error: WorkerError): void {
    this.failure ??= error;
    this.rejectCall?.(this.failure);
  }

  get workers(): number {
    return this.threads.length;
  }

  /** Runs every thread's step once (the variant has written the call's inputs); settles when all are done. */
  async call(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('ThreadPool: call after close');
    const control = this.control;
    const workers = this.threads.length;
    Atomics.store(control, CONTROL.done, 0);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    const failed = new Promise<never>((_, reject) => (this.rejectCall = reject));
    failed.catch(() => {}); // awaited through the race below; never an unhandled rejection
    try {
      for (;;) {
        const done = Atomics.load(control, CONTROL.done);
        if (done >= workers) return;
        const waiting = waitAsync(control, CONTROL.done, done);
        if (waiting.async) await Promise.race([waiting.value, failed]);
      }
    } finally {
      this.rejectCall = null;
    }
  }

  /** Stops and ends every thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.add(this.control, CONTROL.generation, 1);
    Atomics.notify(this.control, CONTROL.generation);
    // A thread stuck in its step does not see the flag: terminate ends it wherever it is.
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}
