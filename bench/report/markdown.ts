// The Markdown report: what was measured, where, by which command; one ranked table per kernel and
// size; the validation figures behind every "valid".

import { changeTable, PIPELINE_LEGEND, sharesTable } from './pipeline-table.js';
import type { Analysis, Environment, ProfileRecord } from '../types.js';
import { HOTSPOT_LEGEND, hotspotTable, profileSubject } from './hotspots.js';
import { ceilingTable, crossTargetTable, environmentTable, formatNs, groupTable, hasDeviceTimes, methodNotes, rooflineTable, skippedLines, targetTable, validationTable, type TextTable } from './table.js';
import { REPORT_HOTSPOT_ROWS, ROOFLINE_LEGEND } from './terminal.js';
import { workersMethodNotes, workersSideBySide, workersTable } from './workers-table.js';

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
  const notes = [...(t.summary ?? []).flatMap((s) => [escapeMarkdown(s), '']), ...t.notes.map((n) => `> ${escapeMarkdown(n)}`)];
  const heading = level === null ? [] : [`${level} ${escapeMarkdown(t.title)}`, ''];
  return [...heading, header, rule, ...rows, ...(notes.length ? ['', ...notes] : [])].join('\n');
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
    markdownTable(environmentTable(analysis.environments), null),
    '',
    ...rooflineSection(analysis),
    ...pipelineSection(analysis),
    // A file of a scaling run alone ranks nothing: its tables are the scaling section's.
    ...(analysis.groups.length
      ? [
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
        ]
      : []),
    ...skippedLines(analysis.skipped).map((l) => `- ${escapeMarkdown(l)}`),
    '',
    ...sections,
    ...workersSection(analysis, multiMachine ? environments : null),
    ...profileSection(analysis.profiles ?? []),
    '## Validation',
    '',
    'Every variant is checked against the kernel\'s reference on the cell\'s input and on the kernel\'s edge cases before it is timed; an invalid or failed variant is never ranked.',
    '',
    markdownTable(validationTable(analysis.groups), null),
    '',
    '## Method',
    '',
    ...methodNotes(s, hasDeviceTimes(analysis.groups)).map((line) => `- ${line}`),
    ...(analysis.workers?.length ? workersMethodNotes().map((line) => `- ${escapeMarkdown(line)}`) : []),
    ...(analysis.rooflines.length ? [`- ${escapeMarkdown(ROOFLINE_LEGEND)}.`] : []),
    '',
  ].join('\n');
}

/** Each pipeline study: the per-change table, then where the time went. */
function pipelineSection(analysis: Analysis): string[] {
  if (!analysis.pipelines?.length) return [];
  return [
    '## Pipeline studies',
    '',
    ...analysis.pipelines.flatMap((study) => [escapeMarkdown(study.description), '', markdownTable(changeTable(study)), '', markdownTable(sharesTable(study)), '']),
    escapeMarkdown(PIPELINE_LEGEND),
    '',
  ];
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

/** Each scaling group: every variant at every p, then the backends side by side. */
function workersSection(analysis: Analysis, environments: ReadonlyMap<string, Environment> | null): string[] {
  if (!analysis.workers?.length) return [];
  return [
    '## Parallel scaling',
    '',
    'Each parallel variant at each number of workers p, measured in the same rounds as the serial variants of the run; see the method notes below.',
    '',
    ...analysis.workers.flatMap((g) => [markdownTable(workersTable(g, environments?.get(g.fingerprint))), '', markdownTable(workersSideBySide(g)), '']),
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
