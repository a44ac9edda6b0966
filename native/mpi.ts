// The mpi rung's side of MPI: the addon (native/src/mpi_napi.cc, built only where MPI is
// installed), one world per process, and the small command protocol between rank 0 and the
// others. Rank 0 is the measured process: its variant's prepare, run and dispose each send a
// command (the header below, point to point) that ranks 1..p-1, waiting in `serve` (the
// variant's parallel.follow), carry out with it, collective by collective. When rank 0's process
// exits, the world releases the other ranks (the exit command) and finalizes MPI, so every rank
// ends cleanly; if it exits in the middle of a collective (its variant threw there), it aborts the
// job instead of leaving the others waiting forever.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { mpiLauncher } from '../bench/measure/launcher.js';
import { bindingDir } from './index.js';

export interface MpiAddon {
  init(): { rank: number; size: number };
  finalize(): void;
  abort(code: number): void;
  bcast(array: Float64Array | Int32Array | Uint8Array, root: number): void;
  /** Rank 0: the array to every other rank (a command). */
  sendCommand(array: Float64Array): void;
  /** Ranks 1..p-1: rank 0's next command, waited for without spinning for long. */
  waitCommand(array: Float64Array): void;
  scatterv(send: Float64Array | Int32Array | null, counts: Int32Array | null, displs: Int32Array | null, recv: Float64Array | Int32Array, root: number): void;
  gatherv(send: Float64Array | Int32Array, recv: Float64Array | Int32Array | null, counts: Int32Array | null, displs: Int32Array | null, root: number): void;
  /** Every rank's send, in rank order, on every rank. */
  allgather(send: Float64Array, recv: Float64Array): void;
  library(): string;
}

export const mpiBinary = path.join(bindingDir, 'hotbench_mpi.node');

/** True when an mpi variant can run here: the addon was built and a launcher is on the PATH; else why not. */
export function mpiStatus(): true | string {
  const launcher = mpiLauncher();
  if (typeof launcher === 'string') return launcher;
  if (!existsSync(mpiBinary)) return `the MPI addon was not built (${path.relative(process.cwd(), mpiBinary)} is missing: install MPI's headers, e.g. libopenmpi-dev, then npm run build:native)`;
  return true;
}

/** Commands rank 0 broadcasts; codes above these are the variant's own. */
export const MPI_EXIT = -1;

/** Header of a command: its code and up to seven numbers (sizes). */
const HEADER = 8;

export class MpiWorld {
  readonly rank: number;
  readonly size: number;
  /** Inside a sequence of collectives that the other ranks are in too. */
  private busy = false;
  private done = false;

  constructor(readonly addon: MpiAddon) {
    ({ rank: this.rank, size: this.size } = addon.init());
    if (this.rank === 0) process.on('exit', () => this.release());
  }

  /**
   * Rank 0: starts a command on every rank (code and numbers), then `body` makes the collectives
   * that go with it, which every other rank makes in `serve`.
   */
  command<T>(code: number, numbers: readonly number[], body: () => T): T {
    if (this.rank !== 0) throw new Error('MpiWorld.command: only rank 0 gives commands');
    if (numbers.length >= HEADER) throw new RangeError(`MpiWorld.command: at most ${HEADER - 1} numbers`);
    this.busy = true;
    const header = new Float64Array(HEADER);
    header[0] = code;
    header.set(numbers, 1);
    this.addon.sendCommand(header);
    const result = body();
    this.busy = false;
    return result;
  }

  /**
   * Ranks 1..p-1: carries out rank 0's commands with `handle(code, numbers)` until rank 0 exits.
   * Waiting for a command leaves the CPU (waitCommand).
   */
  serve(handle: (code: number, numbers: Float64Array) => void): void {
    const header = new Float64Array(HEADER);
    for (;;) {
      this.addon.waitCommand(header);
      const code = header[0];
      if (code === MPI_EXIT) break;
      handle(code, header.subarray(1));
    }
    this.done = true;
    this.addon.finalize();
  }

  /** Rank 0, at exit: the others are released and MPI finalized; mid-collective, the job is aborted. */
  private release(): void {
    if (this.done) return;
    this.done = true;
    if (this.busy) this.addon.abort(1);
    this.addon.sendCommand(Float64Array.of(MPI_EXIT, 0, 0, 0, 0, 0, 0, 0));
    this.addon.finalize();
  }
}

const require = createRequire(import.meta.url);
let world: MpiWorld | null = null;

/** This process's world (MPI initialized on first use); throws where the addon was not built. */
export function mpiWorld(): MpiWorld {
  if (world) return world;
  // Only the addon is needed here: another node of the job may have no launcher of its own.
  if (!existsSync(mpiBinary)) throw new Error(`mpi: the MPI addon was not built (${mpiBinary} is missing)`);
  world = new MpiWorld(require(mpiBinary) as MpiAddon);
  return world;
}
