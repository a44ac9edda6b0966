// A pipeline study as text tables, for every report format: the per-change table (time per call,
// speedup over the configuration before and cumulative, each with its interval, Amdahl's
// prediction beside the measured speedup) and where the time went (each stage's share in each
// configuration). Built from the analysis alone; the verdicts are analysis's.

import type { PipelineChange, PipelineStudy, RatioEstimate } from '../types.js';
import { formatNs, formatRatio, type TextTable } from './table.js';

const ratioWithCi = (r: RatioEstimate | null): string => (r ? `${formatRatio(r.ratio)}x [${formatRatio(r.ciLow)}, ${formatRatio(r.ciHigh)}]` : '–');

function timeWithCi(change: PipelineChange): string {
  const s = change.stats;
  return s ? `${formatNs(s.medianNs)} [${formatNs(s.ciLowNs)}, ${formatNs(s.ciHighNs)}]` : '–';
}

export function pipelineTitle(study: PipelineStudy): string {
  return `pipeline ${study.pipeline} (${study.size}) — per change`;
}

export function changeTable(study: PipelineStudy): TextTable {
  // study.overall: the last measured configuration over the first (the original, unless --configuration left it out).
  const measured = study.changes.filter((c) => c.stats !== null);
  const rows = study.changes.map((c) => [
    c.configuration,
    c.change,
    timeWithCi(c),
    ratioWithCi(c.speedup),
    c.amdahl !== null ? `${formatRatio(c.amdahl)}x` : '–',
    c.amdahlGap !== null ? `${c.amdahlGap >= 0 ? '+' : ''}${(100 * c.amdahlGap).toFixed(0)}%` : '–',
    ratioWithCi(c.cumulative),
    c.verdict,
  ]);
  const notes = study.changes.flatMap((c) => [
    ...(c.problem ? [`${c.configuration}: ${c.verdict}, not ranked: ${c.problem}`] : []),
    ...(c.gapExplanation ? [`${c.configuration}: measured ${c.amdahlGap! > 0 ? 'above' : 'below'} Amdahl by ${(100 * Math.abs(c.amdahlGap!)).toFixed(0)}%: ${c.gapExplanation}`] : []),
  ]);
  return {
    title: pipelineTitle(study),
    headers: ['configuration', 'change', 'time/call [CI]', 'speedup [CI]', 'Amdahl', 'gap', 'cumulative [CI]', 'verdict'],
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows,
    notes: [...notes, ...(study.overall ? [`end to end: ${measured.at(-1)!.configuration} is ${ratioWithCi(study.overall)} faster than ${measured[0].configuration}`] : [])],
  };
}

/** Each stage's share of each configuration's time, with the stage's time inside the pipeline. */
export function sharesTable(study: PipelineStudy): TextTable {
  const percent = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
  return {
    title: `pipeline ${study.pipeline} (${study.size}) — where the time went`,
    headers: ['configuration', ...study.stages, 'other'],
    align: ['l', ...study.stages.map(() => 'r' as const), 'r'],
    rows: study.changes.map((c) => {
      const total = c.stages.reduce((a, s) => a + (Number.isFinite(s.nsPerCall) ? s.nsPerCall : 0), 0) + (c.otherNsPerCall ?? 0);
      return [
        c.configuration,
        ...c.stages.map((s) => (Number.isFinite(s.nsPerCall) ? `${percent(s.share)} ${formatNs(s.nsPerCall)} (${s.implementation})` : '–')),
        c.otherNsPerCall !== null && total > 0 ? `${percent(c.otherNsPerCall / total)}` : '–',
      ];
    }),
    notes: [],
  };
}

export const PIPELINE_LEGEND =
  'pipeline: time/call = median over rounds (each a fresh process, configurations interleaved) [its interval]; speedup = the configuration before over this one, round by round; cumulative = the original over this one; Amdahl = 1/(f_other + Σ f_s/k_s) from the previous configuration\'s stage shares f_s and each changed stage\'s own speedup k_s (its time alone, repeated on warm data after the timed calls, before over after); gap = measured/Amdahl - 1; shares: each stage timed inside the timed calls (two clock readings per stage), median over rounds; other = what no stage covers';
