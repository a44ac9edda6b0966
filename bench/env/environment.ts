// The environment fingerprint recorded with every results file: enough to tell whether two runs
// were made on the same kind of machine, and to reproduce one.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { Environment } from '../types.js';
import { packageVersion } from '../paths.js';
import { lastLevelCacheBytes, readCpuInfo } from './cpu.js';
import { machineFingerprint } from './fingerprint.js';

function gitCommit(cwd: string): string | null {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', timeout: 5000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

export function collectEnvironment(cwd = process.cwd()): Environment {
  const cpu = readCpuInfo();
  const cores = os.cpus().length;
  const memoryBytes = os.totalmem();
  const fingerprint = machineFingerprint();
  const [l1, l5, l15] = os.loadavg();
  return {
    cpuModel: cpu.model,
    cpuFlags: cpu.flags,
    x86Level: cpu.x86Level,
    cores,
    memoryBytes,
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    node: process.version,
    v8: process.versions.v8,
    gitCommit: gitCommit(cwd),
    loadAverage: [l1, l5, l15],
    harnessVersion: packageVersion(),
    fingerprint,
    // Not part of the fingerprint: older files lack it, and the CPU model already implies it.
    lastLevelCacheBytes: lastLevelCacheBytes(),
  };
}
