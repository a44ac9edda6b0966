// A pool of child processes for a `processes` variant (multiprocessing's shape), made in its prepare:
// p Node processes, each given its share of the data once (a message: copied, as pickling is), then
// one message per call and one reply, collected in worker order. The variant's run returns the
// Promise of those replies. A worker that throws fails the call as `threw`; one that dies (a signal,
// a crash, an exit) fails it with the kind its end gives, as the harness classifies its own
// children; one that never replies hangs the call, and the harness's --timeout ends it all.

import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { harnessExecArgv, harnessModule } from '../paths.js';
import { classifyExit } from '../measure/spawn.js';
import { WorkerError } from './worker-error.js';

/** What a worker process is told about itself. */
export interface ProcessContext {
  /** 0-based. */
  readonly rank: number;
  readonly workers: number;
}

/**
 * What a `processes` variant's worker module exports: from the worker's initial data (sent once),
 * the handler of each call's message, whose return value is the reply.
 */
export type ProcessHandlerFactory<Init, Message, Reply> = (
  init: Init,
  context: ProcessContext,
) => ((message: Message) => Reply | Promise<Reply>) | Promise<(message: Message) => Reply | Promise<Reply>>;

/** The first message a worker process gets (process-worker.ts). */
export interface ProcessBoot {
  readonly module: string;
  readonly exportName: string;
  readonly init: unknown;
  readonly rank: number;
  readonly workers: number;
}

/** What a worker process answers: ready once, then one reply per call. */
export type ProcessAnswer = { readonly ready: true } | { readonly ok: true; readonly reply: unknown } | { readonly ok: false; readonly message: string };

export interface ProcessPoolOptions<Init> {
  readonly workers: number;
  /** The worker module: an absolute file path (TypeScript or JavaScript). */
  readonly module: string;
  /** Its export that is a ProcessHandlerFactory. */
  readonly exportName: string;
  /** Each worker's initial data (structured clone: typed arrays are copied once). */
  readonly init: (rank: number) => Init;
}

interface Member {
  readonly process: ChildProcess;
  stderr: string;
}

export class ProcessPool<Message, Reply> {
  private failure: WorkerError | null = null;
  private pending: { replies: (Reply | undefined)[]; left: number; resolve: (replies: Reply[]) => void; reject: (error: WorkerError) => void } | null = null;
  private closed = false;

  private constructor(private readonly members: readonly Member[]) {}

  /** Starts the processes, sends each its data and resolves once every one is ready. */
  static async start<Init, Message, Reply>(options: ProcessPoolOptions<Init>): Promise<ProcessPool<Message, Reply>> {
    const { workers, module, exportName } = options;
    if (!(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`ProcessPool: workers must be an integer >= 1, got ${workers}`);
    const members: Member[] = Array.from({ length: workers }, () => ({
      process: fork(harnessModule('parallel/process-worker'), [], {
        execArgv: [...harnessExecArgv],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      }),
      stderr: '',
    }));
    const pool = new ProcessPool<Message, Reply>(members);
    members.forEach((member, rank) => pool.watch(member, rank));
    try {
      await Promise.all(
        members.map(
          (member, rank) =>
            new Promise<void>((resolve, reject) => {
              const boot: ProcessBoot = { module, exportName, init: options.init(rank), rank, workers };
              member.process.once('message', (answer: ProcessAnswer) => {
                if ('ready' in answer) resolve();
                else reject(new WorkerError('threw', `worker ${rank + 1} of ${workers} failed to start: ${answer.ok ? 'answered before it was ready' : answer.message}`));
              });
              member.process.once('exit', () => reject(pool.failure ?? new WorkerError('crashed', `worker ${rank + 1} of ${workers} ended while starting`)));
              member.process.send(boot);
            }),
        ),
      );
    } catch (error) {
      pool.close();
      throw error;
    }
    members.forEach((member, rank) => member.process.on('message', (answer: ProcessAnswer) => pool.answer(rank, answer)));
    return pool;
  }

  private watch(member: Member, rank: number): void {
    const workers = this.members.length;
    member.process.stderr?.on('data', (chunk: Buffer) => {
      member.stderr = (member.stderr + chunk.toString()).slice(-4000);
    });
    member.process.on('exit', (code, signal) => {
      if (this.closed) return;
      const end = classifyExit(code, signal, member.stderr);
      const kind = end.kind === 'crashed' || end.kind === 'signal' || end.kind === 'out-of-memory' ? end.kind : 'crashed';
      this.fail(new WorkerError(kind, `worker ${rank + 1} of ${workers}: ${end.message.replace(/^child process /, 'process ')}`));
    });
  }

  private fail(error: WorkerError): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(this.failure);
  }

  private answer(rank: number, answer: ProcessAnswer): void {
    const pending = this.pending;
    if (!pending || 'ready' in answer) return;
    if (!answer.ok) {
      this.fail(new WorkerError('threw', `worker ${rank + 1} of ${this.members.length} threw: ${answer.message}`));
      return;
    }
    pending.replies[rank] = answer.reply as Reply;
    if (--pending.left === 0) {
      this.pending = null;
      pending.resolve(pending.replies as Reply[]);
    }
  }

  get workers(): number {
    return this.members.length;
  }

  /** Sends each worker its message for one call; resolves to the replies in worker order. */
  call(message: (rank: number) => Message): Promise<Reply[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('ProcessPool: call after close'));
    if (this.pending) return Promise.reject(new Error('ProcessPool: a call is already in flight'));
    return new Promise<Reply[]>((resolve, reject) => {
      this.pending = { replies: new Array(this.members.length), left: this.members.length, resolve, reject };
      this.members.forEach((member, rank) => member.process.send(message(rank) as Serializable));
    });
  }

  /** Ends every worker at once (they hold nothing worth saving): none outlives its pool. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const member of this.members) if (member.process.exitCode === null && member.process.signalCode === null) member.process.kill('SIGKILL');
  }
}
