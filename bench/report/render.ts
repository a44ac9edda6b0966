// One entry point for every report format, chosen by name or by a file's extension.

import path from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../results/store.js';
import type { Analysis } from '../types.js';
import { renderMarkdown } from './markdown.js';
import { renderTerminal } from './terminal.js';

export const REPORT_FORMATS = ['terminal', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(name: string): name is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(name);
}

/** JSON of an analysis, a comparison or a verdict: non-finite numbers as "NaN", "Infinity", "-Infinity". */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1)}\n`;
}

export function renderReport(analysis: Analysis, format: ReportFormat): string {
  switch (format) {
    case 'terminal':
      return renderTerminal(analysis);
    case 'md':
      return renderMarkdown(analysis);
    case 'json':
      return renderJson(analysis);
  }
}

export function formatFromExtension(file: string): ReportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'md';
  if (ext === '.json') return 'json';
  if (ext === '.txt') return 'terminal';
  throw new UserError(`cannot tell the report format of ${file} (use .md, .json or .txt)`);
}

/** Writes the report to `file` (atomically), in the format its extension names. */
export function writeReport(file: string, analysis: Analysis, format = formatFromExtension(file)): void {
  writeFileAtomic(file, renderReport(analysis, format));
}
