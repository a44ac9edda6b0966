// Making sure no process a measured job started outlives it. A parallel job's measured process
// starts workers of its own (a `processes` pool, or the ranks an MPI launcher starts), and a worker
// that hangs, or whose parent was killed, is not ended by anyone else: reparented to init, it would
// keep a core busy through every later measurement. So every such job's processes carry a tag in
// their environment (inherited by whatever they start), and once the job has ended the parent ends
// every process still carrying it. Linux only (/proc); elsewhere nothing is found.

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable that carries a job's tag. */
export const PROCESS_TAG_ENV = 'HOTBENCH_PROCESS_TAG';

export function newProcessTag(): string {
  return randomBytes(8).toString('hex');
}

/** The pids of the processes whose environment holds `tag` (other users' processes are unreadable, and skipped). */
export function processesTagged(tag: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `${PROCESS_TAG_ENV}=${tag}\0`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/** Ends (SIGKILL) every process tagged `tag`; returns how many were still there. */
export function killTagged(tag: string): number {
  const pids = processesTagged(tag);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids.length;
}
