// The table every text report shows for one (machine, kernel, size) group, as rows of strings.
// Terminal and Markdown only lay it out differently; neither decides anything.

import { variantId } from '../spec/define.js';
import type { CellGroup, Environment, MachineRoofline, RankedVariant, SampleStats } from '../types.js';

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

/** A rate (GFLOP/s, GB/s, flop/byte) with three significant digits, without an exponent. */
export function formatRate(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return x >= 100 ? x.toFixed(0) : x >= 0.001 ? x.toPrecision(3) : x.toExponential(1);
}

/** The roof in one line: the machine's best peak and triad bandwidth, and the ridge between them. */
export function roofLine(roofline: MachineRoofline): string {
  return `one core: peak ${formatRate(roofline.peakGflops)} GFLOP/s, bandwidth ${formatRate(roofline.bandwidthGBps)} GB/s, ridge ${formatRate(roofline.peakGflops / roofline.bandwidthGBps)} flop/byte`;
}

/**
 * Each measured variant of a group against its machine's roofline: achieved GFLOP/s and GB/s (from
 * the kernel's work model and the median), intensity, the attainable GFLOP/s there and the share of
 * it reached. Null when the group has no roofline positions (no roofline, or no flops counted).
 */
export function rooflineTable(group: CellGroup, roofline: MachineRoofline | undefined): TextTable | null {
  const placed = group.variants.filter((v) => v.roof !== null);
  if (!roofline || placed.length === 0) return null;
  return {
    title: `${group.kernel} · ${group.size.name} · roofline (${roofLine(roofline)})`,
    headers: ['variant', 'GFLOP/s', 'GB/s', 'flop/byte', 'attainable GFLOP/s', '% of roof', 'bound'],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: placed.map((v) => [
      variantId(v.variant, v.target),
      formatRate(v.gflops),
      formatRate(v.gbytesPerSecond),
      formatRate(v.roof!.intensity),
      formatRate(v.roof!.attainableGflops),
      `${v.roof!.percentOfRoof.toFixed(1)}%`,
      v.roof!.bound,
    ]),
    notes: [],
  };
}

/** What `hotbench roofline` measured: one row per native build, the machine's roof under it. */
export function ceilingTable(roofline: MachineRoofline): TextTable {
  return {
    title: `Roofline of machine ${roofline.fingerprint}, one core (measured ${roofline.measuredAt}; arrays of ${formatRate(roofline.arrayBytes / 2 ** 20)} MiB)`,
    headers: ['build', 'peak GFLOP/s', 'triad GB/s', 'store GB/s', 'peak probe'],
    align: ['l', 'r', 'r', 'r', 'l'],
    rows: roofline.ceilings.map((c) => [
      `native@${c.target}`,
      formatRate(c.peakGflops),
      formatRate(c.triadGBps),
      formatRate(c.storeGBps),
      `${c.chains} chains of ${c.vectorBits}-bit ${c.fma ? 'FMA' : 'multiply + add'}`,
    ]),
    notes: roofline.skipped.map((s) => `native@${s.target} skipped: ${s.reason}`),
  };
}
