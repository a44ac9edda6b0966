// Which cell a pipeline study measures: the pipeline's kernel view at one size, with a variant per
// configuration of its study (or those named), each located by its view of the pipeline's export
// so that a child process loads exactly that configuration. A configuration one of whose stages
// cannot run here (a native build the CPU lacks) is skipped with the reason, as a variant is.

import { UserError } from '../errors.js';
import { configurationView, configurationVariant, defaultPipelineSize, KERNEL_VIEW, pipelineKernel, resolvedConfigurations } from '../spec/pipeline.js';
import type { KernelDefinition, Located, PipelineDefinition, Plan, Registry, SkippedVariant, VariantDefinition } from '../types.js';

export function findPipeline(registry: Registry, name: string | undefined): Located<PipelineDefinition> {
  const known = [...(registry.pipelines?.keys() ?? [])];
  if (name === undefined) throw new UserError(`name a pipeline (known: ${known.join(', ') || 'none'})`);
  const found = registry.pipelines?.get(name);
  if (!found) throw new UserError(`unknown pipeline ${JSON.stringify(name)} (known: ${known.join(', ') || 'none'})`);
  return found;
}

export interface PipelineSelection {
  readonly size?: string;
  /** Configuration names; all of the study when absent. */
  readonly configurations?: readonly string[];
}

export function planPipeline(located: Located<PipelineDefinition>, selection: PipelineSelection = {}): Plan {
  const pipeline = located.definition;
  const size = selection.size ?? defaultPipelineSize(pipeline);
  if (!(size in pipeline.sizes)) throw new UserError(`pipeline ${pipeline.name} has no size ${JSON.stringify(size)} (known: ${Object.keys(pipeline.sizes).join(', ')})`);
  const all = resolvedConfigurations(pipeline);
  for (const name of selection.configurations ?? []) {
    if (!all.some((c) => c.name === name)) throw new UserError(`pipeline ${pipeline.name} has no configuration ${JSON.stringify(name)} (known: ${all.map((c) => c.name).join(', ')})`);
  }
  const chosen = selection.configurations?.length ? all.filter((c) => selection.configurations!.includes(c.name)) : all;
  const kernel: Located<KernelDefinition> = { definition: pipelineKernel(pipeline), ref: { ...located.ref, view: KERNEL_VIEW }, builtIn: located.builtIn };
  const variants: Located<VariantDefinition>[] = [];
  const skipped: SkippedVariant[] = [];
  for (const configuration of chosen) {
    const definition = configurationVariant(pipeline, configuration);
    const why = definition.available?.() ?? true;
    if (why === true) variants.push({ definition, ref: { ...located.ref, view: configurationView(configuration.name) }, builtIn: located.builtIn });
    else skipped.push({ kernel: pipeline.name, variant: configuration.name, target: 'js', reason: why });
  }
  if (variants.length === 0) throw new UserError(`pipeline ${pipeline.name}: no configuration can run here (${skipped.map((s) => `${s.variant}: ${s.reason}`).join('; ')})`);
  const cell = { kernel, size, variants };
  return { cells: [cell], skipped, groups: [cell] };
}
