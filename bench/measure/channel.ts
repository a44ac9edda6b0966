// How a child process receives its job and sends its reply: one protocol (a ChildJob in, a
// ChildReply out, serialized as Node's 'advanced' IPC serializes them), two ways to carry it. A child
// the harness forks gets both over Node's IPC channel. A child started by an MPI launcher cannot:
// Node's channel is a file descriptor inherited through fork, and the launcher starts its ranks
// from its own process and closes every descriptor above stderr. So those get the job from a file
// the parent wrote and write the reply to another (atomically: temporary file, then rename); every
// rank reads the job (the others need the variant to serve rank 0), only rank 0 replies.
//
// This module is loaded before the child's layout shift: it imports only what it needs.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { ChildJob, ChildReply } from '../types.js';

/** Set to `files` when the child was started by a launcher; with the two files' paths. */
export const CHANNEL_ENV = 'HOTBENCH_CHANNEL';
export const JOB_FILE_ENV = 'HOTBENCH_JOB_FILE';
export const REPLY_FILE_ENV = 'HOTBENCH_REPLY_FILE';

/** The variables launchers number their ranks by: Open MPI, PMIx, MPICH's hydra, Slurm. */
const RANK_ENV = ['OMPI_COMM_WORLD_RANK', 'PMIX_RANK', 'PMI_RANK', 'SLURM_PROCID'];
const SIZE_ENV = ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'SLURM_NTASKS'];

function firstNumber(env: NodeJS.ProcessEnv, names: readonly string[]): number | null {
  for (const name of names) {
    const value = Number(env[name]);
    if (env[name] !== undefined && Number.isInteger(value) && value >= 0) return value;
  }
  return null;
}

export function writeMessage(file: string, message: ChildJob | ChildReply): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, serialize(message));
  renameSync(temporary, file);
}

export function readMessage<T extends ChildJob | ChildReply>(file: string): T {
  return deserialize(readFileSync(file)) as T;
}

export interface Channel {
  /** `ipc` (forked) or `files` (started by a launcher). */
  readonly kind: 'ipc' | 'files';
  /** The rank of this process (0 when forked). */
  readonly rank: number;
  readonly ranks: number;
  readonly job: Promise<ChildJob>;
  /** Sends the reply (rank 0), then calls `then`. */
  reply(reply: ChildReply, then: () => void): void;
}

/** The channel this process was started with; listening starts at once (no message can be missed). */
export function openChannel(env: NodeJS.ProcessEnv = process.env): Channel {
  if (env[CHANNEL_ENV] !== 'files') {
    return {
      kind: 'ipc',
      rank: 0,
      ranks: 1,
      job: new Promise<ChildJob>((resolve) => process.once('message', resolve)),
      reply: (reply, then) => {
        process.send?.(reply, then);
      },
    };
  }
  const jobFile = env[JOB_FILE_ENV];
  const replyFile = env[REPLY_FILE_ENV];
  if (!jobFile || !replyFile) throw new Error(`${CHANNEL_ENV}=files needs ${JOB_FILE_ENV} and ${REPLY_FILE_ENV}`);
  const rank = firstNumber(env, RANK_ENV) ?? 0;
  return {
    kind: 'files',
    rank,
    ranks: firstNumber(env, SIZE_ENV) ?? 1,
    job: Promise.resolve().then(() => readMessage<ChildJob>(jobFile)),
    reply: (reply, then) => {
      writeMessage(replyFile, reply);
      then();
    },
  };
}
