// The parallel rungs against the reference, and the fixed order of kmeans' reduction: for the same
// number of workers every backend (threads, processes, native-threads, mpi) gives the same bits, again
// and again, and p = 1 gives the native rung's bits; another p stays within the tolerance. legval
// and ghspots split rows and reduce nothing: every p gives the native rung's bits. MPI runs with 2
// ranks under mpirun; where MPI is missing the test is skipped with the reason, except under CI
// (CI=true), where it must be there.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import ghspots from '../kernels/ghspots/index.js';
import kmeans, { kmeansCompare, kmeansReference, type KmeansOutput } from '../kernels/kmeans/index.js';
import legval from '../kernels/legval/index.js';
import { bestNativeLevel } from '../native/index.js';
import { mpiStatus } from '../native/mpi.js';
import ghspotsParallel from '../variants/ghspots/parallel.js';
import kmeansNative from '../variants/kmeans/native.js';
import kmeansParallel from '../variants/kmeans/parallel.js';
import legvalNative from '../variants/legval/native.js';
import ghspotsNative from '../variants/ghspots/native.js';
import legvalParallel from '../variants/legval/parallel.js';
import { compareOutputs } from '../bench/validate/compare.js';
import { launcherArgs, mpiLauncher } from '../bench/measure/launcher.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const level = bestNativeLevel();
const inProcess = ['threads', 'processes', 'native-threads'];
const byName = <V extends { name: string }>(variants: readonly V[], name: string) => variants.find((v) => v.name === name)!;
const nativeAt = <V extends { target?: string }>(variants: readonly V[]) => variants.find((v) => v.target === level)!;

const mpi = mpiStatus();
const ci = process.env.CI === 'true';
if (mpi !== true && !ci) console.warn(`MPI tests skipped: ${mpi}`);

/** Copies an output, so that a variant reusing its buffers cannot change it afterwards. */
const copy = (o: KmeansOutput): KmeansOutput => ({ labels: o.labels.slice(), centroids: o.centroids.slice(), inertia: o.inertia });
const bits = (o: KmeansOutput) => ({ labels: Array.from(o.labels), centroids: Array.from(o.centroids), inertia: o.inertia });

describe('kmeans: the fixed reduction order', () => {
  const params = { n: 20_003, d: 20, k: 10 };
  const inputs = kmeans.generate(params, 5);
  const expected = kmeansReference(inputs, params);

  it(`every backend gives the same bits for the same p, twice; p = 1 the native rung's (native@${level}); any p within tolerance`, async () => {
    const serial = copy((await nativeAt(kmeansNative).prepare(inputs.static, params, { workers: 1 })).run(inputs.perCall) as KmeansOutput);
    for (const p of [1, 2, 3]) {
      const outputs: { name: string; output: KmeansOutput }[] = [];
      for (const name of inProcess) {
        for (let repeat = 0; repeat < 2; repeat++) {
          const prepared = await byName(kmeansParallel, name).prepare(inputs.static, params, { workers: p });
          try {
            outputs.push({ name, output: copy(await prepared.run(inputs.perCall)) });
          } finally {
            await prepared.dispose?.();
          }
        }
      }
      const first = bits(outputs[0].output);
      for (const { name, output } of outputs) expect(bits(output), `${name} p=${p}`).toEqual(first);
      if (p === 1) expect(first).toEqual(bits(serial));
      const figures = kmeansCompare(outputs[0].output, expected, inputs, params, kmeans.tolerance);
      expect(figures.mismatches, `p=${p}: ${JSON.stringify(figures.firstMismatch)}`).toBe(0);
    }
  });
});

describe('legval and ghspots: rows split, nothing reduced', () => {
  it('every backend at every p gives the native rung\'s bits', async () => {
    const cases = [
      { kernel: legval, params: { nseries: 37, nx: 101, deg: 5 }, native: nativeAt(legvalNative), parallel: legvalParallel },
      { kernel: ghspots, params: { nspots: 29 }, native: nativeAt(ghspotsNative), parallel: ghspotsParallel },
    ] as const;
    for (const { kernel, params, native, parallel } of cases) {
      const inputs = (kernel.generate as (p: unknown, s: number) => { static: unknown; perCall: unknown })(params, 3);
      const serial = Array.from((await (native.prepare as (s: unknown, p: unknown, c: unknown) => Promise<{ run(x: unknown): Float64Array }>)(inputs.static, params, { workers: 1 })).run(inputs.perCall));
      const reference = (kernel.reference as (i: unknown, p: unknown) => Float64Array)(inputs, params);
      expect(compareOutputs(Float64Array.from(serial), reference, kernel.tolerance).mismatches).toBe(0);
      for (const p of [1, 2, 3]) {
        for (const name of inProcess) {
          const variant = parallel.find((v) => v.name === name)!;
          const prepared = await (variant.prepare as (s: unknown, p: unknown, c: unknown) => Promise<{ run(x: unknown): Float64Array | Promise<Float64Array>; dispose?(): unknown }>)(inputs.static, params, { workers: p });
          try {
            expect(Array.from(await prepared.run(inputs.perCall)), `${kernel.name} ${name} p=${p}`).toEqual(serial);
          } finally {
            await prepared.dispose?.();
          }
        }
      }
    }
  });
});

describe.skipIf(mpi !== true && !ci)('mpi with 2 ranks', () => {
  it('under mpirun, rank 0 gets the same bits twice as every in-process backend at p = 2, and the harness validates and measures it', () => {
    if (mpi !== true) throw new Error(`MPI must be installed under CI (.ci/run installs openmpi-bin and libopenmpi-dev): ${mpi}`);
    const launcher = mpiLauncher();
    if (typeof launcher === 'string') throw new Error(launcher);
    const driver = path.join(root, 'test', 'fixtures', 'mpi-kmeans.mjs');
    const r = spawnSync(launcher.command, [...launcherArgs(launcher, { ranks: 2, oversubscribe: false, forward: [] }), process.execPath, driver], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);
    expect(report).toEqual({ ranks: 2, sameTwice: true, sameAsThreads: true, mismatches: 0 });

    const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
    expect(existsSync(cli)).toBe(true);
    const run = spawnSync(process.execPath, [cli, 'scale', '--kernel', 'kmeans', '--size', 'tiny', '--variant', 'mpi', '--workers', '1,2', '--rounds', '1', '--time', '10', '--warmup', '2', '--no-progress', '--no-roofline', '--out', path.join(mkdtempSync(path.join(os.tmpdir(), 'hotbench-mpi-test-')), 'results.json')], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/mpi@x86-64[-v\d]* +2 /);
  });
});
