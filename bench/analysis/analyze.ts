// Analysis: from results files alone, per (machine, kernel, size) group, rank the variants and
// compute each one's speedup over the kernel's baseline with its interval over rounds and a verdict.
// Verdicts (suspect results included) are decided here, once; reporters and the gate only read them.

import { variantId } from '../spec/define.js';
import { median, ratioOfRounds } from '../stats/index.js';
import type { Analysis, AnalysisSettings, Cell, CellGroup, Environment, MachineRoofline, RankedVariant, ResultsFile, RooflinePosition, Speedup, Verdict, WorkModel } from '../types.js';
import { analyzePipeline } from './pipeline.js';
import { roundMedians } from './rounds.js';
import { suspicion } from './suspect.js';
import { analyzeWorkers } from './workers.js';

export const DEFAULT_ANALYSIS: AnalysisSettings = {
  confidence: 0.95,
  noiseThreshold: 0.02,
};

export interface LoadedResults {
  readonly source: string;
  readonly results: ResultsFile;
}

export { roundMedians, samplesByRound } from './rounds.js';

/**
 * faster or slower only when the whole CI lies beyond the noise threshold; with no interval (one
 * round a side) nothing can be told from noise: unchanged.
 */
export function speedupVerdict(speedup: Speedup, noiseThreshold: number): Verdict {
  if (!(speedup.ciLevel > 0)) return 'unchanged';
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

function rankedVariant(cell: Cell, fields: Pick<RankedVariant, 'rank' | 'speedup' | 'verdict' | 'suspect'>, roofline: MachineRoofline | null): RankedVariant {
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
    ...(cell.external ? { external: { peer: cell.external.peer } } : {}),
    ...fields,
  };
}

function analyzeGroup(
  cells: readonly Cell[],
  baselineName: string,
  fingerprint: string,
  settings: AnalysisSettings,
  roofline: MachineRoofline | null,
  environment: Environment,
): CellGroup {
  const valid = cells.filter((c) => c.validation.status === 'valid' && c.stats !== null).sort((a, b) => a.stats!.medianNs - b.stats!.medianNs);
  // Decided again here for every file, whatever the file recorded: the rule is analysis's.
  const suspects = new Map(valid.map((c) => [c, suspicion(c, roofline, environment)] as const).filter((e): e is [Cell, string] => e[1] !== null));
  const measured = valid.filter((c) => !suspects.has(c));
  const baseline = measured.find((c) => c.variant === baselineName) ?? null;
  const baselineRounds = baseline ? roundMedians(baseline) : null;
  // Round by round: the baseline's median over the variant's, in the same round.
  const speedupOf = (cell: Cell): Speedup | null => (baselineRounds ? ratioOfRounds(baselineRounds, roundMedians(cell), settings.confidence) : null);

  const ranked = measured.map((cell, index): RankedVariant => {
    if (cell === baseline) return rankedVariant(cell, { rank: index + 1, speedup: { ratio: 1, ciLow: 1, ciHigh: 1, ciLevel: settings.confidence }, verdict: 'baseline' }, roofline);
    const speedup = speedupOf(cell);
    return rankedVariant(cell, { rank: index + 1, speedup, verdict: speedup ? speedupVerdict(speedup, settings.noiseThreshold) : 'unchanged' }, roofline);
  });
  // Shown with their speedup and the reason, never ranked.
  const suspect = [...suspects].map(([cell, reason]) => rankedVariant(cell, { rank: null, speedup: speedupOf(cell), verdict: 'suspect', suspect: reason }, roofline));
  const unranked = cells
    .filter((c) => !valid.includes(c))
    .map((cell) => rankedVariant(cell, { rank: null, speedup: null, verdict: cell.validation.status === 'invalid' ? 'invalid' : 'failed' }, roofline));

  // The ladder against its peers: the fastest ranked of each, the peer's time over the ladder's.
  const bestOwn = measured.find((c) => !c.external);
  const bestPeer = measured.find((c) => c.external?.peer);
  const peerRatio = bestOwn && bestPeer ? ratioOfRounds(roundMedians(bestPeer), roundMedians(bestOwn), settings.confidence) : null;
  const peers =
    bestOwn && bestPeer && peerRatio
      ? {
          best: variantId(bestOwn.variant, bestOwn.target),
          bestPeer: variantId(bestPeer.variant, bestPeer.target),
          ratio: peerRatio,
          verdict: speedupVerdict(peerRatio, settings.noiseThreshold) as 'faster' | 'slower' | 'unchanged',
        }
      : null;

  const first = cells[0];
  return {
    kernel: first.kernel,
    size: first.size,
    elements: first.elements,
    fingerprint,
    baseline: baseline ? variantId(baseline.variant, baseline.target) : null,
    variants: [...ranked, ...suspect, ...unranked],
    ...(peers ? { peers } : {}),
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
      // A scaling run's cells are analysed by workers.ts, in groups of their own.
      if (cell.workers) continue;
      const key = JSON.stringify([fingerprint, cell.kernel, cell.size.name]);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { cells: [], baseline: baselines.get(cell.kernel) ?? 'naive', fingerprint }));
      // The same variant measured twice on one machine (two files): the later file wins.
      const id = variantId(cell.variant, cell.target);
      group.cells = group.cells.filter((c) => variantId(c.variant, c.target) !== id);
      group.cells.push(cell);
    }
  }
  const workers = analyzeWorkers(inputs, settings, rooflines);
  const pipelines = inputs.flatMap(({ results }) => analyzePipeline(results, settings) ?? []);
  return {
    settings,
    environments: [...environments.values()],
    rooflines: [...rooflines.values()],
    skipped: inputs.flatMap(({ results }) => (results.skipped ?? []).map((s) => ({ ...s, fingerprint: results.environment.fingerprint }))),
    groups: [...groups.values()].map((g) => analyzeGroup(g.cells, g.baseline, g.fingerprint, settings, rooflines.get(g.fingerprint) ?? null, environments.get(g.fingerprint)!)),
    runs: inputs.map(({ source, results }) => ({
      source,
      createdAt: results.createdAt,
      command: results.command,
      settings: results.settings,
      fingerprint: results.environment.fingerprint,
    })),
    ...(workers.length ? { workers } : {}),
    ...(pipelines.length ? { pipelines } : {}),
  };
}
