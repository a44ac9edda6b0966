// The default report: aligned plain-text tables for a terminal.

import type { Analysis, ProfileRecord } from '../types.js';
import { HOTSPOT_LEGEND, hotspotTable } from './hotspots.js';
import { crossTargetTable, groupTable, hasDeviceTimes, rooflineTable, skippedLines, targetTable, type TextTable } from './table.js';
import { workersSideBySide, workersTable } from './workers-table.js';
import { changeTable, PIPELINE_LEGEND, sharesTable } from './pipeline-table.js';

/** How to read a roofline table, under every report that has one. */
export const ROOFLINE_LEGEND =
  'roofline: GFLOP/s and GB/s from the kernel\'s work model (minimum flops and bytes per call) over the median; attainable = min(peak, flop/byte × bandwidth) of the machine\'s best build, one core (hotbench roofline); % of roof = GFLOP/s / attainable';

/** How to read the device-only column, under a report that has one. */
export const DEVICE_LEGEND =
  'device-only: a GPU rung\'s kernels per call (CUDA events, median over rounds); median/call also counts uploading the inputs and copying the output back';

/** How to read a scaling table, under every report that has one. */
export const WORKERS_LEGEND =
  'scaling: S(p) = the variant at p = 1 over the variant at p workers, round by round, median [interval] (weak mode: p·T1/Tp); S vs best serial likewise against the run\'s fastest serial variant; efficiency = S/p; Karp-Flatt = (1/S - 1/p)/(1 - 1/p); * = p above the cores (--oversubscribe)';

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
    ...(table.summary ?? []).map((s) => `  ${s}`),
    ...table.notes.map((n) => `  ! ${n}`),
  ].join('\n');
}

export function renderTerminal(analysis: Analysis): string {
  const environments = new Map(analysis.environments.map((e) => [e.fingerprint, e]));
  const multiMachine = analysis.environments.length > 1;
  const rooflines = new Map(analysis.rooflines.map((r) => [r.fingerprint, r]));
  const tables = analysis.groups.map((g) => {
    const roof = rooflineTable(g, rooflines.get(g.fingerprint));
    return [groupTable(g, multiMachine ? environments.get(g.fingerprint) : undefined), ...(roof ? [roof] : [])].map(layoutTable).join('\n\n');
  });
  const s = analysis.settings;
  const device = hasDeviceTimes(analysis.groups) ? `\n${DEVICE_LEGEND}` : '';
  const footer = `speedup = baseline/variant round by round, the median of the rounds' ratios with its distribution-free CI (${s.confidence * 100}% from 6 rounds, 93.75% with 5); faster/slower only when the CI clears ±${s.noiseThreshold * 100}%${device}${analysis.rooflines.length ? `\n${ROOFLINE_LEGEND}` : ''}`;
  const skipped = skippedLines(analysis.skipped);
  // A file of a scaling run alone has no ranked groups: its tables are the scaling ones.
  const summary = analysis.groups.length ? `${tables.join('\n\n')}\n\n${layoutTable(targetTable(analysis.groups))}\n\n${layoutTable(crossTargetTable(analysis))}\n` : '';
  const scaling = (analysis.workers ?? []).map((g) => `${layoutTable(workersTable(g, multiMachine ? environments.get(g.fingerprint) : undefined))}\n\n${layoutTable(workersSideBySide(g))}`);
  const workers = scaling.length ? `${summary ? '\n' : ''}${scaling.join('\n\n')}\n` : '';
  const profiles = analysis.profiles?.length ? `\n\nprofiles\n\n${analysis.profiles.map((p) => layoutTable(hotspotTable(p, REPORT_HOTSPOT_ROWS))).join('\n\n')}\n\n${HOTSPOT_LEGEND}` : '';
  const scalingFooter = scaling.length ? `\n${WORKERS_LEGEND}` : '';
  const studies = (analysis.pipelines ?? []).map((p) => `${layoutTable(changeTable(p))}\n\n${layoutTable(sharesTable(p))}`);
  const pipelines = studies.length ? `${studies.join('\n\n')}\n\n${PIPELINE_LEGEND}\n\n` : '';
  return `${pipelines}${summary}${workers}${skipped.length ? `\n${skipped.join('\n')}\n` : ''}\n${footer}${scalingFooter}${profiles}\n`;
}

/** One profile's hotspot table and where its files are, as `hotbench profile` prints it. */
export function renderProfileTerminal(record: ProfileRecord, top: number): string {
  return `${layoutTable(hotspotTable(record, top))}\n\n${HOTSPOT_LEGEND}\n`;
}
