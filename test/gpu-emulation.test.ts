// The GPU rung's kernels without a GPU: their per-thread steps (native/cuda/*_steps.h, the code
// the CUDA kernels call) run on the host by test/helpers/gpu-emulator.cc, thread by thread and
// barrier by barrier with the kernels' own block sizes, its shared memory poisoned with NaN. Each
// emulated kernel is validated like any rung, against the reference on real-shaped inputs and every
// edge case: this checks the kernels' indexing, the placement of their barriers and kmeans's fixed
// order of summation here and in CI. What it cannot check is CUDA's own erfc and exp (libm stands
// in) and the launches themselves: those are validated on a GPU by `hotbench run` (scripts/gpu-check.sh).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineVariant } from '../bench/spec/define.js';
import type { KernelDefinition, KernelOutput, SizeParams, VariantDefinition } from '../bench/types.js';
import { validateVariant } from '../bench/validate/validate.js';
import ghspots, { type GhspotsParams, type GhspotsPerCall, type GhspotsStatic } from '../kernels/ghspots/index.js';
import kmeans, { kmeansReference, type KmeansOutput, type KmeansParams, type KmeansPerCall, type KmeansStatic } from '../kernels/kmeans/index.js';
import legval, { type LegvalParams, type LegvalPerCall, type LegvalStatic } from '../kernels/legval/index.js';
import { finishCentroids } from '../variants/kmeans/precomputed.js';

const source = fileURLToPath(new URL('./helpers/gpu-emulator.cc', import.meta.url));
let dir: string;
let emulator: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-gpu-emulator-'));
  emulator = path.join(dir, 'gpu-emulator');
  // -ffp-contract=off: the host must not fuse what the kernels keep apart (kmeans's exact distances).
  const cxx = process.env.CXX || 'g++';
  const built = spawnSync(cxx, ['-std=c++17', '-O2', '-ffp-contract=off', '-o', emulator, source], { encoding: 'utf8' });
  expect(built.status, `${cxx}: ${built.stderr}`).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the emulator on `inputs` (concatenated doubles) and returns its output doubles. */
function emulate(args: string[], inputs: readonly ArrayLike<number>[], outputs: number): Float64Array {
  const joined = new Float64Array(inputs.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of inputs) {
    joined.set(Array.from(a), at);
    at += a.length;
  }
  const input = path.join(dir, 'in.bin');
  const output = path.join(dir, 'out.bin');
  writeFileSync(input, joined);
  const r = spawnSync(emulator, [...args, input, output], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const bytes = readFileSync(output);
  expect(bytes.length).toBe(outputs * 8);
  return new Float64Array(bytes.buffer, bytes.byteOffset, outputs).slice();
}

/** A variant whose run is the emulated kernel, validated like any other. */
function emulated<S, P, O extends KernelOutput, Params extends SizeParams>(kernel: string, run: (s: S, p: P, params: Params) => O): VariantDefinition {
  return defineVariant<S, P, O, Params>({
    kernel,
    name: 'gpu-emulated',
    rung: 'gpu',
    target: 'host',
    description: 'the CUDA kernels\' steps on the host',
    prepare: (s, params) => ({ run: (p) => run(s, p, params) }),
  }) as unknown as VariantDefinition;
}

const legvalEmulated = emulated<LegvalStatic, LegvalPerCall, Float64Array, LegvalParams>('legval', ({ x }, { coefficients }, p) =>
  emulate(['legval', String(p.nx), String(p.nseries), String(p.deg)], [x, coefficients], p.nseries * p.nx),
);

const ghspotsEmulated = emulated<GhspotsStatic, GhspotsPerCall, Float64Array, GhspotsParams>('ghspots', (_s, { dx, dy, sx, sy, g }, p) =>
  emulate(['ghspots', String(p.nspots)], [dx, dy, sx, sy, g], p.nspots * 187),
);

const kmeansEmulated = emulated<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>('kmeans', ({ x }, { centroids }, { n, d, k }) => {
  const out = emulate(['kmeans', String(n), String(d), String(k)], [x, centroids], n + k * d + k + 1);
  const sums = out.slice(n, n + k * d);
  const counts = out.slice(n + k * d, n + k * d + k);
  // The variant's own finishing step (variants/kmeans/gpu.ts).
  return { labels: Int32Array.from(out.subarray(0, n)), centroids: finishCentroids(sums, counts, centroids, k, d), inertia: out[n + k * d + k] };
});

async function expectValid(kernel: KernelDefinition, variant: VariantDefinition, params: SizeParams, seed = 42): Promise<void> {
  const validation = await validateVariant(kernel, variant, { name: 'cell', params, inputs: kernel.generate(params, seed) });
  expect(validation.message).toBeUndefined();
  expect(validation.status).toBe('valid');
  expect(validation.cases).toHaveLength(1 + (kernel.edgeCases?.().length ?? 0));
}

describe('the GPU kernels\' steps, emulated on the host', () => {
  it('legval: valid on the small cell, a degree 9 cell and every edge case (degrees 0 to 24, NaN)', async () => {
    await expectValid(legval as KernelDefinition, legvalEmulated, legval.sizes.small);
    await expectValid(legval as KernelDefinition, legvalEmulated, { nseries: 13, nx: 300, deg: 9 });
  });

  it('ghspots: valid on the small cell and every edge case (offsets at ±0.5, widths 0.3 and 3.0)', async () => {
    await expectValid(ghspots as KernelDefinition, ghspotsEmulated, ghspots.sizes.small);
  });

  it('kmeans: valid on the small cell, on several blocks of points with the intel shape, and on every edge case', async () => {
    await expectValid(kmeans as KernelDefinition, kmeansEmulated, kmeans.sizes.small);
    // 2500 points: two whole blocks of 1024 and a partial one.
    await expectValid(kmeans as KernelDefinition, kmeansEmulated, { n: 2500, d: 20, k: 10 });
  });

  it('kmeans: d above the register path (d = 40) is valid too', async () => {
    await expectValid(kmeans as KernelDefinition, kmeansEmulated, { n: 1500, d: 40, k: 5 }, 7);
  });

  it('kmeans: exact distances give the reference\'s labels to the bit, and its counts exactly', async () => {
    const params = { n: 3000, d: 20, k: 10 };
    const inputs = kmeans.generate(params, 5);
    const prepared = await kmeansEmulated.prepare(inputs.static, params);
    const got = prepared.run(inputs.perCall) as KmeansOutput;
    const want = kmeansReference(inputs, params);
    expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
    const counts = new Array(params.k).fill(0);
    for (const label of want.labels) counts[label]++;
    const out = emulate(['kmeans', '3000', '20', '10'], [inputs.static.x, inputs.perCall.centroids], 3000 + 200 + 10 + 1);
    expect(Array.from(out.subarray(3200, 3210))).toEqual(counts);
  });
});
