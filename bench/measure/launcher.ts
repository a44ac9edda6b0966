// How an MPI variant's measured process is started: under an MPI launcher with p ranks, instead of
// forked by the harness. `mpirun` from the PATH by default (Open MPI's gets the flags below), or the
// command in HOTBENCH_MPIRUN (e.g. `srun --mpi=pmix` inside a Slurm allocation), to which `-n P` and
// the Node command line are appended. Whatever the launcher, rank 0 is the measured process and
// speaks the same protocol as a forked child (bench/measure/channel.ts).

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** A launcher command line of the user's, split on whitespace (no shell). */
export const MPI_LAUNCHER_ENV = 'HOTBENCH_MPIRUN';

export interface MpiLauncher {
  readonly command: string;
  readonly args: readonly string[];
  /** Open MPI's mpirun, which takes the flags below. */
  readonly openMpi: boolean;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

const flavours = new Map<string, boolean>();

function isOpenMpi(command: string): boolean {
  let known = flavours.get(command);
  if (known === undefined) {
    const answer = spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    known = /Open MPI|OpenRTE/i.test(`${answer.stdout ?? ''}${answer.stderr ?? ''}`);
    flavours.set(command, known);
  }
  return known;
}

/** The launcher this machine would use, or why there is none. */
export function mpiLauncher(env: NodeJS.ProcessEnv = process.env): MpiLauncher | string {
  const given = env[MPI_LAUNCHER_ENV]?.trim();
  if (given) {
    const [command, ...args] = given.split(/\s+/);
    const found = command.includes(path.sep) ? command : onPath(command, env);
    if (!found) return `${MPI_LAUNCHER_ENV}=${JSON.stringify(given)}: ${command} is not on the PATH`;
    return { command: found, args, openMpi: isOpenMpi(found) };
  }
  const mpirun = onPath('mpirun', env);
  if (!mpirun) return 'MPI is not installed: no mpirun on the PATH (Debian: apt-get install openmpi-bin libopenmpi-dev; or set HOTBENCH_MPIRUN)';
  return { command: mpirun, args: [], openMpi: isOpenMpi(mpirun) };
}

export interface LaunchOptions {
  readonly ranks: number;
  /** More ranks than cores: allowed by --oversubscribe. */
  readonly oversubscribe: boolean;
  /** Environment variables every rank needs, also on other nodes. */
  readonly forward: readonly string[];
}

/**
 * The launcher's arguments for `ranks` ranks, before the program. Open MPI's mpirun: slots are the
 * hardware threads (the harness counts logical CPUs as cores), no binding (ranks are scheduled by
 * the OS, as the threads and processes rungs are), ranks that yield while they wait inside MPI
 * (mpi_yield_when_idle: the other rungs' idle workers sleep too, and on a machine shared with other
 * work a rank that busy-polls keeps the rank it waits for off the CPU: measured here, a call of a
 * few microseconds took 2 ms at p = 2 without it), --oversubscribe only when asked, -x for each
 * forwarded variable, and --allow-run-as-root when the harness runs as root (a container, CI).
 */
export function launcherArgs(launcher: MpiLauncher, options: LaunchOptions): string[] {
  const common = [...launcher.args, '-n', String(options.ranks)];
  if (!launcher.openMpi) return common;
  return [
    ...common,
    '--use-hwthread-cpus',
    '--bind-to',
    'none',
    '--mca',
    'mpi_yield_when_idle',
    '1',
    ...(options.oversubscribe ? ['--oversubscribe'] : []),
    ...(process.getuid?.() === 0 ? ['--allow-run-as-root'] : []),
    ...options.forward.flatMap((name) => ['-x', name]),
  ];
}

/**
 * How a launcher said a rank died, from its own message (Open MPI: "exited on signal 9 (Killed)"),
 * when it did: the signal's number.
 */
export function rankSignal(output: string): number | null {
  const match = /exited on signal (\d+)/.exec(output);
  return match ? Number(match[1]) : null;
}
