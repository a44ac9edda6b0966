// The parallel change: the linear algebra of a call's patches shared among worker threads, patch i
// to thread i mod p, each thread running the best native build (linalg-worker.ts). The patches are
// independent (specter extracts them one by one), so this is DESI's parallelism over patches inside
// one process. A patch's inputs are copied to its thread and the answers' buffers transferred back:
// that traffic is part of the stage's time, as it would be in the program.

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { harnessFile, harnessLoaderApi, moduleExtension } from '../../bench/paths.js';
import { bestBuild } from '../../bench/spec/pipeline.js';
import type { PipelineState, StageImplementation, VariantDefinition } from '../../bench/types.js';
import type { Patch } from '../../kernels/normaleq/patch.js';
import normaleqNative from '../../variants/normaleq/native.js';
import resolutionNative from '../../variants/resolution/native.js';
import type { DesiParams, DesiStatic } from './frame.js';

/** Threads of the parallel change: the 2 cores of the machine the study was written for. */
export const PARALLEL_WORKERS = 2;

export interface LinalgTask {
  readonly patch: Patch;
  readonly perCall: unknown;
}

type Kernel = 'normaleq' | 'resolution';

/** p threads of one kernel; `run` hands each its share of the patches and gathers the answers in order. */
class PatchPool {
  private next = 0;
  private constructor(private readonly threads: readonly Worker[]) {}

  static async start(kernel: Kernel, workers: number): Promise<PatchPool> {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const loop = pathToFileURL(path.join(here, `linalg-worker${moduleExtension}`)).href;
    const threads = Array.from({ length: workers }, () => new Worker(harnessFile('parallel/thread-entry.mjs'), { workerData: { boot: { loaderApi: harnessLoaderApi, loop }, kernel } }));
    const pool = new PatchPool(threads);
    try {
      await Promise.all(
        threads.map(
          (thread) =>
            new Promise<void>((resolve, reject) => {
              thread.once('message', () => resolve());
              thread.once('error', reject);
            }),
        ),
      );
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  run(tasks: readonly LinalgTask[]): Promise<unknown[]> {
    const id = this.next++;
    const shares = this.threads.map((_, t) => tasks.flatMap((task, i) => (i % this.threads.length === t ? [{ task, i }] : [])));
    const out: unknown[] = new Array(tasks.length);
    return Promise.all(
      this.threads.map(
        (thread, t) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (reply: { id: number; out: unknown[] }) => {
              if (reply.id !== id) return;
              thread.off('message', onMessage);
              thread.off('error', reject);
              reply.out.forEach((answer, k) => (out[shares[t][k].i] = answer));
              resolve();
            };
            thread.on('message', onMessage);
            thread.once('error', reject);
            thread.postMessage({ id, tasks: shares[t].map(({ task }) => task) });
          }),
      ),
    ).then(() => out);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

/** Why the parallel change cannot run here, or true. */
function parallelAvailable(kernel: Kernel): true | string {
  const native = bestBuild((kernel === 'normaleq' ? normaleqNative : resolutionNative) as readonly VariantDefinition[]);
  if (typeof native === 'string') return native;
  const cores = os.availableParallelism();
  return cores >= PARALLEL_WORKERS ? true : `needs ${PARALLEL_WORKERS} cores, this machine has ${cores}`;
}

export function parallelLinalg(kernel: Kernel, tasks: (state: PipelineState) => LinalgTask[]): StageImplementation<DesiStatic, DesiParams> {
  return {
    description: `${kernel} native on ${PARALLEL_WORKERS} worker threads, the patches shared among them`,
    rung: 'parallel',
    available: () => parallelAvailable(kernel),
    async prepare() {
      const pool = await PatchPool.start(kernel, PARALLEL_WORKERS);
      return { run: (state: PipelineState) => pool.run(tasks(state)), dispose: () => pool.close() };
    },
  };
}
