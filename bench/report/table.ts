// The tables reports show (one per (machine, kernel, size) group, the machines, validation, cold
// starts, scaling), as rows of strings. Terminal, Markdown and HTML only lay them out; none decides anything.

import { variantId } from '../spec/define.js';
import type { AnalysisSettings, CellGroup, Environment, RankedVariant, SampleStats, ScalingFit } from '../types.js';

export interface TextTable {
  readonly title: string;
  readonly headers: readonly string[];
  /** 'r' for numbers, 'l' for text. */
  readonly align: readonly ('l' | 'r')[];
  readonly rows: readonly (readonly string[])[];
  /** Lines under the table: why a variant is invalid or failed. */
  readonly notes: readonly string[];
}

/** A duration with three significant digits and a unit that keeps it between 1 and 1000. */
export function formatNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '–';
  const units: [number, string][] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
  for (const [scale, unit] of units) {
    if (Math.abs(ns) >= scale || unit === 'ns') return `${(ns / scale).toPrecision(3)} ${unit}`;
  }
  return `${ns} ns`;
}

export function formatRatio(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** Half-width of the median's CI relative to the median: the precision of the number shown. */
function ciHalfWidth(stats: SampleStats): string {
  return `±${percent(Math.max(stats.ciHighNs - stats.medianNs, stats.medianNs - stats.ciLowNs), stats.medianNs)}`;
}

function outliers(stats: SampleStats): string {
  const { lowMild, lowSevere, highMild, highSevere } = stats.outliers;
  const total = lowMild + lowSevere + highMild + highSevere;
  const severe = lowSevere + highSevere;
  return total === 0 ? '0' : severe > 0 ? `${total} (${severe} severe)` : String(total);
}

function validationLabel(v: RankedVariant): string {
  const { validation } = v;
  if (validation.status === 'valid' && !v.failure) return `valid, ≤${validation.maxAbsError.toExponential(1)}`;
  return v.failure ? `${validation.status.toUpperCase()} (${v.failure.kind})` : validation.status.toUpperCase();
}

function row(v: RankedVariant): string[] {
  const s = v.stats;
  const speedup = v.speedup ? `${formatRatio(v.speedup.ratio)}x [${formatRatio(v.speedup.ciLow)}, ${formatRatio(v.speedup.ciHigh)}]` : '–';
  return [
    v.rank === null ? '–' : String(v.rank),
    variantId(v.variant, v.target),
    s ? formatNs(s.medianNs) : '–',
    s ? ciHalfWidth(s) : '–',
    v.nsPerElement === null ? '–' : v.nsPerElement.toPrecision(3),
    s ? percent(s.madNs, s.medianNs) : '–',
    s ? outliers(s) : '–',
    formatNs(v.setupNs),
    formatNs(v.coldStart?.totalNs),
    speedup,
    v.verdict,
    validationLabel(v),
  ];
}

export function sizeLabel(group: CellGroup): string {
  const params = Object.entries(group.size.params).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${group.size.name} (${params})`;
}

export function groupTable(group: CellGroup, environment?: Environment): TextTable {
  const machine = environment ? ` · ${environment.cpuModel} [${group.fingerprint}]` : '';
  const notes = group.variants
    .filter((v) => v.verdict === 'invalid' || v.verdict === 'failed' || v.error)
    .map((v) => `${variantId(v.variant, v.target)}: ${v.failure ? `${v.failure.kind} while ${v.failure.phase === 'validate' ? 'validated' : 'measured'}: ${v.failure.message}` : (v.validation.message ?? v.error ?? v.verdict)}`);
  if (group.baseline === null) notes.push('no valid baseline in this group: variants are ranked but no speedups are given');
  return {
    title: `${group.kernel} · ${sizeLabel(group)} · ${group.elements} values per call${machine}`,
    headers: ['#', 'variant', 'median/call', 'CI 95%', 'ns/value', 'MAD', 'outliers', 'setup', 'cold start', `speedup vs ${group.baseline ?? 'baseline'}`, 'verdict', 'validation'],
    align: ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    rows: group.variants.map(row),
    notes,
  };
}

/** The build a variant ran on, as targets are named everywhere: `js`, `wasm@simd`, `native@x86-64-v3`. */
export function buildLabel(v: Pick<RankedVariant, 'rung' | 'target'>): string {
  return v.target === 'js' ? 'js' : `${v.rung}@${v.target}`;
}

const BUILD_ORDER = ['js', 'scalar', 'simd', 'x86-64', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4'];

function buildRank(v: Pick<RankedVariant, 'target'>): number {
  const i = BUILD_ORDER.indexOf(v.target);
  return i < 0 ? BUILD_ORDER.length : i;
}

/**
 * Speedup per target: for each (kernel, size) group, the best ranked variant of each build and its
 * speedup over the baseline. One row per group, one column per build seen anywhere.
 */
export function targetTable(groups: readonly CellGroup[]): TextTable {
  const builds = new Map<string, number>();
  for (const g of groups) for (const v of g.variants) if (v.rank !== null) builds.set(buildLabel(v), buildRank(v));
  const columns = [...builds.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([label]) => label);
  const rows = groups.map((g) => {
    const cells = columns.map((label) => {
      // Variants are ranked fastest first, so the first of a build is its best.
      const best = g.variants.find((v) => v.rank !== null && buildLabel(v) === label);
      if (!best) return '–';
      return best.speedup ? `${formatRatio(best.speedup.ratio)}x ${best.variant}` : `rank ${best.rank} ${best.variant}`;
    });
    return [`${g.kernel} ${g.size.name}`, ...cells];
  });
  return {
    title: 'Best speedup over the baseline, per target',
    headers: ['kernel size', ...columns],
    align: ['l', ...columns.map(() => 'r' as const)],
    rows,
    notes: [],
  };
}

/** Lines naming the variants that could not run on a machine, with the reason. */
export function skippedLines(skipped: readonly { kernel: string; variant: string; target: string; reason: string }[]): string[] {
  return skipped.map((s) => `skipped ${s.kernel} ${variantId(s.variant, s.target)}: ${s.reason}`);
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** The machines the runs were measured on. */
export function environmentTable(environments: readonly Environment[]): TextTable {
  return {
    title: 'Machines',
    headers: ['machine', 'CPU', 'x86-64 level', 'cores', 'memory', 'OS', 'Node', 'load 1/5/15', 'commit', 'hotbench'],
    align: ['l', 'l', 'l', 'r', 'r', 'l', 'l', 'l', 'l', 'l'],
    rows: environments.map((e) => [
      e.fingerprint,
      e.cpuModel,
      e.x86Level ?? '–',
      String(e.cores),
      gib(e.memoryBytes),
      `${e.os.platform} ${e.os.release}`,
      `${e.node} (V8 ${e.v8})`,
      e.loadAverage.map((l) => l.toFixed(2)).join(' '),
      e.gitCommit?.slice(0, 10) ?? '–',
      e.harnessVersion,
    ]),
    notes: [],
  };
}

/** The validation figures behind every variant's status, in every group. */
export function validationTable(groups: readonly CellGroup[]): TextTable {
  return {
    title: 'Validation',
    headers: ['kernel', 'size', 'variant', 'status', 'cases', 'max abs error', 'max rel error', 'max ulp'],
    align: ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r'],
    rows: groups.flatMap((g) =>
      g.variants.map((v) => {
        const val = v.validation;
        return [g.kernel, g.size.name, variantId(v.variant, v.target), val.status, String(val.cases.length), val.maxAbsError.toExponential(2), val.maxRelError.toExponential(2), String(val.maxUlp)];
      }),
    ),
    notes: [],
  };
}

/**
 * Time to the first result in a fresh process, split into its parts, beside the steady-state setup
 * and call: what a program that calls the kernel once pays.
 */
export function coldStartTable(groups: readonly CellGroup[]): TextTable {
  const multiMachine = new Set(groups.map((g) => g.fingerprint)).size > 1;
  return {
    title: 'Cold start and setup',
    headers: ['kernel size', ...(multiMachine ? ['machine'] : []), 'variant', 'load', 'prepare', 'first call', 'cold total', 'setup (median)', 'median/call'],
    align: ['l', ...(multiMachine ? ['l' as const] : []), 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: groups.flatMap((g) =>
      g.variants
        .filter((v) => v.coldStart !== null || v.setupNs !== null)
        .map((v) => [
          `${g.kernel} ${g.size.name}`,
          ...(multiMachine ? [g.fingerprint] : []),
          variantId(v.variant, v.target),
          formatNs(v.coldStart?.loadNs),
          formatNs(v.coldStart?.prepareNs),
          formatNs(v.coldStart?.firstCallNs),
          formatNs(v.coldStart?.totalNs),
          formatNs(v.setupNs),
          formatNs(v.stats?.medianNs),
        ]),
    ),
    notes: [],
  };
}

/** The fitted exponent b of time ≈ a·n^b per variant, over the sizes it was measured at. */
export function scalingTable(fits: readonly ScalingFit[]): TextTable {
  const multiMachine = new Set(fits.map((f) => f.fingerprint)).size > 1;
  const single = [...new Set(fits.filter((f) => f.exponent === null).map((f) => f.kernel))];
  return {
    title: 'Fitted scaling: time per call ∝ n^b, n = values per call',
    headers: ['kernel', ...(multiMachine ? ['machine'] : []), 'variant', 'sizes', 'b', 'r²', 'fitted time per value'],
    align: ['l', ...(multiMachine ? ['l' as const] : []), 'l', 'l', 'r', 'r', 'r'],
    rows: fits.map((f) => [
      f.kernel,
      ...(multiMachine ? [f.fingerprint] : []),
      variantId(f.variant, f.target),
      f.points.map((p) => p.size).join(', '),
      f.exponent === null ? '–' : f.exponent.toFixed(2),
      f.r2 === null ? '–' : f.r2.toFixed(3),
      // a·n^b / n at the largest size: the per-value cost the fit gives where it matters most.
      f.exponent === null || f.coefficientNs === null ? '–' : `${formatNs(fittedNsPerValue(f))} at n=${f.points[f.points.length - 1].elements}`,
    ]),
    notes: single.map((k) => `${k}: measured at one size only: the fit needs at least 2 sizes`),
  };
}

function fittedNsPerValue(f: ScalingFit): number {
  const n = f.points[f.points.length - 1].elements;
  return (f.coefficientNs! * n ** f.exponent!) / n;
}

/** How the figures of a report were computed, one line each. */
export function methodNotes(s: AnalysisSettings): string[] {
  return [
    `median/call: median of all samples (ns per call) over all rounds; CI 95%: distribution-free confidence interval of the median (binomial order statistics), as ± of the median.`,
    `MAD: median absolute deviation as a share of the median; outliers: Tukey fences (mild beyond 1.5 IQR, severe beyond 3 IQR), counted, not removed.`,
    `setup: median time of the variant's prepare (untimed in the samples).`,
    `cold start: in a fresh process, loading the variant's module (compiling WebAssembly, loading a native binary) + its prepare + its first call on the cell's input, which is then validated.`,
    `speedup: median(baseline) / median(variant) with a ${s.confidence * 100}% hierarchical bootstrap CI (${s.bootstrapResamples} resamples of rounds, then samples within rounds). Verdict faster or slower only when the whole CI lies beyond ±${s.noiseThreshold * 100}%; otherwise unchanged.`,
    `Ratios measured in one run are comparable across machines; absolute times only on one machine.`,
  ];
}
