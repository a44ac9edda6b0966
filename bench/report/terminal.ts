// The default report: aligned plain-text tables for a terminal.

import type { Analysis, ProfileRecord } from '../types.js';
import { HOTSPOT_LEGEND, hotspotTable } from './hotspots.js';
import { crossTargetTable, groupTable, skippedLines, targetTable, type TextTable } from './table.js';

/** Rows of a hotspot table shown in a report that has other things to show too. */
export const REPORT_HOTSPOT_ROWS = 10;

export function layoutTable(table: TextTable): string {
  const widths = table.headers.map((h, i) => Math.max(h.length, ...table.rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (table.align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [
    table.title,
    line(table.headers),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...table.rows.map(line),
    ...table.notes.map((n) => `  ! ${n}`),
  ].join('\n');
}

export function renderTerminal(analysis: Analysis): string {
  const environments = new Map(analysis.environments.map((e) => [e.fingerprint, e]));
  const multiMachine = analysis.environments.length > 1;
  const tables = analysis.groups.map((g) => layoutTable(groupTable(g, multiMachine ? environments.get(g.fingerprint) : undefined)));
  const s = analysis.settings;
  const footer = `speedup = median(baseline)/median(variant), ${s.confidence * 100}% hierarchical bootstrap CI; faster/slower only when the CI clears ±${s.noiseThreshold * 100}%`;
  const skipped = skippedLines(analysis.skipped);
  const summary = `${layoutTable(targetTable(analysis.groups))}\n\n${layoutTable(crossTargetTable(analysis))}`;
  const profiles = analysis.profiles?.length ? `\n\nprofiles\n\n${analysis.profiles.map((p) => layoutTable(hotspotTable(p, REPORT_HOTSPOT_ROWS))).join('\n\n')}\n\n${HOTSPOT_LEGEND}` : '';
  return `${tables.join('\n\n')}\n\n${summary}\n${skipped.length ? `\n${skipped.join('\n')}\n` : ''}\n${footer}${profiles}\n`;
}

/** One profile's hotspot table and where its files are, as `hotbench profile` prints it. */
export function renderProfileTerminal(record: ProfileRecord, top: number): string {
  return `${layoutTable(hotspotTable(record, top))}\n\n${HOTSPOT_LEGEND}\n`;
}
