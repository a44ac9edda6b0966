// The kmeans reference against numpy (fixtures from scripts/make-fixtures.py), the compare hook's
// tie rule, and every rung (each wasm build, each native level this CPU runs) against the reference
// on random clustered inputs and on the kernel's edge cases (empty clusters, duplicates, ties).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import kmeans, { kmeansCompare, kmeansReference, type KmeansOutput, type KmeansParams } from '../kernels/kmeans/index.js';
import naive from '../variants/kmeans/naive.js';
import precomputed from '../variants/kmeans/precomputed.js';
import unrolled, { unrolledPassSource } from '../variants/kmeans/unrolled.js';
import wasmBuilds from '../variants/kmeans/wasm.js';
import nativeBuilds from '../variants/kmeans/native.js';
import { BLOCK, packBlocks } from '../variants/kmeans/blocks.js';
import { loadNative } from '../native/index.js';
import { levelRank } from '../bench/env/cpu.js';
import { variantId } from '../bench/spec/define.js';
import { validateVariant } from '../bench/validate/validate.js';
import { runnableBuilds } from './helpers/builds.js';

interface Fixture {
  name: string;
  params: KmeansParams;
  x: number[];
  centroids: number[];
  expected: { labels: number[]; centroids: number[]; inertia: number };
}
const fixtures: Fixture[] = JSON.parse(readFileSync(new URL('./fixtures/kmeans.json', import.meta.url), 'utf8')).cases;
const inputsOf = (f: Fixture) => ({ static: { x: Float64Array.from(f.x) }, perCall: { centroids: Float64Array.from(f.centroids) } });
const expectedOf = (f: Fixture): KmeansOutput => ({
  labels: Int32Array.from(f.expected.labels),
  centroids: Float64Array.from(f.expected.centroids),
  inertia: f.expected.inertia,
});
/** Copies an output, so that a variant reusing its buffers cannot change it afterwards. */
const copy = (o: KmeansOutput): KmeansOutput => ({ labels: o.labels.slice(), centroids: o.centroids.slice(), inertia: o.inertia });

describe('kmeans reference vs numpy', () => {
  it('has fixtures for every edge the issue names', () => {
    const names = fixtures.map((f) => f.name).join(' | ');
    for (const needle of ['empty cluster', 'duplicate points', 'exact ties', 'k = 1', 'd = 1', 'duplicate centroids']) expect(names).toContain(needle);
  });

  for (const fixture of fixtures) {
    it(`agrees on "${fixture.name}": the same labels, centroids and inertia to 1e-12`, () => {
      const actual = kmeansReference(inputsOf(fixture), fixture.params);
      expect(Array.from(actual.labels)).toEqual(fixture.expected.labels);
      actual.centroids.forEach((v, q) => expect(Math.abs(v - fixture.expected.centroids[q])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
      expect(Math.abs(actual.inertia - fixture.expected.inertia)).toBeLessThanOrEqual(1e-12 * fixture.expected.inertia);
      const figures = kmeansCompare(actual, expectedOf(fixture), inputsOf(fixture), fixture.params, kmeans.tolerance);
      expect(figures.mismatches).toBe(0);
    });
  }

  it('keeps an empty cluster\'s centroid and breaks exact ties to the lowest index, as numpy\'s argmin', () => {
    const far = fixtures.find((f) => f.name.startsWith('empty cluster'))!;
    const out = kmeansReference(inputsOf(far), far.params);
    expect(Array.from(out.labels)).not.toContain(2);
    expect(Array.from(out.centroids.subarray(6, 9))).toEqual([1e3, -1e3, 1e3]);
    const grid = fixtures.find((f) => f.name.startsWith('exact ties'))!;
    const labels = kmeansReference(inputsOf(grid), grid.params).labels;
    // (1, 1) is at distance 2 from all four centroids: centroid 0 wins.
    expect(labels[grid.x.findIndex((_, i) => i % 2 === 0 && grid.x[i] === 1 && grid.x[i + 1] === 1) / 2]).toBe(0);
  });
});

describe('kmeans compare: the tie rule', () => {
  // Points on a line; centroids at 0 and 2: the point at 1 is an exact tie, the others are not.
  const params = { n: 4, d: 1, k: 2 };
  const inputs = { static: { x: Float64Array.of(-1, 1, 1.5, 3) }, perCall: { centroids: Float64Array.of(0, 2) } };
  const expected = kmeansReference(inputs, params);

  it('the reference puts the tied point in cluster 0', () => {
    expect(Array.from(expected.labels)).toEqual([0, 0, 1, 1]);
    expect(Array.from(expected.centroids)).toEqual([0, 2.25]);
  });

  it('accepts a label that differs at an exact tie, judging centroids and inertia by the variant\'s own labels', () => {
    // Point 1 in cluster 1: centroids become -1 and (1 + 1.5 + 3)/3; the inertia is unchanged.
    const tied = { labels: Int32Array.of(0, 1, 1, 1), centroids: Float64Array.of(-1, 5.5 / 3), inertia: expected.inertia };
    const figures = kmeansCompare(tied, expected, inputs, params, kmeans.tolerance);
    expect(figures.problem).toBeUndefined();
    expect(figures.mismatches).toBe(0);
  });

  it('rejects the tied label with the reference\'s centroids (they belong to other labels)', () => {
    const wrongCentroids = { labels: Int32Array.of(0, 1, 1, 1), centroids: expected.centroids, inertia: expected.inertia };
    expect(kmeansCompare(wrongCentroids, expected, inputs, params, kmeans.tolerance).mismatches).toBeGreaterThan(0);
  });

  it('rejects a wrong label (not a tie), naming it', () => {
    const wrong = { labels: Int32Array.of(1, 0, 1, 1), centroids: expected.centroids, inertia: expected.inertia };
    const figures = kmeansCompare(wrong, expected, inputs, params, kmeans.tolerance);
    expect(figures.mismatches).toBe(1);
    expect(figures.firstMismatch).toEqual({ field: 'labels', index: 0, actual: 1, expected: 0 });
  });

  it('rejects a label out of range', () => {
    const wrong = { labels: Int32Array.of(0, 0, 7, 1), centroids: expected.centroids, inertia: expected.inertia };
    expect(kmeansCompare(wrong, expected, inputs, params, kmeans.tolerance).firstMismatch?.index).toBe(2);
  });

  it('rejects a centroid or an inertia off by more than 1e-10 relative, and accepts 1e-12', () => {
    const off = (q: number, by: number) => {
      const centroids = expected.centroids.slice();
      centroids[q] *= 1 + by;
      return { labels: expected.labels, centroids, inertia: expected.inertia };
    };
    expect(kmeansCompare(off(1, 1e-12), expected, inputs, params, kmeans.tolerance).mismatches).toBe(0);
    const figures = kmeansCompare(off(1, 1e-8), expected, inputs, params, kmeans.tolerance);
    expect(figures.mismatches).toBe(1);
    expect(figures.firstMismatch?.field).toBe('centroids');
    const inertia = { ...expected, inertia: expected.inertia * (1 + 1e-9) };
    expect(kmeansCompare(inertia, expected, inputs, params, kmeans.tolerance).firstMismatch?.field).toBe('inertia');
  });

  it('judges a near-zero centroid coordinate against the size of its points, not of the mean', () => {
    // Cluster 0 holds -1 and 1 (mean 0): 1e-14 off is rounding, 1e-6 off is wrong.
    const p = { n: 3, d: 1, k: 2 };
    const inp = { static: { x: Float64Array.of(-1, 1, 10) }, perCall: { centroids: Float64Array.of(0, 10) } };
    const e = kmeansReference(inp, p);
    const near = (v: number) => ({ ...e, centroids: Float64Array.of(v, 10) });
    expect(kmeansCompare(near(1e-14), e, inp, p, kmeans.tolerance).mismatches).toBe(0);
    expect(kmeansCompare(near(1e-6), e, inp, p, kmeans.tolerance).mismatches).toBe(1);
  });

  it('reports a malformed output as a problem', () => {
    const short = { labels: new Int32Array(3), centroids: expected.centroids, inertia: 0 };
    expect(kmeansCompare(short, expected, inputs, params, kmeans.tolerance).problem).toMatch(/labels/);
  });
});

describe('kmeans rungs', () => {
  const runnableNative = runnableBuilds(wasmBuilds, nativeBuilds);
  const variants = [naive, precomputed, unrolled, ...wasmBuilds, ...runnableNative];

  it('packs X into blocks of 8 points, coordinate-major, zero-padded', () => {
    const n = 10, d = 3;
    const x = Float64Array.from({ length: n * d }, (_, q) => q + 1);
    const xb = packBlocks(x, n, d);
    expect(xb.length).toBe(2 * BLOCK * d);
    expect(xb[0 * BLOCK + 1]).toBe(x[1 * d + 0]);
    expect(xb[2 * BLOCK + 7]).toBe(x[7 * d + 2]);
    expect(xb[(1 * d + 1) * BLOCK + 1]).toBe(x[9 * d + 1]);
    expect(xb[(1 * d + 1) * BLOCK + 2]).toBe(0);
  });

  it('the native addon rejects wrong arguments with a TypeError, not a crash', () => {
    const addon = loadNative('x86-64');
    const c = new Float64Array(6);
    expect(() => addon.kmeans(new Float64Array(24), 3, 3, c, new Float64Array(3) as never, new Float64Array(6), new Float64Array(2))).toThrow(TypeError);
    expect(() => addon.kmeans(new Float64Array(23), 3, 3, c, new Int32Array(3), new Float64Array(6), new Float64Array(2))).toThrow(/xb.length/);
    expect(() => addon.kmeans(new Float64Array(24), 3, 3, new Float64Array(5), new Int32Array(3), new Float64Array(6), new Float64Array(2))).toThrow(/multiple of d/);
    expect(() => addon.kmeans(new Float64Array(24), 3, 3, c, new Int32Array(2), new Float64Array(6), new Float64Array(2))).toThrow(/labels.length/);
  });

  for (const variant of variants) {
    const id = variantId(variant.name, variant.target!);
    it(`${id} matches numpy on every fixture`, async () => {
      for (const fixture of fixtures) {
        const inputs = inputsOf(fixture);
        const prepared = await variant.prepare(inputs.static, fixture.params);
        const figures = kmeansCompare(prepared.run(inputs.perCall), expectedOf(fixture), inputs, fixture.params, kmeans.tolerance);
        expect(figures.mismatches, `${id} on ${fixture.name}: ${JSON.stringify(figures.firstMismatch)}`).toBe(0);
      }
    });

    it(`${id} is valid on the small cell and every edge case`, async () => {
      const params = kmeans.sizes.small;
      const validation = await validateVariant(kmeans, variant, { name: 'cell', params, inputs: kmeans.generate(params, 42) });
      expect(validation.message).toBeUndefined();
      expect(validation.status).toBe('valid');
      expect(validation.cases).toHaveLength(1 + kmeans.edgeCases!().length);
    });

    it(`${id} is valid on random inputs of several shapes, called twice (reused buffers)`, async () => {
      for (const [seed, params] of [[1, { n: 203, d: 7, k: 5 }], [2, { n: 64, d: 20, k: 10 }], [3, { n: 9, d: 2, k: 9 }]] as const) {
        const inputs = kmeans.generate(params, seed);
        const prepared = await variant.prepare(inputs.static, params);
        const first = copy(prepared.run(inputs.perCall));
        const next = { centroids: first.centroids };
        const second = prepared.run(next);
        expect(kmeansCompare(first, kmeansReference(inputs, params), inputs, params, kmeans.tolerance).mismatches, `${id} ${seed}`).toBe(0);
        const again = { static: inputs.static, perCall: next };
        expect(kmeansCompare(second, kmeansReference(again, params), again, params, kmeans.tolerance).mismatches, `${id} ${seed} second`).toBe(0);
      }
    });
  }

  it('unrolled, wasm@scalar and the native levels without FMA agree with the reference to the bit', async () => {
    const params = { n: 301, d: 20, k: 10 };
    const inputs = kmeans.generate(params, 5);
    const expected = kmeansReference(inputs, params);
    const exact = [unrolled, wasmBuilds[0], ...runnableNative.filter((v) => levelRank(v.target!) < levelRank('x86-64-v4'))];
    for (const variant of exact) {
      const out = (await variant.prepare(inputs.static, params)).run(inputs.perCall);
      expect(Array.from(out.labels), variant.target).toEqual(Array.from(expected.labels));
      expect(Array.from(out.centroids), variant.target).toEqual(Array.from(expected.centroids));
      expect(out.inertia, variant.target).toBe(expected.inertia);
    }
  });

  for (const variant of [precomputed, wasmBuilds[1]]) {
  it(`${variantId(variant.name, variant.target!)} (|x|² - 2x·c + |c|²) corrects near-ties: a point almost equidistant lands where the exact distance says`, async () => {
    // Far from the origin, |x|² - 2x·c + |c|² loses ~10 digits: without the exact recheck the
    // labels of points within 1e-7 of the midpoint would be noise.
    const x = Float64Array.from({ length: 50 }, (_, i) => 1e5 + 1 + (i - 25) * 1e-7);
    const params = { n: 50, d: 1, k: 2 };
    const inputs = { static: { x }, perCall: { centroids: Float64Array.of(1e5, 1e5 + 2) } };
    const out = (await variant.prepare(inputs.static, params)).run(inputs.perCall);
    expect(kmeansCompare(out, kmeansReference(inputs, params), inputs, params, kmeans.tolerance).mismatches).toBe(0);
  });
  }

  it('unrolled generates one expression per distance, specialised for d', () => {
    expect(unrolledPassSource(3)).toContain('u0 * u0 + u1 * u1 + u2 * u2');
    expect(unrolledPassSource(1)).not.toContain('u1');
  });

  it('generates the same inputs for the same seed, clustered, centroids on data points', () => {
    const params = kmeans.sizes.small;
    const a = kmeans.generate(params, 7);
    expect(Array.from(kmeans.generate(params, 7).perCall.centroids)).toEqual(Array.from(a.perCall.centroids));
    expect(Array.from(kmeans.generate(params, 8).perCall.centroids)).not.toEqual(Array.from(a.perCall.centroids));
    const { d } = params;
    const c0 = Array.from(a.perCall.centroids.subarray(0, d));
    let found = false;
    for (let i = 0; i < params.n && !found; i++) found = Array.from(a.static.x.subarray(i * d, (i + 1) * d)).every((v, j) => v === c0[j]);
    expect(found).toBe(true);
  });

  it('has the issue\'s sizes and work model', () => {
    expect(kmeans.sizes).toEqual({ tiny: { n: 64, d: 3, k: 4 }, small: { n: 10000, d: 8, k: 8 }, intel: { n: 1000000, d: 20, k: 10 } });
    expect(kmeans.elements(kmeans.sizes.intel)).toBe(1e6);
    expect(kmeans.work({ n: 10, d: 2, k: 3 })).toEqual({ flops: 3 * 60 + 20, bytes: 8 * 20 + 40 + 16 * 6 });
  });
});
