// gate --baseline FILE without --current: a fresh run of the kernels and sizes the baseline holds
// (every variant they have now, so that new ones are reported), or of the filters given, measured
// with the baseline's settings so that the two are comparable. A baseline that holds a pipeline
// study is answered with a fresh run of that pipeline's study at the same size: its cells (one per
// configuration) are compared as any variant's.

import { UserError } from '../errors.js';
import type { LoadedResults } from '../analysis/analyze.js';
import { collectEnvironment } from '../env/environment.js';
import { planCells, type PlanFilters } from '../measure/plan.js';
import { findPipeline, planPipeline } from '../measure/pipeline-plan.js';
import { pipelineRun } from '../spec/pipeline.js';
import { ownHarness } from '../measure/spawn.js';
import { recordSides, resultsHeader } from '../results/record.js';
import type { MeasureSettings, Registry, ResultsFile, RunEvent } from '../types.js';

/** With no filters, the baseline's kernels and sizes that this hotbench still has. */
export function filtersFromBaseline(baseline: ResultsFile, registry: Registry, filters: PlanFilters): PlanFilters {
  if (filters.kernels?.length || filters.sizes?.length || filters.variants?.length || filters.quick) return filters;
  const kernels = [...new Set(baseline.cells.map((c) => c.kernel))].filter((k) => registry.kernels.has(k));
  if (kernels.length === 0) throw new UserError(`gate: none of the baseline's kernels (${[...new Set(baseline.cells.map((c) => c.kernel))].join(', ') || 'none'}) exists here`);
  const sizes = [...new Set(baseline.cells.filter((c) => kernels.includes(c.kernel)).map((c) => c.size.name))].filter((size) =>
    kernels.some((k) => size in registry.kernels.get(k)!.definition.sizes),
  );
  return { kernels, sizes };
}

export interface CurrentOptions {
  readonly baseline: ResultsFile;
  readonly registry: Registry;
  readonly filters: PlanFilters;
  readonly settings: MeasureSettings;
  readonly out: string;
  readonly command: readonly string[];
  readonly onEvent?: (event: RunEvent) => void;
}

export async function runCurrent(options: CurrentOptions): Promise<LoadedResults> {
  const study = options.baseline.pipeline;
  const located = study ? findPipeline(options.registry, study.name) : null;
  const plan = located ? planPipeline(located, { size: study!.size }) : planCells(options.registry, filtersFromBaseline(options.baseline, options.registry, options.filters), true, { external: false });
  const header = {
    ...resultsHeader(plan, options.settings, options.command, collectEnvironment()),
    ...(located ? { pipeline: pipelineRun(located.definition, study!.size) } : {}),
  };
  const [results] = await recordSides([{ side: { plan: plan.cells, harness: ownHarness }, header, out: options.out }], {
    settings: options.settings,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { source: options.out, results };
}
