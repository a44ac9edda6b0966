// A pipeline study from its results file: the per-change table (each configuration's time per call,
// its speedup over the configuration before it and over the original, round by round with their
// intervals), where the time went in every configuration, and Amdahl's prediction of each change.
//
// Amdahl's prediction of a change, from what was measured before it and of the changed stages alone:
//   predicted = 1 / (f_other + Σ_s f_s / k_s)
// with f_s the previous configuration's share of stage s (its in-pipeline time over the time per
// call), f_other the share no stage covers, and k_s the changed stage's own speedup: its time alone
// (repeated on its own with its data warm, after the round's timed calls) in the previous
// configuration over its time alone in this one; k_s = 1 for a stage the change left alone. A
// change of the algorithm (sub-bundles) changes every stage's work: every stage counts as changed.
// The gap between measured and predicted is what the stages did to each other: a stage that ran
// at another speed inside the pipeline than alone (data evicted by the stages before it, or left
// warm for it), or an unchanged stage whose time moved.

import { median, ratioOfRounds } from '../stats/index.js';
import type { AnalysisSettings, Cell, ConfigurationSpec, PipelineChange, PipelineRun, PipelineStudy, RatioEstimate, ResultsFile, StageShare, Verdict } from '../types.js';
import { speedupVerdict } from './analyze.js';
import { roundMedians } from './rounds.js';

/** A gap beyond this fraction is explained (the 15%). */
export const AMDAHL_GAP = 0.15;

function medianOver(values: readonly number[]): number | null {
  const finite = values.filter(Number.isFinite);
  return finite.length ? median(finite) : null;
}

/** A configuration's median ns per call in each stage, inside the pipeline and alone. */
function stageTimes(cell: Cell, stages: readonly string[]): { inPipeline: Map<string, number>; alone: Map<string, number> } {
  const inPipeline = new Map<string, number>();
  const alone = new Map<string, number>();
  for (const stage of stages) {
    const a = medianOver(cell.rounds.flatMap((r) => (r.stages?.inPipeline[stage] !== undefined ? [r.stages.inPipeline[stage]] : [])));
    const b = medianOver(cell.rounds.flatMap((r) => (r.stages?.alone[stage] !== undefined ? [r.stages.alone[stage]] : [])));
    if (a !== null) inPipeline.set(stage, a);
    if (b !== null) alone.set(stage, b);
  }
  return { inPipeline, alone };
}

/** The stages a change touched: a different implementation, or every stage when the algorithm changed. */
export function changedStages(previous: ConfigurationSpec, current: ConfigurationSpec, stages: readonly string[]): string[] {
  const algorithm = JSON.stringify(previous.algorithm ?? {}) !== JSON.stringify(current.algorithm ?? {});
  return stages.filter((s) => algorithm || previous.stages[s] !== current.stages[s]);
}

/** Amdahl's law over stages: the speedup when each stage s of share f_s runs k_s times faster. */
export function amdahlPrediction(shares: ReadonlyMap<string, number>, otherShare: number, stageSpeedups: ReadonlyMap<string, number>): number {
  let remaining = otherShare;
  for (const [stage, share] of shares) remaining += share / (stageSpeedups.get(stage) ?? 1);
  return 1 / remaining;
}

const fmtX = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)}x`;
const fmtMs = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toPrecision(3)} ms` : `${(ns / 1e3).toPrecision(3)} µs`);

/**
 * Why measured and predicted differ: the stage whose time in the pipeline is furthest (in ns) from
 * what Amdahl assumed of it, and in which direction.
 */
function explainGap(stages: readonly string[], previous: StageTimesOf, current: StageTimesOf, speedups: ReadonlyMap<string, number>, changed: readonly string[]): string {
  let worst: { stage: string; expected: number; actual: number } | null = null;
  for (const stage of stages) {
    const before = previous.inPipeline.get(stage);
    const actual = current.inPipeline.get(stage);
    if (before === undefined || actual === undefined) continue;
    const expected = before / (speedups.get(stage) ?? 1);
    if (!worst || Math.abs(actual - expected) > Math.abs(worst.actual - worst.expected)) worst = { stage, expected, actual };
  }
  if (!worst) return 'no stage timings to explain it';
  const { stage, expected, actual } = worst;
  const direction = actual > expected ? 'slower' : 'faster';
  if (!changed.includes(stage)) {
    return `unchanged stage ${stage} ran ${direction} in the pipeline (${fmtMs(actual)} against ${fmtMs(expected)} before): what the change did around it: the garbage other stages leave is collected during whichever stage allocates next, its inputs come from a changed stage (other layout, other cache state), or its code was compiled differently`;
  }
  const alone = speedups.get(stage) ?? 1;
  const inside = (previous.inPipeline.get(stage) ?? actual) / actual;
  return `stage ${stage} sped up ${fmtX(inside)} inside the pipeline but ${fmtX(alone)} alone (${fmtMs(actual)} where ${fmtMs(expected)} was predicted): ${
    inside < alone ? 'alone it repeats on data warm in cache; in the pipeline the stages before it have evicted them' : 'in the pipeline it finds its inputs warm from the stage before it, or the change also helped the stages around it'
  }`;
}

type StageTimesOf = ReturnType<typeof stageTimes>;

function changeRow(
  configuration: ConfigurationSpec,
  cell: Cell | undefined,
  previous: { configuration: ConfigurationSpec; cell: Cell; times: StageTimesOf } | null,
  original: Cell | null,
  stageNames: readonly string[],
  settings: AnalysisSettings,
): PipelineChange {
  const measured = cell && cell.validation.status === 'valid' && cell.stats !== null && !cell.suspect ? cell : null;
  const times = measured ? stageTimes(measured, stageNames) : null;
  const total = measured?.stats?.medianNs ?? null;
  const covered = times ? [...times.inPipeline.values()].reduce((a, b) => a + b, 0) : 0;
  const otherNs = total !== null && times?.inPipeline.size ? Math.max(0, total - covered) : null;
  // Shares of the sum of what was timed (stages and the rest), so that they add up to 1.
  const denominator = total !== null ? covered + (otherNs ?? 0) : null;
  const stages: StageShare[] = stageNames.map((stage) => ({
    stage,
    implementation: configuration.stages[stage],
    nsPerCall: times?.inPipeline.get(stage) ?? NaN,
    share: denominator ? (times?.inPipeline.get(stage) ?? NaN) / denominator : NaN,
    aloneNsPerCall: times?.alone.get(stage) ?? null,
  }));
  const ratio = (base: Cell | null): RatioEstimate | null => (measured && base ? ratioOfRounds(roundMedians(base), roundMedians(measured), settings.confidence) : null);
  const speedup = previous ? ratio(previous.cell) : null;
  const cumulative = original && measured !== original ? ratio(original) : original && measured === original ? { ratio: 1, ciLow: 1, ciHigh: 1, ciLevel: settings.confidence } : null;
  const changed = previous ? changedStages(previous.configuration, configuration, stageNames) : [];

  let amdahl: number | null = null;
  let gapExplanation: string | undefined;
  if (previous && times && speedup) {
    const before = previous.times;
    const prevTotal = [...before.inPipeline.values()].reduce((a, b) => a + b, 0);
    const prevOther = Math.max(0, (previous.cell.stats?.medianNs ?? prevTotal) - prevTotal);
    const prevDenominator = prevTotal + prevOther;
    const shares = new Map([...before.inPipeline].map(([s, ns]) => [s, ns / prevDenominator]));
    const speedups = new Map<string, number>();
    let complete = before.inPipeline.size === stageNames.length;
    for (const stage of changed) {
      const a = before.alone.get(stage);
      const b = times.alone.get(stage);
      if (a === undefined || b === undefined || !(b > 0)) complete = false;
      else speedups.set(stage, a / b);
    }
    if (complete) {
      amdahl = amdahlPrediction(shares, prevOther / prevDenominator, speedups);
      if (Math.abs(speedup.ratio / amdahl - 1) > AMDAHL_GAP) gapExplanation = explainGap(stageNames, before, times, speedups, changed);
    }
  }
  const verdict: Verdict = !cell
    ? 'failed'
    : cell.validation.status !== 'valid'
      ? cell.validation.status === 'invalid'
        ? 'invalid'
        : 'failed'
      : cell.suspect
        ? 'suspect'
        : !previous
          ? 'baseline'
          : speedup
            ? speedupVerdict(speedup, settings.noiseThreshold)
            : 'unchanged';
  const problem = !cell ? 'not measured' : cell.validation.status !== 'valid' ? (cell.validation.message ?? cell.failure?.message ?? cell.validation.status) : cell.suspect;
  return {
    configuration: configuration.name,
    change: configuration.change,
    verdict,
    stats: measured?.stats ?? null,
    speedup,
    cumulative,
    changedStages: changed,
    amdahl,
    amdahlGap: amdahl !== null && speedup ? speedup.ratio / amdahl - 1 : null,
    ...(gapExplanation ? { gapExplanation } : {}),
    stages,
    otherNsPerCall: otherNs,
    ...(problem ? { problem } : {}),
  };
}

/** The study of one results file that holds a pipeline run; null for any other file. */
export function analyzePipeline(results: ResultsFile, settings: AnalysisSettings): PipelineStudy | null {
  const run: PipelineRun | undefined = results.pipeline;
  if (!run) return null;
  const cells = results.cells.filter((c) => c.kernel === run.name && c.size.name === run.size);
  const stageNames = run.stages.map((s) => s.name);
  const changes: PipelineChange[] = [];
  let previous: { configuration: ConfigurationSpec; cell: Cell; times: StageTimesOf } | null = null;
  let original: Cell | null = null;
  let last: Cell | null = null;
  for (const configuration of run.configurations) {
    const cell = cells.find((c) => c.variant === configuration.name);
    // A configuration not measured in this run (left out with --configuration) is not a row.
    if (!cell) continue;
    const row = changeRow(configuration, cell, previous, original, stageNames, settings);
    changes.push(row);
    if (row.stats && cell) {
      if (!original) original = cell;
      last = cell;
      // An invalid configuration is skipped over: the next change is measured against the last valid one.
      previous = { configuration, cell, times: stageTimes(cell, stageNames) };
    }
  }
  const overall = original && last && last !== original ? ratioOfRounds(roundMedians(original), roundMedians(last), settings.confidence) : null;
  return {
    pipeline: run.name,
    description: run.description,
    size: run.size,
    fingerprint: results.environment.fingerprint,
    stages: stageNames,
    changes,
    overall,
  };
}
