// This machine's fingerprint: a hash of the CPU model, flags, core count, memory and architecture.
// Equal fingerprints mean the same kind of machine. Cheap on purpose (no git, no child process):
// results files record it, and the dispatch runtime computes it in production code.

import { createHash } from 'node:crypto';
import os from 'node:os';
import { readCpuInfo } from './cpu.js';

export function machineFingerprint(): string {
  const cpu = readCpuInfo();
  return createHash('sha256')
    .update(JSON.stringify([cpu.model, cpu.flags, os.cpus().length, os.totalmem(), os.arch()]))
    .digest('hex')
    .slice(0, 16);
}
