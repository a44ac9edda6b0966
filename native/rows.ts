// The parallel rungs of a kernel whose output rows depend only on their own input rows (legval: a
// series' values on the grid; ghspots: a spot's pixels), from one description: the rows of a call,
// the per-call arrays with their values per row, the static arrays every worker needs whole, the
// output's values per row, and the native local step on a run of rows. Each backend splits the rows
// by the fixed shard rule; nothing is reduced, each worker's rows land in their place.
// - threads: static, per-call and output arrays in SharedArrayBuffers; per call the per-call arrays
//   are copied in (they arrive in the variant's own memory) and the threads woken through Atomics;
//   each writes its rows of the shared output, which run returns.
// - processes: each worker is sent the static arrays once; per call its rows of the per-call arrays
//   go out and its rows of the output come back, as messages.
// - native-threads: the kernel's threaded call in the addon, the JavaScript thread waiting.
// - mpi: rank 0 broadcasts the static arrays in prepare; per call it scatters the per-call rows
//   (MPI_Scatterv) and gathers the output rows (MPI_Gatherv).

import { ProcessPool, type ProcessHandlerFactory } from '../bench/parallel/process-pool.js';
import { shardRows, type Shard } from '../bench/parallel/shards.js';
import { ThreadPool, type ThreadStepFactory } from '../bench/parallel/thread-pool.js';
import type { SizeParams, VariantDefinition } from '../bench/types.js';
import { loadNative, type NativeAddon, type NativeThreadPool } from './index.js';
import { mpiWorld } from './mpi.js';
import { parallelVariants } from './parallel.js';

type Arrays = Readonly<Record<string, Float64Array>>;

export interface RowKernel<Params extends SizeParams> {
  readonly kernel: string;
  /** The size parameters, in the order MPI's prepare command carries them (seven at most). */
  readonly params: readonly (keyof Params & string)[];
  /** Rows of one call (series, spots). */
  rows(params: Params): number;
  /** Static arrays every worker needs whole, by field. */
  readonly statics: readonly string[];
  /** Per-call arrays split by rows: each field's values per row. */
  readonly perCall: readonly { readonly field: string; width(params: Params): number }[];
  /** Output values per row. */
  outWidth(params: Params): number;
  /** The native step on rows: `perCall` and `out` are those rows' parts. */
  step(addon: NativeAddon, statics: Arrays, perCall: Arrays, out: Float64Array, params: Params): void;
  /** The same on every row, on the addon's thread pool. */
  pooled(addon: NativeAddon, pool: NativeThreadPool, statics: Arrays, perCall: Arrays, out: Float64Array, params: Params): void;
}

/** Where a parallel rows module is, and the names it exports its worker sides under. */
export interface RowWorkers {
  /** The module's own file (import.meta.url as a path): the workers import it. */
  readonly module: string;
  readonly threadStep: string;
  readonly processHandler: string;
}

function shared(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/** The rows of a shard of every per-call array. */
function perCallRows<Params extends SizeParams>(kernel: RowKernel<Params>, perCall: Arrays, shard: Shard, params: Params): Record<string, Float64Array> {
  return Object.fromEntries(kernel.perCall.map(({ field, width }) => [field, perCall[field].subarray(shard.start * width(params), shard.end * width(params))]));
}

// ── threads ─────────────────────────────────────────────────────────────────────────────────────

export interface RowThreadData {
  readonly level: string;
  readonly params: SizeParams;
  readonly statics: Arrays;
  readonly perCall: Arrays;
  readonly out: Float64Array;
}

/** A thread's step over its rows of the shared arrays. */
export function rowThreadStep<Params extends SizeParams>(kernel: RowKernel<Params>): ThreadStepFactory<RowThreadData> {
  return (data, { rank, workers }) => {
    const params = data.params as Params;
    const addon = loadNative(data.level);
    const shard = shardRows(kernel.rows(params), workers, 1)[rank];
    const rows = perCallRows(kernel, data.perCall, shard, params);
    const out = data.out.subarray(shard.start * kernel.outWidth(params), shard.end * kernel.outWidth(params));
    return () => kernel.step(addon, data.statics, rows, out, params);
  };
}

// ── processes ───────────────────────────────────────────────────────────────────────────────────

export interface RowProcessInit {
  readonly level: string;
  readonly params: SizeParams;
  readonly statics: Arrays;
}

/** A process's handler: its rows of the per-call arrays in, its rows of the output out. */
export function rowProcessHandler<Params extends SizeParams>(kernel: RowKernel<Params>): ProcessHandlerFactory<RowProcessInit, Arrays, Float64Array> {
  return (init) => {
    const params = init.params as Params;
    const addon = loadNative(init.level);
    let out = new Float64Array(0);
    return (rows) => {
      const count = rows[kernel.perCall[0].field].length / kernel.perCall[0].width(params);
      if (out.length !== count * kernel.outWidth(params)) out = new Float64Array(count * kernel.outWidth(params));
      kernel.step(addon, init.statics, rows, out, params);
      return out;
    };
  };
}

// ── mpi ─────────────────────────────────────────────────────────────────────────────────────────

const COMMAND = { prepare: 1, call: 2, dispose: 3 } as const;

/** Counts and displacements, in elements, of each shard's rows of `width` values. */
function layout(shards: readonly Shard[], width: number): { counts: Int32Array; displs: Int32Array } {
  return { counts: Int32Array.from(shards, (s) => (s.end - s.start) * width), displs: Int32Array.from(shards, (s) => s.start * width) };
}

/** A rank's share of the calls, made once per prepare: its rows' buffers and every array's layout. */
interface RankRows<Params extends SizeParams> {
  readonly params: Params;
  readonly statics: Arrays;
  readonly rows: Record<string, Float64Array>;
  readonly local: Float64Array;
  readonly layouts: Record<string, ReturnType<typeof layout>>;
  readonly outLayout: ReturnType<typeof layout>;
}

function rankRows<Params extends SizeParams>(kernel: RowKernel<Params>, params: Params, statics: Arrays, ranks: number, rank: number): RankRows<Params> {
  const shards = shardRows(kernel.rows(params), ranks, 1);
  const count = shards[rank].end - shards[rank].start;
  return {
    params,
    statics,
    rows: Object.fromEntries(kernel.perCall.map(({ field, width }) => [field, new Float64Array(count * width(params))])),
    local: new Float64Array(count * kernel.outWidth(params)),
    layouts: Object.fromEntries(kernel.perCall.map(({ field, width }) => [field, layout(shards, width(params))])),
    outLayout: layout(shards, kernel.outWidth(params)),
  };
}

/** What every rank does with a call: receive its per-call rows, step, send its output rows to rank 0 (which also scatters `perCall` and gathers into `out`). */
function mpiCall<Params extends SizeParams>(kernel: RowKernel<Params>, level: string, mine: RankRows<Params>, perCall: Arrays | null, out: Float64Array | null): void {
  const { addon } = mpiWorld();
  for (const { field } of kernel.perCall) {
    const { counts, displs } = mine.layouts[field];
    addon.scatterv(perCall ? perCall[field] : null, perCall ? counts : null, perCall ? displs : null, mine.rows[field], 0);
  }
  kernel.step(loadNative(level), mine.statics, mine.rows, mine.local, mine.params);
  addon.gatherv(mine.local, out, out ? mine.outLayout.counts : null, out ? mine.outLayout.displs : null, 0);
}

/** Ranks 1..p-1: the static arrays on prepare, their rows of every call, until rank 0 is done. */
function rowFollow<Params extends SizeParams>(kernel: RowKernel<Params>, level: string): () => void {
  return () => {
    const world = mpiWorld();
    let state: RankRows<Params> | null = null;
    world.serve((command, numbers) => {
      if (command === COMMAND.prepare) {
        const params = Object.fromEntries(kernel.params.map((name, i) => [name, numbers[i]])) as unknown as Params;
        const lengths = new Float64Array(kernel.statics.length);
        world.addon.bcast(lengths, 0);
        const statics = Object.fromEntries(kernel.statics.map((field, i) => {
          const values = new Float64Array(lengths[i]);
          world.addon.bcast(values, 0);
          return [field, values];
        }));
        state = rankRows(kernel, params, statics, world.size, world.rank);
      } else if (command === COMMAND.call && state) {
        mpiCall(kernel, level, state, null, null);
      } else if (command === COMMAND.dispose) {
        state = null;
      }
    });
  };
}

// ── the variants ────────────────────────────────────────────────────────────────────────────────

export function rowParallelVariants<Static, PerCall, Params extends SizeParams>(kernel: RowKernel<Params>, workers: RowWorkers): VariantDefinition<Static, PerCall, Float64Array, Params>[] {
  const staticsOf = (s: Static): Arrays => Object.fromEntries(kernel.statics.map((field) => [field, (s as Arrays)[field]]));
  const perCallOf = (p: PerCall): Arrays => p as unknown as Arrays;
  return parallelVariants<Static, PerCall, Float64Array, Params>(kernel.kernel, (level) => ({
    threads: {
      description: `worker_threads over shared arrays, each its rows; per call the inputs copied into a SharedArrayBuffer and an Atomics hand-off; local step: native@${level}`,
      prepare: async (staticInputs, params, { workers: count }) => {
        const statics = Object.fromEntries(Object.entries(staticsOf(staticInputs)).map(([field, values]) => {
          const copy = shared(values.length);
          copy.set(values);
          return [field, copy];
        }));
        const perCall = Object.fromEntries(kernel.perCall.map(({ field, width }) => [field, shared(kernel.rows(params) * width(params))]));
        const data: RowThreadData = { level, params, statics, perCall, out: shared(kernel.rows(params) * kernel.outWidth(params)) };
        const pool = await ThreadPool.start({ workers: count, module: workers.module, exportName: workers.threadStep, data: () => data });
        return {
          run: async (inputs) => {
            const given = perCallOf(inputs);
            for (const { field } of kernel.perCall) data.perCall[field].set(given[field]);
            await pool.call();
            return data.out;
          },
          dispose: () => pool.close(),
        };
      },
    },
    processes: {
      description: `child processes, each sent the static inputs once; per call its rows of the inputs out and of the output back, as messages; local step: native@${level}`,
      prepare: async (staticInputs, params, { workers: count }) => {
        const shards = shardRows(kernel.rows(params), count, 1);
        const statics = staticsOf(staticInputs);
        const pool = await ProcessPool.start<RowProcessInit, Arrays, Float64Array>({ workers: count, module: workers.module, exportName: workers.processHandler, init: () => ({ level, params, statics }) });
        const out = new Float64Array(kernel.rows(params) * kernel.outWidth(params));
        return {
          run: async (inputs) => {
            const given = perCallOf(inputs);
            // slice: only the worker's rows travel.
            const replies = await pool.call((rank) => Object.fromEntries(kernel.perCall.map(({ field, width }) => [field, given[field].slice(shards[rank].start * width(params), shards[rank].end * width(params))])));
            replies.forEach((rows, rank) => out.set(rows, shards[rank].start * kernel.outWidth(params)));
            return out;
          },
          dispose: () => pool.close(),
        };
      },
    },
    'native-threads': {
      description: `std::thread pool in the C++ addon, each thread its rows; the JavaScript thread waits; native@${level}`,
      prepare: (staticInputs, params, { workers: count }) => {
        const addon = loadNative(level);
        const pool = addon.threadPool(count);
        const statics = staticsOf(staticInputs);
        const out = new Float64Array(kernel.rows(params) * kernel.outWidth(params));
        return {
          run: (inputs) => {
            kernel.pooled(addon, pool, statics, perCallOf(inputs), out, params);
            return out;
          },
          dispose: () => addon.closeThreadPool(pool),
        };
      },
    },
    mpi: {
      description: `MPI ranks under mpirun: static inputs broadcast once; per call each rank's rows scattered (MPI_Scatterv) and its output rows gathered to rank 0 (MPI_Gatherv); local step: native@${level}`,
      prepare: (staticInputs, params, { workers: count }) => {
        const world = mpiWorld();
        if (world.size !== count) throw new Error(`mpi: started with ${world.size} ranks for ${count} workers`);
        if (kernel.params.length > 7) throw new Error(`mpi: ${kernel.kernel} has more than 7 size parameters for the prepare command`);
        const statics = staticsOf(staticInputs);
        world.command(COMMAND.prepare, kernel.params.map((name) => params[name]), () => {
          world.addon.bcast(Float64Array.from(kernel.statics, (field) => statics[field].length), 0);
          for (const field of kernel.statics) world.addon.bcast(statics[field], 0);
        });
        const mine = rankRows(kernel, params, statics, count, 0);
        const out = new Float64Array(kernel.rows(params) * kernel.outWidth(params));
        return {
          run: (inputs) => world.command(COMMAND.call, [], () => {
            mpiCall(kernel, level, mine, perCallOf(inputs), out);
            return out;
          }),
          dispose: () => world.command(COMMAND.dispose, [], () => {}),
        };
      },
      follow: rowFollow(kernel, level),
    },
  }));
}
