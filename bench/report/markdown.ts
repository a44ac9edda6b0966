// The Markdown report: what was measured, where, by which command; one ranked table per kernel and
// size; the validation figures behind every "valid".

import { variantId } from '../spec/define.js';
import type { Analysis, Environment, ProfileRecord } from '../types.js';
import { HOTSPOT_LEGEND, hotspotTable, profileSubject } from './hotspots.js';
import { ceilingTable, crossTargetTable, formatNs, groupTable, rooflineTable, skippedLines, targetTable, type TextTable } from './table.js';
import { REPORT_HOTSPOT_ROWS, ROOFLINE_LEGEND } from './terminal.js';

/** Text from kernels and variants (users' strings) must not break out of a table cell or inject HTML. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** The table in Markdown, under a heading of `level` (or none: the section heading names it). */
export function markdownTable(t: TextTable, level: string | null = '###'): string {
  const header = `| ${t.headers.map(escapeMarkdown).join(' | ')} |`;
  const rule = `| ${t.align.map((a) => (a === 'r' ? '---:' : ':---')).join(' | ')} |`;
  const rows = t.rows.map((r) => `| ${r.map(escapeMarkdown).join(' | ')} |`);
  const notes = t.notes.map((n) => `> ${escapeMarkdown(n)}`);
  const heading = level === null ? [] : [`${level} ${escapeMarkdown(t.title)}`, ''];
  return [...heading, header, rule, ...rows, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function environmentTable(environments: readonly Environment[]): string {
  const rows = environments.map((e) =>
    [
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
    ].map(escapeMarkdown),
  );
  return [
    '| machine | CPU | x86-64 level | cores | memory | OS | Node | load 1/5/15 | commit | hotbench |',
    '| --- | --- | --- | ---: | ---: | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function validationDetails(analysis: Analysis): string {
  const lines = ['| kernel | size | variant | status | cases | max abs error | max rel error | max ulp |', '| --- | --- | --- | --- | ---: | ---: | ---: | ---: |'];
  for (const g of analysis.groups) {
    for (const v of g.variants) {
      const val = v.validation;
      const cells = [g.kernel, g.size.name, variantId(v.variant, v.target), val.status, String(val.cases.length), val.maxAbsError.toExponential(2), val.maxRelError.toExponential(2), String(val.maxUlp)];
      lines.push(`| ${cells.map(escapeMarkdown).join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

export function renderMarkdown(analysis: Analysis): string {
  const environments = new Map(analysis.environments.map((e) => [e.fingerprint, e]));
  const multiMachine = analysis.environments.length > 1;
  const s = analysis.settings;
  const runs = analysis.runs.map((r) => {
    const m = r.settings;
    return `- \`${escapeMarkdown(r.source)}\` (${r.createdAt}, machine ${r.fingerprint}): \`${escapeMarkdown(r.command.join(' '))}\` — ${m.rounds} rounds per variant, each a fresh process; ${m.timeMs} ms of samples and ${m.warmupMs} ms warm-up per round; samples of at least ${formatNs(m.minSampleNs)}; seed ${m.seed}`;
  });
  const kernels = [...new Set(analysis.groups.map((g) => g.kernel))];
  const rooflines = new Map(analysis.rooflines.map((r) => [r.fingerprint, r]));
  const sections = kernels.map((k) => {
    const groups = analysis.groups.filter((g) => g.kernel === k);
    const tables = groups.map((g) => {
      const roof = rooflineTable(g, rooflines.get(g.fingerprint));
      return [groupTable(g, multiMachine ? environments.get(g.fingerprint) : undefined), ...(roof ? [roof] : [])].map((t) => markdownTable(t) + '\n').join('\n');
    });
    return [`## ${escapeMarkdown(k)}`, '', ...tables].join('\n');
  });
  return [
    '# hotbench report',
    '',
    '## Runs',
    '',
    ...runs,
    '',
    '## Machines',
    '',
    environmentTable(analysis.environments),
    '',
    ...rooflineSection(analysis),
    '## Speedup per target',
    '',
    'The best ranked variant of each build (TypeScript, each WebAssembly build, each native CPU level) and its speedup over the baseline.',
    '',
    markdownTable(targetTable(analysis.groups), null),
    '',
    '## Speedup per machine and build',
    '',
    "Every variant on every machine and build: its speedup over that machine's own baseline, measured in the same run (ratios compare across machines; absolute times do not). Columns are grouped by machine (short CPU name and fingerprint); '–' where the variant was not in that machine's run, 'skipped' where the machine cannot run the build.",
    '',
    markdownTable(crossTargetTable(analysis), null),
    '',
    ...skippedLines(analysis.skipped).map((l) => `- ${escapeMarkdown(l)}`),
    '',
    ...sections,
    ...profileSection(analysis.profiles ?? []),
    '## Validation',
    '',
    'Every variant is checked against the kernel\'s reference on the cell\'s input and on the kernel\'s edge cases before it is timed; an invalid or failed variant is never ranked.',
    '',
    validationDetails(analysis),
    '',
    '## Method',
    '',
    `- median/call: median of all samples (ns per call) over all rounds; CI 95%: distribution-free confidence interval of the median (binomial order statistics), as ± of the median.`,
    `- MAD: median absolute deviation as a share of the median; outliers: Tukey fences (mild beyond 1.5 IQR, severe beyond 3 IQR), counted, not removed.`,
    `- setup: median time of the variant's prepare (untimed in the samples).`,
    `- cold start: in a fresh process, loading the variant's module (compiling WebAssembly, loading a native binary) + its prepare + its first call on the cell's input, which is then validated.`,
    `- speedup: median(baseline) / median(variant) with a ${s.confidence * 100}% hierarchical bootstrap CI (${s.bootstrapResamples} resamples of rounds, then samples within rounds). Verdict faster or slower only when the whole CI lies beyond ±${s.noiseThreshold * 100}%; otherwise unchanged.`,
    `- Ratios measured in one run are comparable across machines; absolute times only on one machine.`,
    ...(analysis.rooflines.length ? [`- ${escapeMarkdown(ROOFLINE_LEGEND)}.`] : []),
    '',
  ].join('\n');
}

/** Each machine's roofline, as hotbench roofline measured it: per native build, then the roof. */
function rooflineSection(analysis: Analysis): string[] {
  if (analysis.rooflines.length === 0) return [];
  return [
    '## Rooflines',
    '',
    'Measured by `hotbench roofline` on one core (the kernels are single-threaded): peak from independent FMA (or multiply + add) chains in each build\'s widest vectors, bandwidth from a STREAM-like triad and a store-only loop over arrays far larger than the last-level cache. A machine\'s roof is its best build\'s peak and triad bandwidth.',
    '',
    ...analysis.rooflines.map((r) => `${markdownTable(ceilingTable(r))}\n`),
  ];
}

function profileSection(profiles: readonly ProfileRecord[]): string[] {
  if (profiles.length === 0) return [];
  return [
    '## Profiles',
    '',
    ...profiles.map((p) => `${markdownTable(hotspotTable(p, REPORT_HOTSPOT_ROWS))}\n\nFiles in \`${escapeMarkdown(p.folder)}\`: ${p.artifacts.map((a) => `\`${escapeMarkdown(a)}\``).join(', ')}.\n`),
    HOTSPOT_LEGEND,
    '',
  ];
}

/** A profile folder's hotspots.md: what ran, how, the files, and the whole table. */
export function renderProfileMarkdown(record: ProfileRecord, top: number): string {
  const t = record.table;
  const driver = record.driver
    ? [`- driver: ${record.driver.calls} calls in ${formatNs(record.driver.runMs * 1e6)} (setup ${formatNs(record.driver.setupMs * 1e6)})`]
    : [];
  return [
    `# Profile of ${escapeMarkdown(profileSubject(record))}`,
    '',
    `- command: \`${escapeMarkdown(record.command.join(' '))}\` (${record.createdAt})`,
    `- tool: ${record.tool}; ${t.samples} samples over ${formatNs(t.sampledMs * 1e6)}, from \`${escapeMarkdown(record.tableSource)}\`${record.tableSource.endsWith('.cpuprofile') ? ' (V8 CPU profiler, timed samples)' : ' (V8 tick profiler; a tick counts as 1 ms)'}`,
    ...driver,
    `- files: ${record.artifacts.map((a) => `\`${escapeMarkdown(a)}\``).join(', ')}`,
    '',
    markdownTable({ ...hotspotTable(record, top), title: 'Hotspots by self time' }, '##'),
    '',
    HOTSPOT_LEGEND,
    '',
  ].join('\n');
}
