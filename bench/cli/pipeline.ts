// hotbench pipeline NAME (or run --pipeline NAME): a pipeline study. Every configuration of the
// study is validated end to end against the reference of its own algorithm (and the pipeline's
// science check), then measured in fresh child processes, the configurations interleaved in
// shuffled rounds, as the variants of a kernel are; the results file carries the configurations,
// and the report leads with the per-change table, the stage shares and Amdahl's prediction.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { collectEnvironment } from '../env/environment.js';
import { UserError } from '../errors.js';
import { findPipeline, planPipeline } from '../measure/pipeline-plan.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../measure/settings.js';
import { ownHarness } from '../measure/spawn.js';
import { fileTimestamp } from '../paths.js';
import { recordSides, resultsHeader } from '../results/record.js';
import { formatFromExtension } from '../report/render.js';
import { pipelineRun } from '../spec/pipeline.js';
import { list, parse, text } from './args.js';
import { measureFromFlags, measureHelp, measureOptions } from './measure-flags.js';
import { createProgress } from './progress.js';
import { printRun } from './print-run.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';

export const pipelineHelp = `usage: hotbench pipeline NAME [options]
       hotbench run --pipeline NAME [options]

A pipeline study: validates every configuration of the pipeline's study end to end (against the
reference of its own decomposition, and the pipeline's science check), then measures each in fresh
child processes, the configurations interleaved in shuffled rounds; writes a results file that
carries the configurations and prints the per-change table (time per call, speedup over the
configuration before and cumulative, each with its interval; Amdahl's prediction beside the
measured speedup) and every stage's share of the time in every configuration.

  hotbench pipeline desi                 the DESI mini-extraction study (a few minutes)
  hotbench pipeline desi --size tiny     a quick look

options:
  --size NAME         the pipeline's size (default: its default size; \`hotbench pipeline --list\`)
  --configuration C   only these configurations (repeatable or comma-separated); speedups are then
                      over the configuration measured before, in study order
  --list              list the pipelines, their sizes and configurations, and exit
  --out FILE          results file (default: reports/pipelines/<time>/results.json)
  --report FILE       also write a report: .md, .html (with the stacked stage chart), .json, .txt
                      (repeatable)
${measureHelp(DEFAULT_SETTINGS)}
  --no-progress       no progress display on stderr
${workspaceHelp}

exit status: 0 every configuration valid and measured; 1 a configuration was invalid or failed
(recorded, never ranked; the others are measured and reported); 2 bad usage or input.`;

const options = {
  ...workspaceOptions,
  ...measureOptions,
  size: { type: 'string' },
  configuration: { type: 'string', multiple: true },
  list: { type: 'boolean' },
  out: { type: 'string' },
  report: { type: 'string', multiple: true },
  'no-progress': { type: 'boolean' },
} as const;

/** The pipelines, their sizes and their configurations in study order (also part of `hotbench list`). */
export function listing(pipelines: Iterable<{ definition: { name: string; description: string; sizes: object; configurations: readonly { name: string; change: string }[] } }>): string {
  const lines: string[] = [];
  for (const { definition: p } of pipelines) {
    lines.push(`${p.name}: ${p.description}`, `  sizes: ${Object.keys(p.sizes).join(', ')}`, '  configurations (study order):');
    for (const c of p.configurations) lines.push(`    ${c.name.padEnd(22)} ${c.change}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function pipelineCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse('pipeline', argv, options, true);
  if (values.help) {
    process.stdout.write(`${pipelineHelp}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UserError(`pipeline: one pipeline at a time (got ${positionals.join(', ')})`);
  const reports = (list(values.report) ?? []).map(String);
  for (const report of reports) formatFromExtension(report);
  const workspace = await openWorkspace(values);
  if (values.list) {
    process.stdout.write(listing(workspace.registry.pipelines?.values() ?? []));
    return 0;
  }
  const located = findPipeline(workspace.registry, positionals[0]);
  const settings = resolveSettings(workspace.config.measure, measureFromFlags('pipeline', values));
  const plan = planPipeline(located, { size: text(values.size), configurations: list(values.configuration) });
  for (const s of plan.skipped) process.stderr.write(`skipped configuration ${s.variant}: ${s.reason}\n`);
  const out = text(values.out) ?? path.join('reports', 'pipelines', fileTimestamp(new Date()), 'results.json');
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const header = {
    ...resultsHeader(plan, settings, ['hotbench', 'pipeline', ...argv], collectEnvironment()),
    pipeline: pipelineRun(located.definition, plan.cells[0].size),
  };
  const [results] = await recordSides([{ side: { plan: plan.cells, harness: ownHarness }, header, out }], {
    settings,
    onEvent: createProgress(process.stderr, !values['no-progress']),
  });
  await printRun(out, results, reports);
  return results.cells.every((c) => c.validation.status === 'valid' && c.stats !== null) ? 0 : 1;
}
