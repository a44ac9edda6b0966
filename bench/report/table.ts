// The tables reports show (one per (machine, kernel, size) group, the machines, validation, cold
// starts, scaling, rooflines, the table across machines and builds), as rows of strings. Terminal,
// Markdown and HTML only lay them out; none decides anything.

import { variantId } from '../spec/define.js';
import type { Analysis, AnalysisSettings, CellGroup, Environment, MachineRoofline, RankedVariant, SampleStats, ScalingFit } from '../types.js';

export interface TextTable {
  readonly title: string;
  readonly headers: readonly string[];
  /** 'r' for numbers, 'l' for text. */
  readonly align: readonly ('l' | 'r')[];
  readonly rows: readonly (readonly string[])[];
  /** Lines under the table: why a variant is invalid or failed. */
  readonly notes: readonly string[];
  /** Findings under the table, before the notes (the ladder against its peers). */
  readonly summary?: readonly string[];
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

/** The CI column's header: with the level the group's intervals reach, when they all reach the same. */
function ciHeader(group: CellGroup): string {
  const levels = new Set(group.variants.flatMap((v) => (v.stats && v.stats.ciLevel > 0 ? [v.stats.ciLevel] : [])));
  return levels.size === 1 ? `CI ${+([...levels][0] * 100).toFixed(2)}%` : 'CI';
}

/** Half-width of the median's CI relative to the median: the precision of the number shown. */
function ciHalfWidth(stats: SampleStats): string {
  // One round: no spread between processes to learn from, so no interval.
  if (!(stats.ciLevel > 0)) return '1 round';
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
  if (!v.failure) return validation.status.toUpperCase();
  return `${validation.status.toUpperCase()} (${v.failure.kind}${v.failure.round ? `, round ${v.failure.round}` : ''})`;
}

function row(v: RankedVariant, withDevice: boolean): string[] {
  const s = v.stats;
  const speedup = v.speedup ? `${formatRatio(v.speedup.ratio)}x [${formatRatio(v.speedup.ciLow)}, ${formatRatio(v.speedup.ciHigh)}]` : '–';
  return [
    v.rank === null ? '–' : String(v.rank),
    variantId(v.variant, v.target),
    s ? formatNs(s.medianNs) : '–',
    s ? ciHalfWidth(s) : '–',
    ...(withDevice ? [formatNs(v.deviceNsPerCall)] : []),
    v.nsPerElement === null ? '–' : v.nsPerElement.toPrecision(3),
    s ? percent(s.madNs, s.medianNs) : '–',
    s ? outliers(s) : '–',
    formatNs(v.setupNs),
    formatNs(v.coldStart?.totalNs),
    speedup,
    v.verdict === 'suspect' ? 'SUSPECT' : v.verdict,
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
  // A result that cannot be true: shown, with why, and not ranked.
  for (const v of group.variants) if (v.suspect) notes.push(`${variantId(v.variant, v.target)}: SUSPECT, not ranked: ${v.suspect}`);
  // With one per-call input there is nothing to rotate: a remembered answer would pass.
  if (group.variants.some((v) => v.validation.cases.some((c) => c.inputs === 1))) {
    notes.push(`kernel ${group.kernel} gives the same per-call input for every seed: an answer remembered between calls cannot be caught (give it a perCall, or make generate use its seed)`);
  }
  if (group.baseline === null) notes.push('no valid baseline in this group: variants are ranked but no speedups are given');
  // The device-only column exists only in groups where a variant (a GPU rung) recorded one.
  const withDevice = hasDeviceTimes([group]);
  const peers = peersLine(group);
  return {
    title: `${group.kernel} · ${sizeLabel(group)} · ${group.elements} values per call${machine}`,
    headers: ['#', 'variant', 'median/call', ciHeader(group), ...(withDevice ? ['device-only'] : []), 'ns/value', 'MAD', 'outliers', 'setup', 'cold start', `speedup vs ${group.baseline ?? 'baseline'}`, 'verdict', 'validation'],
    align: ['r', 'l', 'r', 'r', ...(withDevice ? ['r' as const] : []), 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    rows: group.variants.map((v) => row(v, withDevice)),
    notes,
    ...(peers ? { summary: [peers] } : {}),
  };
}

/** The cell's line "best hotbench rung against the best peer", as analysis decided it; null without one. */
export function peersLine(group: CellGroup): string | null {
  const p = group.peers;
  if (!p) return null;
  const { ratio, ciLow, ciHigh, ciLevel } = p.ratio;
  const interval = ciLevel > 0 ? ` [${formatRatio(ciLow)}, ${formatRatio(ciHigh)}] (${+(ciLevel * 100).toFixed(2)}% CI over rounds)` : ' (one round: no interval)';
  const who = p.verdict === 'faster' ? 'hotbench faster' : p.verdict === 'slower' ? 'the peer faster' : 'no difference beyond the noise';
  return `best hotbench rung against the best peer: ${p.best} vs ${p.bestPeer}: ${formatRatio(ratio)}x${interval}, peer time / hotbench time, ${who}`;
}

/** True when a variant of these groups recorded a device-only time (a GPU rung). */
export function hasDeviceTimes(groups: readonly CellGroup[]): boolean {
  return groups.some((g) => g.variants.some((v) => typeof v.deviceNsPerCall === 'number'));
}

/** The build a variant ran on, as targets are named everywhere: `js`, `wasm@simd`, `native@x86-64-v3`. */
export function buildLabel(v: Pick<RankedVariant, 'rung' | 'target'>): string {
  return v.target === 'js' ? 'js' : `${v.rung}@${v.target}`;
}

const BUILD_ORDER = ['js', 'scalar', 'simd', 'x86-64', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4', 'cuda'];

function buildRank(v: Pick<RankedVariant, 'target'>): number {
  const i = BUILD_ORDER.indexOf(v.target);
  return i < 0 ? BUILD_ORDER.length : i;
}

/**
 * Speedup per target: for each (kernel, size) group, the best ranked variant of each build and its
 * speedup over the baseline. One row per group (and machine, when there are several), one column
 * per build seen anywhere.
 */
export function targetTable(groups: readonly CellGroup[]): TextTable {
  const machines = new Set(groups.map((g) => g.fingerprint)).size > 1;
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
    return [`${g.kernel} ${g.size.name}${machines ? ` [${shortFingerprint(g.fingerprint)}]` : ''}`, ...cells];
  });
  return {
    title: 'Best speedup over the baseline, per target',
    headers: ['kernel size', ...columns],
    align: ['l', ...columns.map(() => 'r' as const)],
    rows,
    notes: [],
  };
}

/** Enough of a fingerprint to tell machines apart in a column header. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 8);
}

/** A CPU model without its trademarks, clock and core count: `AMD EPYC 7763`, `Intel Xeon Platinum 8370C`. */
export function shortCpuName(model: string): string {
  return model
    .replace(/\((R|TM|tm)\)/g, '')
    .replace(/@.*$/, '')
    .replace(/\b\d+-Core\b|\bProcessor\b|\bCPU\b/g, '')
    .replace(/\s+/g, ' ')
    .trim() || model;
}

/** A machine as a column header names it: its short CPU name and fingerprint. */
export function machineLabel(environment: Pick<Environment, 'cpuModel' | 'fingerprint'>): string {
  return `${shortCpuName(environment.cpuModel)} ${shortFingerprint(environment.fingerprint)}`;
}

/** The ladder's order, for rows; other rungs follow by name. */
const RUNG_ORDER = ['naive', 'precomputed', 'unrolled', 'wasm', 'native', 'gpu'];

function rungRank(rung: string): number {
  const i = RUNG_ORDER.indexOf(rung);
  return i < 0 ? RUNG_ORDER.length : i;
}

/**
 * One table across machines and builds: a row per kernel · size · variant (the variant's name, its
 * builds in the columns), a column per machine × build, machines in the order of the files given.
 * With one machine the title names it and the columns are its builds alone. A cell is the
 * speedup over that machine's own baseline, measured in the same run (ratios are
 * comparable across machines, absolute times are not); `skipped` where the machine listed the build
 * as one it cannot run (such a build gets a column when another machine ran it), `invalid` /
 * `failed` as analysis decided, '–' where it was not in the run.
 */
export function crossTargetTable(analysis: Pick<Analysis, 'groups' | 'environments' | 'skipped'>): TextTable {
  const { groups, environments, skipped } = analysis;
  const machines = environments.map((e) => e.fingerprint);
  const columns: { fingerprint: string; build: string; target: string; order: number }[] = [];
  const rows: { kernel: string; size: string; variant: string; rung: string }[] = [];
  const rowKey = (kernel: string, size: string, variant: string) => JSON.stringify([kernel, size, variant]);
  const seenRows = new Set<string>();
  const kernels: string[] = [];
  const sizes: string[] = [];
  for (const g of groups) {
    if (!kernels.includes(g.kernel)) kernels.push(g.kernel);
    if (!sizes.includes(g.size.name)) sizes.push(g.size.name);
    for (const v of g.variants) {
      const build = buildLabel(v);
      if (!columns.some((c) => c.fingerprint === g.fingerprint && c.build === build)) columns.push({ fingerprint: g.fingerprint, build, target: v.target, order: buildRank(v) });
      const key = rowKey(g.kernel, g.size.name, v.variant);
      if (seenRows.has(key)) continue;
      seenRows.add(key);
      rows.push({ kernel: g.kernel, size: g.size.name, variant: v.variant, rung: v.rung });
    }
  }
  // A build a machine cannot run gets a column of its own when another machine ran it: the table then
  // says `skipped` beside the other machine's number.
  for (const s of skipped) {
    const elsewhere = groups.flatMap((g) => (g.kernel === s.kernel && g.fingerprint !== s.fingerprint ? g.variants : [])).find((v) => v.variant === s.variant && v.target === s.target);
    if (!elsewhere) continue;
    const build = buildLabel(elsewhere);
    if (!columns.some((c) => c.fingerprint === s.fingerprint && c.build === build)) columns.push({ fingerprint: s.fingerprint, build, target: s.target, order: buildRank(elsewhere) });
  }
  columns.sort((a, b) => machines.indexOf(a.fingerprint) - machines.indexOf(b.fingerprint) || a.order - b.order || a.build.localeCompare(b.build));
  rows.sort((a, b) => kernels.indexOf(a.kernel) - kernels.indexOf(b.kernel) || sizes.indexOf(a.size) - sizes.indexOf(b.size) || rungRank(a.rung) - rungRank(b.rung) || a.variant.localeCompare(b.variant));
  const byGroup = new Map(groups.map((g) => [JSON.stringify([g.fingerprint, g.kernel, g.size.name]), g]));
  let timesShown = false;
  const cell = (row: (typeof rows)[number], column: (typeof columns)[number]): string => {
    const group = byGroup.get(JSON.stringify([column.fingerprint, row.kernel, row.size]));
    const v = group?.variants.find((x) => x.variant === row.variant && buildLabel(x) === column.build);
    if (!v) {
      const wasSkipped = skipped.some((s) => s.fingerprint === column.fingerprint && s.kernel === row.kernel && s.variant === row.variant && s.target === column.target);
      return wasSkipped ? 'skipped' : '–';
    }
    if (v.verdict === 'invalid' || v.verdict === 'failed' || v.verdict === 'suspect') return v.verdict;
    if (v.speedup) return `${formatRatio(v.speedup.ratio)}x`;
    timesShown = true;
    return `(${formatNs(v.stats?.medianNs)})`;
  };
  const environment = new Map(environments.map((e) => [e.fingerprint, e]));
  const machine = (fingerprint: string) => {
    const e = environment.get(fingerprint);
    return e ? machineLabel(e) : shortFingerprint(fingerprint);
  };
  // One machine: the title names it and the columns are its builds, so the table stays narrow.
  const header = (c: (typeof columns)[number]) => (machines.length > 1 ? `${machine(c.fingerprint)} ${c.build}` : c.build);
  const body = rows.map((r) => [r.kernel, r.size, r.variant, ...columns.map((c) => cell(r, c))]);
  const where = machines.length === 1 ? `on ${machine(machines[0])}` : `${machines.length} machines`;
  return {
    title: `Speedup over each machine's own baseline, per machine and build (baseline/variant round by round, median over rounds, ${where})`,
    headers: ['kernel', 'size', 'variant', ...columns.map(header)],
    align: ['l', 'l', 'l', ...columns.map(() => 'r' as const)],
    rows: body,
    notes: timesShown ? ['(time): no valid baseline on that machine for that kernel and size, so the median time per call is shown instead of a speedup'] : [],
  };
}

/** Lines naming the variants that could not run on a machine, with the reason. */
export function skippedLines(skipped: readonly { kernel: string; variant: string; target: string; size?: string; reason: string }[]): string[] {
  return skipped.map((s) => `skipped ${s.kernel}${s.size ? `/${s.size}` : ''} ${variantId(s.variant, s.target)}: ${s.reason}`);
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
    headers: ['kernel', 'size', 'variant', 'status', 'cases', 'calls', 'max abs error', 'max rel error', 'max ulp'],
    align: ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
    rows: groups.flatMap((g) =>
      g.variants.map((v) => {
        const val = v.validation;
        // Calls made on all cases together (four per case: A, B, A, A's object holding B's values); older files did not count them.
        const calls = val.cases.every((c) => c.calls !== undefined) ? String(val.cases.reduce((n, c) => n + c.calls!, 0)) : '–';
        return [g.kernel, g.size.name, variantId(v.variant, v.target), val.status, String(val.cases.length), calls, val.maxAbsError.toExponential(2), val.maxRelError.toExponential(2), String(val.maxUlp)];
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

/** How the figures of a report were computed, one line each (device-only: when a group shows it). */
export function methodNotes(s: AnalysisSettings, withDevice = false): string[] {
  return [
    `median/call: the median over rounds of each round's (child process's) median ns per call; CI: distribution-free interval of that median from the rounds' order statistics (the rounds are the independent units), as ± of the median, at ${s.confidence * 100}% from 6 rounds, 93.75% (min to max) with 5, none with one round.`,
    `MAD: median absolute deviation as a share of the median; outliers: Tukey fences (mild beyond 1.5 IQR, severe beyond 3 IQR), counted, not removed.`,
    ...(withDevice
      ? [`device-only: a GPU rung's time in its kernels per call (CUDA events), the median over rounds; median/call is the whole call: the per-call inputs uploaded, the kernels, the output copied back to host memory.`]
      : []),
    `setup: median time of the variant's prepare (untimed in the samples).`,
    `cold start: in a fresh process, loading the variant's module (compiling WebAssembly, loading a native binary) + its prepare + its first call on the cell's input, which is then validated.`,
    `speedup: round by round, the baseline's median over the variant's in the same round; shown is the median of those ratios with its distribution-free interval (order statistics; ${s.confidence * 100}% from 6 rounds, 93.75% with 5). Verdict faster or slower only when the whole CI lies beyond ±${s.noiseThreshold * 100}%; otherwise unchanged (also with one round: no interval). suspect: a result that cannot be true (faster than the machine's memory bandwidth allows for data larger than its last-level cache, or within the noise of an empty call), shown, never ranked.`,
    `Ratios measured in one run are comparable across machines; absolute times only on one machine.`,
  ];
}
