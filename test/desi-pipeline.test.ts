// The DESI mini-extraction: the reference extraction passes the science check and a biased or
// over-confident one does not; every configuration of the study this machine can run agrees with
// the reference of its own decomposition; the decomposition matters (sub-bundles checked against
// the whole-bundle reference would not pass); a configuration whose stage is wrong is invalid.

import { describe, expect, it } from 'vitest';
import { configurationVariant, definePipeline, pipelineKernel, resolvedConfigurations } from '../bench/spec/pipeline.js';
import type { KernelOutput, PipelineDefinition, SizeParams } from '../bench/types.js';
import desi, { pulls, scienceCheck } from '../pipelines/desi/index.js';
import { patchesOf, type DesiParams } from '../pipelines/desi/frame.js';
import { positionsStage, type DesiOutput, type PatchSpots } from '../pipelines/desi/stages.js';

const SEED = 42;
const anyDesi = desi as unknown as PipelineDefinition<unknown, unknown, KernelOutput, SizeParams>;

async function runConfiguration(pipeline: PipelineDefinition<unknown, unknown, KernelOutput, SizeParams>, name: string, size: string) {
  const kernel = pipelineKernel(pipeline);
  const configuration = resolvedConfigurations(pipeline).find((c) => c.name === name)!;
  const params = { ...pipeline.sizes[size], ...configuration.algorithm };
  const inputs = kernel.generate(params, SEED);
  const variant = configurationVariant(pipeline, configuration);
  const prepared = await variant.prepare(inputs.static, params, { workers: 1 });
  const output = await prepared.run(inputs.perCall);
  await prepared.dispose?.();
  return { kernel, params, inputs, output, variant };
}

describe('the DESI science check', () => {
  const kernel = pipelineKernel(anyDesi);
  const params = desi.sizes.small;
  const inputs = kernel.generate(params, SEED);
  const reference = kernel.reference(inputs, params) as DesiOutput;

  it('passes the reference extraction: pulls of mean about 0 and spread about 1', () => {
    const check = scienceCheck(reference, inputs as never, params);
    expect(check.passed, check.message).toBe(true);
    expect(Math.abs(check.figures.pullSd - 1)).toBeLessThan(0.25);
    expect(pulls(reference, (inputs.perCall as { truth: Float64Array }).truth, params)).toHaveLength(params.nfiber * params.nwave);
  });

  it('catches an extraction biased by 5%', () => {
    const biased = { ...reference, flux: reference.flux.map((v) => 1.05 * v) };
    const check = scienceCheck(biased, inputs as never, params);
    expect(check.passed).toBe(false);
    expect(check.figures.pullMean).toBeGreaterThan(0.35);
  });

  it('catches an extraction whose ivar is four times too large', () => {
    const overconfident = { ...reference, ivar: reference.ivar.map((v) => 4 * v) };
    const check = scienceCheck(overconfident, inputs as never, params);
    expect(check.passed).toBe(false);
    expect(check.figures.pullSd).toBeGreaterThan(1.5);
  });

  it('fails the kernel view\'s comparison of a biased output even when the numbers were allowed to differ', () => {
    const biased = { ...reference, flux: reference.flux.map((v) => 1.05 * v) };
    const loose = { abs: Infinity, rel: Infinity, ulp: Infinity };
    const looseDesi = definePipeline({ ...desi, compare: undefined, tolerance: loose });
    const figures = pipelineKernel(looseDesi as never).compare!(biased, reference, inputs, params, loose);
    expect(figures.problem).toMatch(/science check failed: pulls .* mean/);
  });
});

describe('the DESI study', () => {
  const names = resolvedConfigurations(anyDesi).map((c) => c.name);

  it('is in DESI\'s order and every configuration that can run here agrees with the reference of its own decomposition', async () => {
    expect(names).toEqual(['original', 'sub-bundles', 'legval-unrolled', 'legval-native', 'legval-cache', 'ghspots-unrolled', 'ghspots-native', 'projection', 'linalg-wasm', 'linalg-native', 'parallel-2']);
    let checked = 0;
    for (const name of names) {
      const configuration = resolvedConfigurations(anyDesi).find((c) => c.name === name)!;
      if (configurationVariant(anyDesi, configuration).available?.() !== true) continue; // a build this machine lacks
      const { kernel, params, inputs, output } = await runConfiguration(anyDesi, name, 'tiny');
      const figures = kernel.compare!(output, kernel.reference(inputs, params), inputs, params, kernel.tolerance);
      expect(figures.mismatches, `${name}: ${figures.problem ?? ''}`).toBe(0);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5); // the TypeScript rungs run everywhere
  }, 120_000);

  it('checks sub-bundles against the reference of sub-bundles: the whole-bundle reference differs', async () => {
    const { kernel, params, inputs, output } = await runConfiguration(anyDesi, 'sub-bundles', 'small');
    expect(params.subbundles).toBe(5);
    const own = kernel.compare!(output, kernel.reference(inputs, params), inputs, params, kernel.tolerance);
    expect(own.mismatches).toBe(0);
    const whole = { ...params, subbundles: 0 };
    const other = kernel.compare!(output, kernel.reference(inputs, whole), inputs, whole, kernel.tolerance);
    expect(other.mismatches).toBeGreaterThan(0);
  }, 120_000);

  it('splits a bundle into sub-bundles with one neighbouring fiber each side, and the window into patches with a halo', () => {
    const p: DesiParams = { ...desi.sizes.desi, subbundles: 5 };
    const patches = patchesOf(p);
    expect(patches).toHaveLength(2 * 5);
    expect(patches[1]).toMatchObject({ fiber0: 4, core0: 5, core1: 10, fiber1: 11, wave0: 0, waveCore0: 8, waveCore1: 18, wave1: 26 });
    expect(patchesOf(desi.sizes.desi)).toHaveLength(2);
  });

  it('finds a configuration with a wrong stage invalid: spot positions off by a fifth of a pixel', async () => {
    const shifted = {
      ...positionsStage,
      implementations: {
        ...positionsStage.implementations,
        shifted: {
          description: 'xypix off by 0.2 px in x',
          prepare: (s: never, params: never) => {
            const right = positionsStage.implementations.js.prepare(s, params) as { run: (state: never) => PatchSpots[] };
            return { run: (state: never) => right.run(state).map((p) => ({ ...p, spots: { ...p.spots, dx: p.spots.dx.map((d) => d + 0.2) } })) };
          },
        },
      },
    };
    const wrong = definePipeline({
      ...desi,
      stages: desi.stages.map((s) => (s.name === 'positions' ? shifted : s)),
      configurations: [{ name: 'shifted', change: 'xypix off', stages: { positions: 'shifted' } }],
    }) as unknown as PipelineDefinition<unknown, unknown, KernelOutput, SizeParams>;
    const { kernel, params, inputs, output } = await runConfiguration(wrong, 'shifted', 'tiny');
    const figures = kernel.compare!(output, kernel.reference(inputs, params), inputs, params, kernel.tolerance);
    expect(figures.mismatches).toBeGreaterThan(0);
  }, 60_000);
});
