// Measurement settings: defaults, then the config file, then the command line, each checked once.

import { UserError } from '../errors.js';
import type { MeasureSettings } from '../types.js';

export const DEFAULT_SETTINGS: MeasureSettings = {
  rounds: 5,
  timeMs: 200,
  // Rounds are the statistical unit (analysis resamples them); a process that can only afford a
  // few calls of a slow variant gives 3 samples, the rest of the budget goes to more rounds.
  minSamples: 3,
  maxSamples: 1000,
  warmupMs: 100,
  minSampleNs: 10_000,
  seed: 42,
  timeoutMs: 300_000,
  maxHeapMb: 4096,
};

/**
 * The gate's own defaults, layered over DEFAULT_SETTINGS: more rounds of shorter processes. Between
 * processes is where timings differ most, and the U test's unit is the round, so its power grows
 * with the number of rounds, not with samples within one.
 */
export const GATE_SETTINGS: Partial<MeasureSettings> = { rounds: 30, timeMs: 100, warmupMs: 100 };

const LIMITS: { readonly [K in keyof MeasureSettings]: readonly [min: number, integer: boolean] } = {
  rounds: [1, true],
  timeMs: [1, false],
  minSamples: [1, true],
  maxSamples: [1, true],
  warmupMs: [0, false],
  minSampleNs: [0, false],
  seed: [0, true],
  timeoutMs: [1, false],
  maxHeapMb: [16, true],
};

/** Later layers override earlier ones; every value is checked, whatever layer it came from. */
export function resolveSettings(...layers: readonly (Partial<Record<string, unknown>> | undefined)[]): MeasureSettings {
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      if (!(key in LIMITS)) throw new UserError(`unknown measure setting ${JSON.stringify(key)} (known: ${Object.keys(LIMITS).join(', ')})`);
      merged[key] = value;
    }
  }
  for (const [key, [min, integer]] of Object.entries(LIMITS)) {
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new UserError(`measure setting ${key} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(value)}`);
    }
  }
  if ((merged.maxSamples as number) < (merged.minSamples as number)) throw new UserError('measure setting maxSamples must be >= minSamples');
  return merged as unknown as MeasureSettings;
}
