// What the CPU can run: its model and flags, and the highest x86-64 micro-architecture level (the
// psABI's v2/v3/v4) its flags support. Native builds per level are chosen from this.

import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The psABI's feature sets, spelled as Linux writes them in /proc/cpuinfo. */
export const X86_LEVELS: readonly { readonly level: string; readonly flags: readonly string[] }[] = [
  { level: 'x86-64', flags: ['cmov', 'cx8', 'fpu', 'fxsr', 'mmx', 'syscall', 'sse', 'sse2'] },
  { level: 'x86-64-v2', flags: ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'] },
  { level: 'x86-64-v3', flags: ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'] },
  { level: 'x86-64-v4', flags: ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'] },
];

/** The highest level whose flags, and every lower level's, are all present; null if not even v1. */
export function x86LevelFromFlags(flags: readonly string[]): string | null {
  const have = new Set(flags);
  let level: string | null = null;
  for (const candidate of X86_LEVELS) {
    if (!candidate.flags.every((flag) => have.has(flag))) break;
    level = candidate.level;
  }
  return level;
}

export interface CpuInfo {
  readonly model: string;
  readonly flags: readonly string[];
  readonly x86Level: string | null;
}

export function readCpuInfo(): CpuInfo {
  const model = os.cpus()[0]?.model?.trim() || 'unknown';
  let flags: string[] = [];
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^flags\s*:/.test(l));
    flags = line ? line.replace(/^flags\s*:\s*/, '').trim().split(/\s+/).sort() : [];
  } catch {
    // Not Linux: no flags, so no x86 level claimed.
  }
  return { model, flags, x86Level: os.arch() === 'x64' ? x86LevelFromFlags(flags) : null };
}
