// kmeans' parallel rungs, one per backend, all with the native rung's local step at the best level
// (partials.ts): each of p workers assigns its rows of X (whole blocks of 8 points, by the fixed
// shard rule) and sums its clusters; the partials are then added in worker order.
// - threads: X packed once into a SharedArrayBuffer that p worker_threads read in place; per call
//   the centroids are written to shared memory and the threads woken through Atomics; each writes
//   its labels and partial straight into shared buffers.
// - processes: p child processes, each sent its rows once (a copy, as multiprocessing pickles);
//   per call the centroids out and the labels and partial back, as messages.
// - native-threads: a std::thread pool in the addon; the JavaScript thread waits.
// - mpi: p ranks under mpirun; rank 0 scatters X in prepare (MPI_Scatterv), and per call
//   broadcasts the centroids, every rank steps over its rows, the partials go to every rank
//   (MPI_Allgather) and are added in rank order there, the labels to rank 0 (MPI_Gatherv).
//   MPI_Allreduce would leave the order of the additions to the library; the allgather keeps it
//   fixed at the price of p partials (211 doubles each at the intel size) instead of one.
// This module is also the worker module of the threads and processes rungs (kmeansThreadStep,
// kmeansProcessHandler): importing it starts nothing.

import { fileURLToPath } from 'node:url';
import { ProcessPool, type ProcessHandlerFactory } from '../../bench/parallel/process-pool.js';
import { shardRows, type Shard } from '../../bench/parallel/shards.js';
import { ThreadPool, type ThreadStepFactory } from '../../bench/parallel/thread-pool.js';
import type { KmeansOutput, KmeansParams, KmeansPerCall, KmeansStatic } from '../../kernels/kmeans/index.js';
import { loadNative } from '../../native/index.js';
import { mpiWorld } from '../../native/mpi.js';
import { parallelVariants } from '../../native/parallel.js';
import { BLOCK, blockedLength, packBlocks } from './blocks.js';
import { combinePartials, localStep, paddedStride, partialLength, shardState } from './partials.js';
import { finishCentroids } from './precomputed.js';

const thisModule = fileURLToPath(import.meta.url);

function shared<T extends Float64Array | Int32Array>(Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

// ── threads ─────────────────────────────────────────────────────────────────────────────────────

interface ThreadData {
  readonly level: string;
  readonly xb: Float64Array;
  readonly centroids: Float64Array;
  readonly labels: Int32Array;
  readonly partials: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly k: number;
}

/** A thread's step: its blocks of the shared X, its labels and partial, in place. */
export const kmeansThreadStep: ThreadStepFactory<ThreadData> = (data, { rank, workers }) => {
  const { n, d, k } = data;
  const addon = loadNative(data.level);
  const { start, end } = shardRows(n, workers, BLOCK)[rank];
  const xb = data.xb.subarray(start * d, start * d + blockedLength(end - start, d));
  const labels = data.labels.subarray(start, end);
  const partial = data.partials.subarray(rank * paddedStride(k, d), rank * paddedStride(k, d) + partialLength(k, d));
  return () => localStep(addon, xb, end - start, d, data.centroids, labels, partial);
};

// ── processes ───────────────────────────────────────────────────────────────────────────────────

interface ProcessInit {
  readonly level: string;
  /** This worker's rows of X, row-major. */
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly k: number;
}

interface ProcessReply {
  readonly labels: Int32Array;
  readonly partial: Float64Array;
}

/** A process's handler: its rows packed once, then per call the centroids in, labels and partial out. */
export const kmeansProcessHandler: ProcessHandlerFactory<ProcessInit, Float64Array, ProcessReply> = (init) => {
  const addon = loadNative(init.level);
  const state = shardState(init.x, init.n, init.d, init.k);
  return (centroids) => {
    localStep(addon, state.xb, state.n, init.d, centroids, state.labels, state.partial);
    return { labels: state.labels, partial: state.partial };
  };
};

// ── mpi ─────────────────────────────────────────────────────────────────────────────────────────

/** Rank 0's commands to the other ranks (native/mpi.ts). */
const COMMAND = { prepare: 1, call: 2, dispose: 3 } as const;

/** Counts and displacements, in elements, of each rank's rows times `width`. */
function layout(shards: readonly Shard[], width: number): { counts: Int32Array; displs: Int32Array } {
  return { counts: Int32Array.from(shards, (s) => (s.end - s.start) * width), displs: Int32Array.from(shards, (s) => s.start * width) };
}

/** What every rank does with one call, rank 0 included: step, share the partials, send the labels to rank 0. */
function mpiCall(level: string, state: ReturnType<typeof shardState>, centroids: Float64Array, d: number, partials: Float64Array, labels: Int32Array | null, labelLayout: ReturnType<typeof layout> | null): void {
  const { addon } = mpiWorld();
  addon.bcast(centroids, 0);
  localStep(loadNative(level), state.xb, state.n, d, centroids, state.labels, state.partial);
  addon.allgather(state.partial, partials);
  addon.gatherv(state.labels, labels, labelLayout?.counts ?? null, labelLayout?.displs ?? null, 0);
}

/** Ranks 1..p-1: their rows on prepare, their share of every call, until rank 0 is done. */
function kmeansFollow(level: string): () => void {
  return () => {
    const world = mpiWorld();
    let rows: { state: ReturnType<typeof shardState>; d: number; k: number; partials: Float64Array; sums: Float64Array; counts: Float64Array } | null = null;
    world.serve((command, [n, d, k]) => {
      if (command === COMMAND.prepare) {
        const shard = shardRows(n, world.size, BLOCK)[world.rank];
        const x = new Float64Array((shard.end - shard.start) * d);
        world.addon.scatterv(null, null, null, x, 0);
        rows = { state: shardState(x, shard.end - shard.start, d, k), d, k, partials: new Float64Array(world.size * partialLength(k, d)), sums: new Float64Array(k * d), counts: new Float64Array(k) };
      } else if (command === COMMAND.call && rows) {
        const centroids = new Float64Array(rows.k * rows.d);
        mpiCall(level, rows.state, centroids, rows.d, rows.partials, null, null);
        // Every rank ends the step with the same sums, as an allreduce would leave them.
        combinePartials(rows.partials, world.size, rows.k, rows.d, rows.sums, rows.counts);
      } else if (command === COMMAND.dispose) {
        rows = null;
      }
    });
  };
}

// ── the variants ────────────────────────────────────────────────────────────────────────────────

export default parallelVariants<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>('kmeans', (level) => ({
  threads: {
    description: `worker_threads over X in a SharedArrayBuffer (packed once), Atomics hand-off per call; local step: native@${level}; partials added in thread order`,
    prepare: async ({ x }, { n, d, k }, { workers }) => {
      const xb = packBlocks(x, n, d, shared(Float64Array, blockedLength(n, d)));
      const data: ThreadData = { level, xb, centroids: shared(Float64Array, k * d), labels: shared(Int32Array, n), partials: shared(Float64Array, workers * paddedStride(k, d)), n, d, k };
      const pool = await ThreadPool.start({ workers, module: thisModule, exportName: 'kmeansThreadStep', data: () => data });
      const sums = new Float64Array(k * d);
      const counts = new Float64Array(k);
      return {
        run: async ({ centroids }) => {
          data.centroids.set(centroids);
          await pool.call();
          const inertia = combinePartials(data.partials, workers, k, d, sums, counts, paddedStride(k, d));
          return { labels: data.labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
        },
        dispose: () => pool.close(),
      };
    },
  },
  processes: {
    description: `child processes, each sent its rows of X once; per call the centroids out, labels and partials back as messages; local step: native@${level}`,
    prepare: async ({ x }, { n, d, k }, { workers }) => {
      const shards = shardRows(n, workers, BLOCK);
      const pool = await ProcessPool.start<ProcessInit, Float64Array, ProcessReply>({
        workers,
        module: thisModule,
        exportName: 'kmeansProcessHandler',
        // slice: a copy of exactly this worker's rows.
        init: (rank) => ({ level, x: x.slice(shards[rank].start * d, shards[rank].end * d), n: shards[rank].end - shards[rank].start, d, k }),
      });
      const labels = new Int32Array(n);
      const partials = new Float64Array(workers * partialLength(k, d));
      const sums = new Float64Array(k * d);
      const counts = new Float64Array(k);
      return {
        run: async ({ centroids }) => {
          const replies = await pool.call(() => centroids);
          replies.forEach((reply, rank) => {
            labels.set(reply.labels, shards[rank].start);
            partials.set(reply.partial, rank * partialLength(k, d));
          });
          const inertia = combinePartials(partials, workers, k, d, sums, counts);
          return { labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
        },
        dispose: () => pool.close(),
      };
    },
  },
  'native-threads': {
    description: `std::thread pool in the C++ addon, each thread its blocks, partials added in thread order; the JavaScript thread waits; native@${level}`,
    prepare: ({ x }, { n, d, k }, { workers }) => {
      const addon = loadNative(level);
      const xb = packBlocks(x, n, d);
      const pool = addon.threadPool(workers);
      const labels = new Int32Array(n);
      const sums = new Float64Array(k * d);
      const counts = new Float64Array(k);
      return {
        run: ({ centroids }) => {
          const inertia = addon.kmeansThreads(pool, xb, n, d, centroids, labels, sums, counts);
          return { labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
        },
        dispose: () => addon.closeThreadPool(pool),
      };
    },
  },
  mpi: {
    description: `MPI ranks under mpirun (daal4py's shape): X scattered once, per call the centroids broadcast, partials allgathered and added in rank order, labels gathered to rank 0; local step: native@${level}`,
    prepare: ({ x }, { n, d, k }, { workers }) => {
      const world = mpiWorld();
      if (world.size !== workers) throw new Error(`mpi: started with ${world.size} ranks for ${workers} workers`);
      const shards = shardRows(n, workers, BLOCK);
      const mine = new Float64Array((shards[0].end - shards[0].start) * d);
      const rows = layout(shards, d);
      world.command(COMMAND.prepare, [n, d, k], () => world.addon.scatterv(x, rows.counts, rows.displs, mine, 0));
      const state = shardState(mine, shards[0].end - shards[0].start, d, k);
      const labelLayout = layout(shards, 1);
      const labels = new Int32Array(n);
      const partials = new Float64Array(workers * partialLength(k, d));
      const sums = new Float64Array(k * d);
      const counts = new Float64Array(k);
      return {
        run: ({ centroids }) =>
          world.command(COMMAND.call, [], () => {
            mpiCall(level, state, centroids, d, partials, labels, labelLayout);
            const inertia = combinePartials(partials, workers, k, d, sums, counts);
            return { labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
          }),
        dispose: () => world.command(COMMAND.dispose, [], () => {}),
      };
    },
    follow: kmeansFollow(level),
  },
}));
