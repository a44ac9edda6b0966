// What the CPU can run: its model and flags, and the highest x86-64 micro-architecture level (the
// psABI's v2/v3/v4) its flags support. Native builds per level are chosen from this.

import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';

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

/** Position of a level in X86_LEVELS (0 for x86-64), or -1 for an unknown name. */
export function levelRank(level: string): number {
  return X86_LEVELS.findIndex((l) => l.level === level);
}

export interface CpuInfo {
  readonly model: string;
  readonly flags: readonly string[];
  /** The level builds may use: the flags' level, lowered by HOTBENCH_MAX_X86_LEVEL if set. */
  readonly x86Level: string | null;
  /** The level the flags support, before any cap. */
  readonly detectedX86Level: string | null;
}

/**
 * HOTBENCH_MAX_X86_LEVEL caps the level builds may use, to see how a study runs on an older CPU
 * (or to keep a wide build out of a run). Like /proc/cpuinfo, it is a fact of the machine as the
 * user wants it seen, read once per process.
 */
export const LEVEL_CAP_VARIABLE = 'HOTBENCH_MAX_X86_LEVEL';

export function capLevel(detected: string | null, cap: string | undefined): string | null {
  if (detected === null || !cap) return detected;
  if (levelRank(cap) < 0) throw new UserError(`${LEVEL_CAP_VARIABLE}=${cap} is not one of ${X86_LEVELS.map((l) => l.level).join(', ')}`);
  return levelRank(cap) < levelRank(detected) ? cap : detected;
}

let cached: CpuInfo | undefined;

/** This machine's CPU, read once per process. */
export function readCpuInfo(): CpuInfo {
  cached ??= readCpuInfoNow();
  return cached;
}

function readCpuInfoNow(): CpuInfo {
  const model = os.cpus()[0]?.model?.trim() || 'unknown';
  let flags: string[] = [];
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^flags\s*:/.test(l));
    flags = line ? line.replace(/^flags\s*:\s*/, '').trim().split(/\s+/).sort() : [];
  } catch {
    // Not Linux: no flags, so no x86 level claimed.
  }
  const detectedX86Level = os.arch() === 'x64' ? x86LevelFromFlags(flags) : null;
  return { model, flags, detectedX86Level, x86Level: capLevel(detectedX86Level, process.env[LEVEL_CAP_VARIABLE]) };
}

/** "32768K" → bytes (sysfs writes cache sizes with a K or M suffix). */
export function parseCacheSize(text: string): number | null {
  const m = /^(\d+)\s*([KMG]?)$/i.exec(text.trim());
  if (!m) return null;
  const scale = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * scale;
}

/**
 * The size of the largest-level data cache CPU 0 sees (its L3 on most machines), from sysfs; null
 * where sysfs does not say (not Linux, or a VM that hides it). The roofline's bandwidth probes size
 * their arrays from it.
 */
export function lastLevelCacheBytes(sysfs = '/sys/devices/system/cpu/cpu0/cache'): number | null {
  let best: { level: number; bytes: number } | null = null;
  let entries: string[];
  try {
    entries = readdirSync(sysfs).filter((e) => /^index\d+$/.test(e));
  } catch {
    return null;
  }
  for (const entry of entries) {
    try {
      const read = (name: string) => readFileSync(path.join(sysfs, entry, name), 'utf8').trim();
      if (read('type') === 'Instruction') continue;
      const level = Number(read('level'));
      const bytes = parseCacheSize(read('size'));
      if (bytes !== null && Number.isFinite(level) && (!best || level > best.level || (level === best.level && bytes > best.bytes))) best = { level, bytes };
    } catch {
      // An unreadable entry says nothing; the others may.
    }
  }
  return best?.bytes ?? null;
}
