// The Markdown report: what was measured, where, by which command; one ranked table per kernel and
// size; the validation figures behind every "valid".

import { variantId } from '../spec/define.js';
import type { Analysis, Environment } from '../types.js';
import { formatNs, groupTable, type TextTable } from './table.js';

/** Text from kernels and variants (users' strings) must not break out of a table cell or inject HTML. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** A text table as a Markdown section: heading, table, notes as a quote. */
export function markdownTable(t: TextTable, level = '###'): string {
  const header = `| ${t.headers.map(escapeMarkdown).join(' | ')} |`;
  const rule = `| ${t.align.map((a) => (a === 'r' ? '---:' : ':---')).join(' | ')} |`;
  const rows = t.rows.map((r) => `| ${r.map(escapeMarkdown).join(' | ')} |`);
  const notes = t.notes.map((n) => `> ${escapeMarkdown(n)}`);
  return [`${level} ${escapeMarkdown(t.title)}`, '', header, rule, ...rows, ...(notes.length ? ['', ...notes] : [])].join('\n');
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
  const sections = kernels.map((k) => {
    const groups = analysis.groups.filter((g) => g.kernel === k);
    return [`## ${escapeMarkdown(k)}`, '', ...groups.map((g) => markdownTable(groupTable(g, multiMachine ? environments.get(g.fingerprint) : undefined)) + '\n')].join('\n');
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
    ...sections,
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
    `- speedup: median(baseline) / median(variant) with a ${s.confidence * 100}% hierarchical bootstrap CI (${s.bootstrapResamples} resamples of rounds, then samples within rounds). Verdict faster or slower only when the whole CI lies beyond ±${s.noiseThreshold * 100}%; otherwise unchanged.`,
    `- Ratios measured in one run are comparable across machines; absolute times only on one machine.`,
    '',
  ].join('\n');
}
