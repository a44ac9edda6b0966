// hotbench run: plan the matrix, validate and measure it in child processes, write the results file
// after every cell (so an interrupted run keeps what it measured), then print the report.

import path from 'node:path';
import { analyze } from '../analysis/analyze.js';
import { collectEnvironment } from '../env/environment.js';
import { fileTimestamp } from '../paths.js';
import { planCells } from '../measure/plan.js';
import { ownHarness } from '../measure/spawn.js';
import { recordSides, resultsHeader } from '../results/record.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../measure/settings.js';
import { variantId } from '../spec/define.js';
import { parse, text } from './args.js';
import { measureFromFlags, measureHelp, measureOptions } from './measure-flags.js';
import { filterHelp, filterOptions, filtersFromFlags } from './filters.js';
import { createProgress } from './progress.js';
import { renderTerminal } from '../report/terminal.js';
import { writeReport } from '../report/render.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';

export const runHelp = `usage: hotbench run [options]

Validates every selected variant against its kernel's reference, then measures the valid ones in
fresh child processes (several rounds, shuffled order), writes a results file and prints a ranked
report. With no filters it runs every size of every kernel.

options:
${filterHelp}
  --out FILE          results file (default: reports/runs/<time>/results.json)
  --report FILE       also write a report: .md for Markdown, .json for the analysis
${measureHelp(DEFAULT_SETTINGS)}
  --no-progress       no progress display on stderr
${workspaceHelp}

exit status: 0 every variant valid and measured; 1 a variant was invalid or failed (the results
are written all the same); 2 bad usage or input.`;

function defaultOut(now: Date): string {
  return path.join('reports', 'runs', fileTimestamp(now), 'results.json');
}

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('run', argv, {
    ...workspaceOptions,
    ...filterOptions,
    out: { type: 'string' },
    report: { type: 'string' },
    ...measureOptions,
    'no-progress': { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${runHelp}\n`);
    return 0;
  }
  const workspace = await openWorkspace(values);
  const settings = resolveSettings(workspace.config.measure, measureFromFlags('run', values));
  const plan = planCells(workspace.registry, filtersFromFlags(values));
  for (const s of plan.skipped) process.stderr.write(`skipped ${s.kernel} ${variantId(s.variant, s.target)}: ${s.reason}\n`);
  const out = text(values.out) ?? defaultOut(new Date());
  const header = resultsHeader(plan, settings, ['hotbench', 'run', ...argv], collectEnvironment());
  // The results file is rewritten (atomically) after every cell: an interrupted run keeps its cells.
  const [results] = await recordSides([{ side: { plan: plan.cells, harness: ownHarness }, header, out }], {
    settings,
    onEvent: createProgress(process.stderr, !values['no-progress']),
  });
  const cells = results.cells;
  const analysis = analyze([{ source: out, results }]);
  process.stdout.write(renderTerminal(analysis));
  process.stderr.write(`results: ${out}\n`);
  const report = text(values.report);
  if (report) {
    writeReport(report, analysis);
    process.stderr.write(`report: ${report}\n`);
  }
  return cells.every((c) => c.validation.status === 'valid' && c.stats !== null) ? 0 : 1;
}
