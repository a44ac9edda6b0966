// Analysis: from results files alone, per (machine, kernel, size) group, rank the variants and
// compute each one's speedup over the kernel's baseline with a bootstrap CI and a verdict. Verdicts
// are decided here, once; reporters and the gate only read them.

import { variantId } from '../spec/define.js';
import { bootstrapSpeedup, median } from '../stats/index.js';
import type { Analysis, AnalysisSettings, Cell, CellGroup, Environment, MachineRoofline, RankedVariant, ResultsFile, RooflinePosition, Speedup, Verdict, WorkModel } from '../types.js';

export const DEFAULT_ANALYSIS: AnalysisSettings = {
  confidence: 0.95,
  bootstrapResamples: 2000,
  noiseThreshold: 0.02,
  seed: 1,
};

export interface LoadedResults {
  readonly source: string;
  readonly results: ResultsFile;
}

/** The samples of a cell split back into its rounds (one child process each). */
export function samplesByRound(cell: Cell): number[][] {
  const rounds: number[][] = [];
  let offset = 0;
  for (const record of cell.rounds) {
    rounds.push(cell.samples.slice(offset, offset + record.samples));
    offset += record.samples;
  }
  return rounds;
}

/** faster or slower only when the whole CI lies beyond the noise threshold. */
export function speedupVerdict(speedup: Speedup, noiseThreshold: number): Verdict {
  if (speedup.ciLow > 1 + noiseThreshold) return 'faster';
  if (speedup.ciHigh < 1 / (1 + noiseThreshold)) return 'slower';
  return 'unchanged';
}

/**
 * Where a cell that took `medianNs` per call sits under `roofline`: its intensity from the kernel's
 * work model, the attainable GFLOP/s at that intensity and its share of it. The roof is the
 * machine's best over its builds (not the cell's own build's ceiling): it is what the machine can
 * do, whichever build a variant uses, so a variant held back by its build shows it. Null for a
 * kernel whose work model counts no flops (no GFLOP/s to place).
 */
export function rooflinePosition(work: WorkModel, medianNs: number, roofline: MachineRoofline): RooflinePosition | null {
  if (!(work.flops > 0) || !(work.bytes >= 0) || !(medianNs > 0)) return null;
  const intensity = work.flops / work.bytes; // Infinity for a kernel that moves no bytes: compute-bound
  const memoryRoof = intensity * roofline.bandwidthGBps;
  const attainableGflops = Math.min(roofline.peakGflops, memoryRoof);
  return {
    intensity,
    attainableGflops,
    percentOfRoof: (100 * (work.flops / medianNs)) / attainableGflops,
    bound: memoryRoof < roofline.peakGflops ? 'memory' : 'compute',
  };
}

/** Median over the cell's rounds of the device-only time per call, or null when no round has one. */
export function deviceNsPerCall(cell: Cell): number | null {
  const perRound = cell.rounds.flatMap((r) => (typeof r.deviceNsPerCall === 'number' && Number.isFinite(r.deviceNsPerCall) ? [r.deviceNsPerCall] : []));
  return perRound.length > 0 ? median(perRound) : null;
}

function rankedVariant(cell: Cell, fields: Pick<RankedVariant, 'rank' | 'speedup' | 'verdict'>, roofline: MachineRoofline | null): RankedVariant {
  const medianNs = cell.stats?.medianNs;
  return {
    variant: cell.variant,
    rung: cell.rung,
    target: cell.target,
    description: cell.description,
    validation: cell.validation,
    stats: cell.stats,
    nsPerElement: cell.nsPerElement,
    setupNs: cell.setupNs,
    coldStart: cell.coldStart ?? null,
    deviceNsPerCall: deviceNsPerCall(cell),
    // flops per ns = GFLOP/s; bytes per ns = GB/s.
    gflops: medianNs ? cell.work.flops / medianNs : null,
    gbytesPerSecond: medianNs ? cell.work.bytes / medianNs : null,
    roof: medianNs && roofline ? rooflinePosition(cell.work, medianNs, roofline) : null,
    ...(cell.error ? { error: cell.error } : {}),
    ...(cell.failure ? { failure: cell.failure } : {}),
    ...fields,
  };
}

function analyzeGroup(cells: readonly Cell[], baselineName: string, fingerprint: string, settings: AnalysisSettings, roofline: MachineRoofline | null): CellGroup {
  const measured = cells.filter((c) => c.validation.status === 'valid' && c.stats !== null).sort((a, b) => a.stats!.medianNs - b.stats!.medianNs);
  const baseline = measured.find((c) => c.variant === baselineName) ?? null;
  const baselineRounds = baseline ? samplesByRound(baseline) : null;

  const ranked = measured.map((cell, index): RankedVariant => {
    if (cell === baseline) return rankedVariant(cell, { rank: index + 1, speedup: { ratio: 1, ciLow: 1, ciHigh: 1, ciLevel: settings.confidence }, verdict: 'baseline' }, roofline);
    if (!baselineRounds) return rankedVariant(cell, { rank: index + 1, speedup: null, verdict: 'unchanged' }, roofline);
    const speedup = bootstrapSpeedup(baselineRounds, samplesByRound(cell), {
      resamples: settings.bootstrapResamples,
      level: settings.confidence,
      seed: settings.seed,
    });
    return rankedVariant(cell, { rank: index + 1, speedup, verdict: speedupVerdict(speedup, settings.noiseThreshold) }, roofline);
  });
  const unranked = cells
    .filter((c) => !measured.includes(c))
    .map((cell) => rankedVariant(cell, { rank: null, speedup: null, verdict: cell.validation.status === 'invalid' ? 'invalid' : 'failed' }, roofline));

  const first = cells[0];
  return {
    kernel: first.kernel,
    size: first.size,
    elements: first.elements,
    fingerprint,
    baseline: baseline ? variantId(baseline.variant, baseline.target) : null,
    variants: [...ranked, ...unranked],
  };
}

export function analyze(inputs: readonly LoadedResults[], settings: AnalysisSettings = DEFAULT_ANALYSIS): Analysis {
  const environments = new Map<string, Environment>();
  // One roofline per machine; as with cells, a later file's wins.
  const rooflines = new Map<string, MachineRoofline>();
  const groups = new Map<string, { cells: Cell[]; baseline: string; fingerprint: string }>();
  for (const { results } of inputs) {
    const fingerprint = results.environment.fingerprint;
    environments.set(fingerprint, results.environment);
    if (results.roofline) rooflines.set(fingerprint, results.roofline);
    const baselines = new Map(results.kernels.map((k) => [k.name, k.baseline]));
    for (const cell of results.cells) {
      const key = JSON.stringify([fingerprint, cell.kernel, cell.size.name]);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { cells: [], baseline: baselines.get(cell.kernel) ?? 'naive', fingerprint }));
      // The same variant measured twice on one machine (two files): the later file wins.
      const id = variantId(cell.variant, cell.target);
      group.cells = group.cells.filter((c) => variantId(c.variant, c.target) !== id);
      group.cells.push(cell);
    }
  }
  return {
    settings,
    environments: [...environments.values()],
    rooflines: [...rooflines.values()],
    skipped: inputs.flatMap(({ results }) => (results.skipped ?? []).map((s) => ({ ...s, fingerprint: results.environment.fingerprint }))),
    groups: [...groups.values()].map((g) => analyzeGroup(g.cells, g.baseline, g.fingerprint, settings, rooflines.get(g.fingerprint) ?? null)),
    runs: inputs.map(({ source, results }) => ({
      source,
      createdAt: results.createdAt,
      command: results.command,
      settings: results.settings,
      fingerprint: results.environment.fingerprint,
    })),
  };
}
