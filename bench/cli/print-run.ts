// The end of a measuring command (run, pipeline): analyse the results just written, print the
// terminal report, and write the reports asked for.

import { analyze } from '../analysis/analyze.js';
import { writeReport } from '../report/render.js';
import { renderTerminal } from '../report/terminal.js';
import type { Analysis, ResultsFile } from '../types.js';

export async function printRun(out: string, results: ResultsFile, reports: readonly string[]): Promise<Analysis> {
  const analysis = analyze([{ source: out, results }]);
  process.stdout.write(renderTerminal(analysis));
  process.stderr.write(`results: ${out}\n`);
  for (const report of reports) {
    await writeReport(report, analysis);
    process.stderr.write(`report: ${report}\n`);
  }
  return analysis;
}
