// Layouts of a comparison (hotbench compare) and of a gate verdict (its Markdown summary). They only
// lay out what analysis decided: the verdicts and `passed` come from bench/analysis/compare.ts.

import { comparedId } from '../analysis/compare.js';
import type { CellComparison, Comparison, GateVerdict, RatioEstimate } from '../types.js';
import { COMPARE_VERDICTS } from '../types.js';
import { escapeMarkdown, markdownTable } from './markdown.js';
import { renderJson, type TextFormat } from './render.js';
import { formatNs, type TextTable } from './table.js';
import { layoutTable } from './terminal.js';

/** A time ratio as a signed change: 1.042 → +4.2%. */
export function formatChange(ratio: number): string {
  const change = (ratio - 1) * 100;
  const digits = Math.abs(change) >= 100 ? 0 : 1;
  return `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(digits)}%`;
}

function formatRatio(r: RatioEstimate | null): string {
  if (!r) return '–';
  return `${formatChange(r.ratio)} [${formatChange(r.ciLow)}, ${formatChange(r.ciHigh)}]`;
}

function formatP(p: number | null): string {
  if (p === null) return '–';
  return p < 0.001 ? p.toExponential(1) : p.toPrecision(2);
}

function row(c: CellComparison): string[] {
  return [
    c.kernel,
    c.size.name,
    comparedId(c),
    formatNs(c.base?.medianNs),
    formatNs(c.head?.medianNs),
    formatRatio(c.ratio),
    formatP(c.pValue),
    `${c.base?.rounds ?? 0}/${c.head?.rounds ?? 0}`,
    `${+(c.threshold * 100).toFixed(2)}%`,
    c.verdict === 'slower' || c.verdict === 'invalid' || c.verdict === 'suspect' ? c.verdict.toUpperCase() : c.verdict,
  ];
}

export function comparisonTable(comparison: Comparison): TextTable {
  const { settings } = comparison;
  return {
    title: `head vs base — ${comparison.basisReason}`,
    headers: ['kernel', 'size', 'variant', 'base median', 'head median', `head/base (${settings.confidence * 100}% CI)`, 'p', 'rounds b/h', 'threshold', 'verdict'],
    align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows: comparison.cells.map(row),
    notes: comparison.cells.filter((c) => c.verdict !== 'unchanged').map((c) => `${c.kernel}/${c.size.name} ${comparedId(c)}: ${c.verdict}: ${c.reason}`),
  };
}

export function outcomeLine(comparison: Comparison): string {
  const { counts } = comparison;
  const parts = COMPARE_VERDICTS.filter((v) => counts[v] > 0).map((v) => `${counts[v]} ${v}`);
  return `${comparison.passed ? 'PASS' : 'FAIL'}: ${parts.join(', ') || 'nothing compared'}`;
}

/** How verdicts are decided, in words, with the settings used. */
export function methodLines(comparison: Comparison): string[] {
  const s = comparison.settings;
  const unit = comparison.basis === 'absolute' ? 'per-round medians (one per child process)' : "per-round times relative to the run's baseline variant in the same round";
  return [
    `head/base: round by round, head's ${unit} over base's in the same round; shown is the median of those ratios with its distribution-free interval from their order statistics (${s.confidence * 100}% from 6 rounds, 93.75% with 5).`,
    `p: two-sided Mann-Whitney U test on ${unit}.`,
    `slower (fails the gate): p < ${s.alpha} and head/base ≥ 1 + threshold; faster: p < ${s.alpha} and head/base ≤ 1/(1 + threshold); otherwise unchanged. invalid (fails the gate): head's variant is invalid or failed. suspect (fails the gate): head's result cannot be true (faster than the machine's memory allows, or no slower than an empty call). new / missing: only in head / only in base.`,
  ];
}

export function renderComparisonTerminal(comparison: Comparison): string {
  return `${layoutTable(comparisonTable(comparison))}\n\n${outcomeLine(comparison)}\n${methodLines(comparison).join('\n')}\n`;
}

export function renderComparisonMarkdown(comparison: Comparison, title = '# hotbench compare'): string {
  return [
    title,
    '',
    `**${outcomeLine(comparison)}**`,
    '',
    `- base: \`${escapeMarkdown(comparison.base.source)}\` (${comparison.base.createdAt}, machine ${comparison.base.fingerprint})`,
    `- head: \`${escapeMarkdown(comparison.head.source)}\` (${comparison.head.createdAt}, machine ${comparison.head.fingerprint})`,
    '',
    markdownTable(comparisonTable(comparison)),
    '',
    ...methodLines(comparison).map((l) => `- ${escapeMarkdown(l)}`),
    '',
  ].join('\n');
}

/** A comparison in one of the report formats (terminal, md, json). */
export function renderComparison(comparison: Comparison, format: TextFormat): string {
  if (format === 'json') return renderJson(comparison);
  return format === 'md' ? renderComparisonMarkdown(comparison) : renderComparisonTerminal(comparison);
}

/** The gate's Markdown summary (for $GITHUB_STEP_SUMMARY and summary.md). */
export function gateSummaryMarkdown(verdict: GateVerdict): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const d = verdict.durations;
  const timing = `setup ${seconds(d.setupMs)}${verdict.install ? ` (${verdict.install})` : ''}, measuring ${seconds(d.measureMs)}, total ${seconds(d.totalMs)}`;
  return [
    `## hotbench gate: ${verdict.passed ? '✅' : '❌'} ${outcomeLine(verdict.comparison)}`,
    '',
    escapeMarkdown(verdict.description),
    '',
    `- basis: ${escapeMarkdown(verdict.comparison.basisReason)}`,
    `- time: ${timing}`,
    ...(verdict.injectedSlowdown ? [`- test knob: head slowed by ${verdict.injectedSlowdown * 100}% (--inject-slowdown)`] : []),
    '',
    markdownTable({ ...comparisonTable(verdict.comparison), title: 'per variant' }, '###'),
    '',
    '<details><summary>how the verdict is decided</summary>',
    '',
    ...methodLines(verdict.comparison).map((l) => `- ${escapeMarkdown(l)}`),
    '',
    '</details>',
    '',
  ].join('\n');
}
