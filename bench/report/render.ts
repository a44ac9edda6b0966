// One entry point for every report format, chosen by name or by a file's extension.

import path from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../results/store.js';
import type { Analysis } from '../types.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderTerminal } from './terminal.js';

/** The formats of text reports, which comparisons share. */
export const TEXT_FORMATS = ['terminal', 'md', 'json'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];
/** An analysis also has an HTML report, with charts. */
export const REPORT_FORMATS = [...TEXT_FORMATS, 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(name: string): name is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(name);
}

export function isTextFormat(name: string): name is TextFormat {
  return (TEXT_FORMATS as readonly string[]).includes(name);
}

/** JSON of an analysis, a comparison or a verdict: non-finite numbers as "NaN", "Infinity", "-Infinity". */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1)}\n`;
}

/**
 * The report in `format`. Async because HTML draws its charts; `outFile` is where it will be written
 * (HTML links profile files relative to it).
 */
export async function renderReport(analysis: Analysis, format: ReportFormat, outFile?: string): Promise<string> {
  switch (format) {
    case 'terminal':
      return renderTerminal(analysis);
    case 'md':
      return renderMarkdown(analysis);
    case 'json':
      return renderJson(analysis);
    case 'html':
      return renderHtml(analysis, outFile ? { outFile } : {});
  }
}

export function formatFromExtension(file: string): ReportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'md';
  if (ext === '.json') return 'json';
  if (ext === '.txt') return 'terminal';
  if (ext === '.html' || ext === '.htm') return 'html';
  throw new UserError(`cannot tell the report format of ${file} (use .md, .html, .json or .txt)`);
}

/** Writes the report to `file` (atomically), in the format its extension names. */
export async function writeReport(file: string, analysis: Analysis, format = formatFromExtension(file)): Promise<void> {
  writeFileAtomic(file, await renderReport(analysis, format, file));
}
