// The hotspot table of one profile as rows of strings, for the terminal and Markdown layouts: the
// functions by self time, with total time, their shares of the sampled time, and file:line.

import path from 'node:path';
import { variantId } from '../spec/define.js';
import { RECORD_FILE } from '../profile/layout.js';
import type { Hotspot, ProfileRecord } from '../types.js';
import { formatNs, type TextTable } from './table.js';

/** A file relative to the working folder when it lies below it; absolute (or a URL) otherwise. */
export function displayFile(file: string, base = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(base, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** What was profiled, in one line: `legval:naive@js · small (nseries=100 …)` or the script. */
export function profileSubject(record: ProfileRecord): string {
  const t = record.target;
  if (t.kind === 'script') return [displayFile(t.script), ...t.args].join(' ');
  const params = Object.entries(t.size.params).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${t.kernel}:${variantId(t.variant, t.build)} · ${t.size.name} (${params})`;
}

function location(h: Hotspot): string {
  if (h.location) return `${displayFile(h.location.file)}${h.location.line > 0 ? `:${h.location.line}` : ''}`;
  return h.kind === 'native' ? '(native)' : h.kind === 'function' ? '(eval or new Function)' : '(V8)';
}

function share(p: number): string {
  return `${p.toFixed(1)}%`;
}

/** The first `top` rows of a profile's hotspot table. */
export function hotspotTable(record: ProfileRecord, top: number): TextTable {
  const { table } = record;
  const shown = table.hotspots.slice(0, top);
  const more = table.hotspots.length > shown.length ? [`${table.hotspots.length - shown.length} more functions in ${displayFile(path.join(record.folder, RECORD_FILE))}`] : [];
  const notes = [...(record.notes ?? []), ...more];
  return {
    title: `${profileSubject(record)} · ${record.tool} · ${table.samples} samples over ${formatNs(table.sampledMs * 1e6)}`,
    headers: ['#', 'self', 'self %', 'total', 'total %', 'function', 'location'],
    align: ['r', 'r', 'r', 'r', 'r', 'l', 'l'],
    rows: shown.map((h, i) => [String(i + 1), formatNs(h.selfMs * 1e6), share(h.selfPercent), formatNs(h.totalMs * 1e6), share(h.totalPercent), h.name, location(h)]),
    notes,
  };
}

export const HOTSPOT_LEGEND = [
  'self: time with the function on top of the stack; total: with it anywhere on the stack, once per sample however deep it recurses; % of the sampled time.',
  '(program): V8 itself, outside JavaScript; (garbage collector); (idle): waiting for I/O or timers; (native): builtins and addons.',
].join('\n');
