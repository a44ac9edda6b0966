// Constructed results for tests of analysis, comparison and the gate: cells whose rounds are noisy
// samples around a chosen centre, and results files around them.

import { createRandom } from '../../bench/random.js';
import { DEFAULT_SETTINGS } from '../../bench/measure/settings.js';
import { summarize } from '../../bench/stats/index.js';
import { SCHEMA_VERSION, type Cell, type Environment, type KernelInfo, type ResultsFile, type Validation } from '../../bench/types.js';

export const valid: Validation = { status: 'valid', maxAbsError: 0, maxRelError: 0, maxUlp: 0, cases: [] };
export const invalid: Validation = { ...valid, status: 'invalid', message: 'cell: 3 of 10 values outside tolerance' };

export interface Shape {
  readonly rounds: number;
  readonly perRound: number;
  /** Relative sd of samples within a round. */
  readonly noise: number;
  /** Relative sd of each round's level (between processes). */
  readonly between?: number;
}

/** A cell of kernel `k`, size `small`, whose rounds are noisy samples around `centerNs` (null: not measured). */
export function cell(variant: string, centerNs: number | null, overrides: Partial<Cell> = {}, seed = 1, shape: Shape = { rounds: 5, perRound: 50, noise: 0.01 }): Cell {
  const random = createRandom(seed + variant.length * 7 + Math.round(centerNs ?? 0));
  const rounds =
    centerNs === null
      ? []
      : Array.from({ length: shape.rounds }, () => {
          const level = centerNs * (1 + (shape.between ?? 0) * random.normal());
          return Array.from({ length: shape.perRound }, () => level * (1 + shape.noise * random.normal()));
        });
  const samples = rounds.flat();
  return {
    kernel: 'k',
    variant,
    rung: variant,
    target: 'js',
    description: `${variant} variant`,
    size: { name: 'small', params: { n: 1000 } },
    seed: 42,
    elements: 1000,
    work: { flops: 2000, bytes: 16000 },
    validation: valid,
    samples,
    rounds: rounds.map((r, i) => ({ round: i, pid: 1, batch: 1, samples: r.length, setupNs: 10, timer: { resolutionNs: 1, overheadNs: 20 } })),
    stats: samples.length ? summarize(samples, 0.95, rounds.map((r) => r.length)) : null,
    nsPerElement: centerNs === null ? null : centerNs / 1000,
    setupNs: 10,
    coldStart: centerNs === null ? null : { loadNs: 1e6, prepareNs: 2e5, firstCallNs: centerNs, totalNs: 1.2e6 + centerNs },
    ...overrides,
  };
}

export const environment = { fingerprint: 'machine-a', cpuModel: 'Test CPU' } as Environment;

export const kernelK: KernelInfo = { name: 'k', description: 'a kernel', baseline: 'naive', tolerance: { abs: 0, rel: 0, ulp: 0 } };

export function results(cells: Cell[], env: Environment = environment, kernels: KernelInfo[] = [kernelK]): ResultsFile {
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt: '2026-11-21T00:00:00.000Z',
    command: ['hotbench', 'run'],
    environment: { ...env, x86Level: 'x86-64-v3', cores: 2, memoryBytes: 2 ** 34, os: { platform: 'linux', release: '6', arch: 'x64' }, node: 'v20', v8: '11', gitCommit: null, loadAverage: [0, 0, 0], harnessVersion: '0.1.0', cpuFlags: [] },
    settings: DEFAULT_SETTINGS,
    kernels,
    cells,
    skipped: [],
  };
}
