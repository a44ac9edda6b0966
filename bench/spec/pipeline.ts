// definePipeline, and the two views through which a pipeline is measured like any kernel: the
// pipeline as a kernel (its generator, and as reference every stage on its reference
// implementation with the configuration's algorithm), and each configuration of its study as a
// variant of that kernel (the stages' chosen implementations run in order, each stage timed). So a
// configuration goes through the one child protocol, the same rounds, validation and integrity
// rules as a kernel variant; the runner never knows it is a pipeline.

import { composeStages } from '../measure/composed.js';
import {
  PIPELINE_MARK,
  VARIANT_MARK,
  type ConfigurationSpec,
  type KernelDefinition,
  type KernelInputs,
  type KernelOutput,
  type PipelineDefinition,
  type PipelineRun,
  type PipelineSpec,
  type PipelineState,
  type SizeParams,
  type Tolerance,
  type ValidationFigures,
  type VariantDefinition,
} from '../types.js';
import { compareOutputs } from '../validate/compare.js';
import { DefinitionError, defineKernel } from './define.js';

const NAME = /^[a-z0-9][a-z0-9-]*$/;
/** The key of the per-call input in the state: no stage may take it as its name. */
const INPUT = 'input';

/** The view of a pipeline that is its kernel, and the prefix of a configuration's view. */
export const KERNEL_VIEW = 'kernel';
const CONFIGURATION_VIEW = 'configuration:';

type AnyPipeline = PipelineDefinition<unknown, unknown, KernelOutput, SizeParams>;

export function definePipeline<Static, PerCall, Output extends KernelOutput, Params extends SizeParams>(
  spec: PipelineSpec<Static, PerCall, Output, Params>,
): PipelineDefinition<Static, PerCall, Output, Params> {
  const owner = `pipeline ${JSON.stringify(spec?.name)}`;
  if (typeof spec !== 'object' || spec === null) throw new DefinitionError('definePipeline needs an object');
  if (!Array.isArray(spec.stages) || spec.stages.length === 0) throw new DefinitionError(`${owner}: stages must list at least one stage`);
  const stageNames = new Set<string>();
  for (const stage of spec.stages) {
    const where = `${owner}: stage ${JSON.stringify(stage?.name)}`;
    if (typeof stage?.name !== 'string' || !NAME.test(stage.name) || stage.name === INPUT) {
      throw new DefinitionError(`${where}: name must be lower-case letters, digits and dashes, and not "${INPUT}"`);
    }
    if (stageNames.has(stage.name)) throw new DefinitionError(`${where} is defined twice`);
    stageNames.add(stage.name);
    const implementations: [string, { prepare?: unknown }][] = Object.entries(stage.implementations ?? {});
    if (implementations.length === 0) throw new DefinitionError(`${where}: implementations must name at least one`);
    for (const [name, implementation] of implementations) {
      if (!NAME.test(name)) throw new DefinitionError(`${where}: implementation name ${JSON.stringify(name)} is not lower-case letters, digits and dashes`);
      if (typeof implementation?.prepare !== 'function') throw new DefinitionError(`${where}: implementation ${name}: prepare must be a function`);
    }
    if (!(stage.reference in stage.implementations)) throw new DefinitionError(`${where}: reference names unknown implementation ${JSON.stringify(stage.reference)}`);
  }
  if (typeof spec.output !== 'function') throw new DefinitionError(`${owner}: output must be a function`);
  if (spec.check !== undefined && typeof spec.check !== 'function') throw new DefinitionError(`${owner}: check must be a function`);
  if (!Array.isArray(spec.configurations) || spec.configurations.length === 0) throw new DefinitionError(`${owner}: configurations must list at least one (the original first)`);
  const configurationNames = new Set<string>();
  for (const configuration of spec.configurations) {
    const where = `${owner}: configuration ${JSON.stringify(configuration?.name)}`;
    if (typeof configuration?.name !== 'string' || !NAME.test(configuration.name)) throw new DefinitionError(`${where}: name must be lower-case letters, digits and dashes`);
    if (configurationNames.has(configuration.name)) throw new DefinitionError(`${where} is defined twice`);
    configurationNames.add(configuration.name);
    for (const [stage, implementation] of Object.entries<string>(configuration.stages ?? {})) {
      const found = spec.stages.find((s) => s.name === stage);
      if (!found) throw new DefinitionError(`${where}: names unknown stage ${JSON.stringify(stage)}`);
      if (!(implementation in found.implementations)) throw new DefinitionError(`${where}: stage ${stage} has no implementation ${JSON.stringify(implementation)}`);
    }
  }
  if (spec.defaultSize !== undefined && !(spec.defaultSize in (spec.sizes ?? {}))) throw new DefinitionError(`${owner}: defaultSize names unknown size ${spec.defaultSize}`);
  // The kernel checks name, sizes, generate, tolerance and the rest, with this pipeline's name.
  pipelineKernel({ ...spec, hotbench: PIPELINE_MARK } as unknown as AnyPipeline);
  return { ...spec, hotbench: PIPELINE_MARK };
}

/**
 * The configurations of the study with every stage and the algorithm resolved: each starts from the
 * one before it (the first from every stage's reference implementation) and applies its change.
 */
export function resolvedConfigurations(pipeline: Pick<AnyPipeline, 'stages' | 'configurations'>): ConfigurationSpec[] {
  let stages: Record<string, string> = Object.fromEntries(pipeline.stages.map((s) => [s.name, s.reference]));
  let algorithm: SizeParams = {};
  return pipeline.configurations.map((c) => {
    stages = { ...stages, ...c.stages };
    algorithm = { ...algorithm, ...(c.algorithm ?? {}) };
    return { name: c.name, change: c.change, stages, algorithm };
  });
}

/** The run's `pipeline` section of the results file. */
export function pipelineRun(pipeline: AnyPipeline, size: string): PipelineRun {
  return {
    name: pipeline.name,
    description: pipeline.description,
    size,
    stages: pipeline.stages.map((s) => ({ name: s.name, ...(s.kernel ? { kernel: s.kernel } : {}), reference: s.reference })),
    configurations: resolvedConfigurations(pipeline),
  };
}

/** The end-to-end reference: every stage on its reference implementation, synchronously. */
function referenceOutput(pipeline: AnyPipeline, inputs: KernelInputs<unknown, unknown>, params: SizeParams): KernelOutput {
  const state: Record<string, unknown> = { [INPUT]: inputs.perCall };
  for (const stage of pipeline.stages) {
    const prepared = stage.implementations[stage.reference].prepare(inputs.static, params);
    if (prepared instanceof Promise) throw new Error(`pipeline ${pipeline.name}: stage ${stage.name}'s reference implementation must prepare synchronously`);
    state[stage.name] = prepared.run(state as PipelineState);
    void prepared.dispose?.();
  }
  return pipeline.output(state as PipelineState, params);
}

/** The end-to-end comparison with the reference, then the science check: either failing is invalid. */
function compareAndCheck(pipeline: AnyPipeline) {
  return (actual: KernelOutput, expected: KernelOutput, inputs: KernelInputs<unknown, unknown>, params: SizeParams, tolerance: Tolerance): ValidationFigures => {
    const figures = pipeline.compare ? pipeline.compare(actual, expected, inputs, params, tolerance) : compareOutputs(actual, expected, tolerance);
    if (figures.mismatches > 0 || figures.problem || !pipeline.check) return figures;
    const science = pipeline.check(actual, inputs, params);
    if (science.passed) return figures;
    return { ...figures, mismatches: figures.mismatches + 1, problem: `science check failed: ${science.message}` };
  };
}

/** The pipeline as a kernel: what the runner plans a cell for and a child validates against. */
export function pipelineKernel(pipeline: AnyPipeline): KernelDefinition {
  return defineKernel<unknown, unknown, KernelOutput, SizeParams>({
    name: pipeline.name,
    description: pipeline.description,
    ...(pipeline.origin ? { origin: pipeline.origin } : {}),
    sizes: pipeline.sizes,
    defaultSizes: [defaultPipelineSize(pipeline)],
    baseline: pipeline.configurations[0].name,
    generate: (params, seed) => pipeline.generate(params, seed),
    ...(pipeline.perCall ? { perCall: (params: SizeParams, seed: number, staticInputs: unknown) => pipeline.perCall!(params, seed, staticInputs) } : {}),
    reference: (inputs, params) => referenceOutput(pipeline, inputs, params),
    tolerance: pipeline.tolerance,
    elements: (params) => pipeline.elements(params),
    // A pipeline has no single work model: no roofline position is claimed for it.
    work: () => ({ flops: 0, bytes: 0 }),
    compare: compareAndCheck(pipeline),
  });
}

export function defaultPipelineSize(pipeline: Pick<AnyPipeline, 'sizes' | 'defaultSize'>): string {
  return pipeline.defaultSize ?? Object.keys(pipeline.sizes).at(-1)!;
}

/** A configuration as a variant of the pipeline's kernel. */
export function configurationVariant(pipeline: AnyPipeline, configuration: ConfigurationSpec): VariantDefinition {
  const implementations = pipeline.stages.map((stage) => ({ stage, implementation: stage.implementations[configuration.stages[stage.name]] }));
  return {
    hotbench: VARIANT_MARK,
    kernel: pipeline.name,
    name: configuration.name,
    rung: 'pipeline',
    target: 'js',
    description: configuration.change,
    algorithm: configuration.algorithm ?? {},
    available() {
      for (const { stage, implementation } of implementations) {
        const why = implementation.available?.() ?? true;
        if (why !== true) return `stage ${stage.name} (${configuration.stages[stage.name]}): ${why}`;
      }
      return true;
    },
    prepare: (staticInputs, params) =>
      composeStages(
        implementations.map(({ stage, implementation }) => ({ name: stage.name, implementation })),
        staticInputs,
        params,
        (state) => pipeline.output(state, params),
      ),
  };
}

/** The derived definition a `view` names: the kernel, or one configuration's variant. */
export function pipelineView(pipeline: AnyPipeline, view: string): KernelDefinition | VariantDefinition {
  if (view === KERNEL_VIEW) return pipelineKernel(pipeline);
  const name = view.startsWith(CONFIGURATION_VIEW) ? view.slice(CONFIGURATION_VIEW.length) : null;
  const configuration = resolvedConfigurations(pipeline).find((c) => c.name === name);
  if (!configuration) throw new Error(`pipeline ${pipeline.name} has no view ${JSON.stringify(view)}`);
  return configurationVariant(pipeline, configuration);
}

export function configurationView(name: string): string {
  return `${CONFIGURATION_VIEW}${name}`;
}

export function isPipeline(value: unknown): value is AnyPipeline {
  return typeof value === 'object' && value !== null && (value as { hotbench?: unknown }).hotbench === PIPELINE_MARK;
}

/**
 * Of a rung's builds (a native variant per x86-64 level, lowest first; wasm scalar then simd), the
 * best this machine can run, for a stage to call: the last available one, or the reason none is.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function bestBuild<V extends VariantDefinition<any, any, any, any>>(builds: V | readonly V[]): V | string {
  const list = (Array.isArray(builds) ? builds : [builds]) as readonly V[];
  let why = 'no build';
  for (let i = list.length - 1; i >= 0; i--) {
    const status = list[i].available?.() ?? true;
    if (status === true) return list[i];
    why = status;
  }
  return why;
}
