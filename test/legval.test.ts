// The legval reference against numpy's own legval (fixtures from scripts/make-fixtures.py), and
// every TypeScript rung against the reference on the kernel's edge cases and on real-shape inputs.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import legval, { legvalReference, type LegvalParams } from '../kernels/legval/index.js';
import naive, { legval as numpyStyleLegval } from '../variants/legval/naive.js';
import precomputed from '../variants/legval/precomputed.js';
import unrolled, { unrolledProductSource } from '../variants/legval/unrolled.js';
import { legendreBasis } from '../variants/legval/basis.js';
import wasmBuilds from '../variants/legval/wasm.js';
import nativeBuilds from '../variants/legval/native.js';
import { loadNative, nativeStatus, NATIVE_LEVELS } from '../native/index.js';
import { levelRank, readCpuInfo } from '../bench/env/cpu.js';
import { variantId } from '../bench/spec/define.js';
import { compareOutputs } from '../bench/validate/compare.js';
import { validateVariant } from '../bench/validate/validate.js';
import { runnableBuilds } from './helpers/builds.js';

interface Fixture {
  name: string;
  params: LegvalParams;
  x: (number | 'NaN')[];
  coefficients: (number | 'NaN')[];
  expected: (number | 'NaN')[];
}
const toFloat64 = (values: (number | 'NaN')[]) => Float64Array.from(values, (v) => (v === 'NaN' ? NaN : v));
const fixtures: Fixture[] = JSON.parse(readFileSync(new URL('./fixtures/legval.json', import.meta.url), 'utf8')).cases;
const inputsOf = (f: Fixture) => ({ static: { x: toFloat64(f.x) }, perCall: { coefficients: toFloat64(f.coefficients) } });

describe('legval reference vs numpy.polynomial.legendre.legval', () => {
  it('has fixtures for every edge the issue names', () => {
    const names = fixtures.map((f) => f.name).join(' | ');
    for (const needle of ['deg 0', 'deg 1', 'deg 24', 'x = -1, 0, +1', 'NaN coefficient', 'NaN x']) expect(names).toContain(needle);
  });

  for (const fixture of fixtures) {
    it(`agrees on "${fixture.name}"`, () => {
      const actual = legvalReference(inputsOf(fixture), fixture.params);
      const figures = compareOutputs(actual, toFloat64(fixture.expected), legval.tolerance);
      expect(figures.problem).toBeUndefined();
      expect(figures.mismatches).toBe(0);
      // Same recurrence as numpy, so far tighter than the tolerance: a few ulps of O(1) values.
      expect(figures.maxAbsError).toBeLessThan(1e-14);
    });
  }

  it('propagates NaN exactly where numpy does', () => {
    const fixture = fixtures.find((f) => f.name === 'NaN coefficient')!;
    const out = legvalReference(inputsOf(fixture), fixture.params);
    const nx = fixture.params.nx;
    expect(Array.from(out.subarray(nx, 2 * nx)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(0, nx)).some(Number.isNaN)).toBe(false);
  });
});

describe('legval rungs', () => {
  const host = readCpuInfo().x86Level;
  const runnableNative = runnableBuilds(wasmBuilds, nativeBuilds);
  const variants = [naive, precomputed, unrolled, ...wasmBuilds, ...runnableNative];

  it('loads each native level that was built, side by side in one process, each compiled for its level', () => {
    const built = NATIVE_LEVELS.filter((level) => nativeStatus(level) === true);
    expect(built.length).toBeGreaterThan(0);
    for (const level of built) expect(loadNative(level).level()).toBe(level);
  });

  it('refuses a native level above this CPU\'s, with the reason', () => {
    if (host === 'x86-64-v4' || host === null) return expect(nativeStatus('x86-64-v9')).toMatch(/unknown x86-64 level/);
    expect(nativeStatus('x86-64-v4')).toBe(`this CPU supports up to ${host}`);
  });

  it('the native addon rejects wrong arguments with a TypeError, not a crash', () => {
    const addon = loadNative('x86-64');
    expect(() => addon.legval(new Float64Array(4), new Float32Array(4) as never, 3, new Float64Array(4))).toThrow(TypeError);
    expect(() => addon.legval(new Float64Array(4), new Float64Array(4), 3, new Float64Array(3))).toThrow(/out.length/);
    expect(() => addon.legval(new Float64Array(4), new Float64Array(5), 3, new Float64Array(8))).toThrow(/multiple of deg \+ 1/);
  });

  it('the native addon reads typed-array views at their offset (no copies, no misreads)', () => {
    const addon = loadNative('x86-64');
    const backing = new Float64Array(16);
    backing.set([0.1, -0.5, 0.9], 5);
    const x = backing.subarray(5, 8);
    const c = Float64Array.of(0.3, -0.2, 0.1, 0.05);
    const out = new Float64Array(3);
    addon.legval(x, c, 3, out);
    const expected = legvalReference({ static: { x: Float64Array.from(x) }, perCall: { coefficients: c } }, { nseries: 1, nx: 3, deg: 3 });
    expect(compareOutputs(out, expected, legval.tolerance).mismatches).toBe(0);
  });

  for (const variant of variants) {
    it(`${variantId(variant.name, variant.target!)} matches numpy on every fixture`, async () => {
      for (const fixture of fixtures) {
        const inputs = inputsOf(fixture);
        const prepared = await variant.prepare(inputs.static, fixture.params);
        const figures = compareOutputs(prepared.run(inputs.perCall), toFloat64(fixture.expected), legval.tolerance);
        expect(figures.mismatches, `${variantId(variant.name, variant.target!)} on ${fixture.name}`).toBe(0);
      }
    });

    it(`${variantId(variant.name, variant.target!)} is valid on the small cell and every edge case`, async () => {
      const params = legval.sizes.small;
      const validation = await validateVariant(legval, variant, { name: 'cell', params, inputs: legval.generate(params, 42) });
      expect(validation.message).toBeUndefined();
      expect(validation.status).toBe('valid');
      expect(validation.cases).toHaveLength(1 + legval.edgeCases!().length);
    });
  }

  it('precomputed and unrolled agree to the bit (same order of summation)', async () => {
    const params = { nseries: 9, nx: 101, deg: 9 };
    const inputs = legval.generate(params, 3);
    const a = (await precomputed.prepare(inputs.static, params)).run(inputs.perCall).slice();
    const b = (await unrolled.prepare(inputs.static, params)).run(inputs.perCall).slice();
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('the naive legval is numpy-shaped: scalar and array forms agree', () => {
    const c = [0.5, -0.25, 0.125, 0.3];
    const x = [-1, -0.3, 0, 0.7, 1];
    const vector = numpyStyleLegval(x, c);
    x.forEach((xi, i) => expect(numpyStyleLegval(xi, c)).toBeCloseTo(vector[i], 14));
  });

  it('the basis table holds P_k(x): P2 = (3x²-1)/2, P3 = (5x³-3x)/2', () => {
    const x = Float64Array.of(-1, -0.4, 0.25, 1);
    const basis = legendreBasis(x, 3);
    x.forEach((xi, i) => {
      expect(basis[i]).toBe(1);
      expect(basis[4 + i]).toBe(xi);
      expect(basis[8 + i]).toBeCloseTo((3 * xi * xi - 1) / 2, 15);
      expect(basis[12 + i]).toBeCloseTo((5 * xi ** 3 - 3 * xi) / 2, 15);
    });
  });

  it('unrolled generates one expression per value, specialised by degree', () => {
    expect(unrolledProductSource(3)).toContain('a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3');
    expect(unrolledProductSource(0)).not.toContain('v1');
  });

  it('naive allocates a fresh output per call; precomputed reuses its buffer', async () => {
    const params = legval.sizes.tiny;
    const inputs = legval.generate(params, 1);
    const n = await naive.prepare(inputs.static, params);
    expect(n.run(inputs.perCall)).not.toBe(n.run(inputs.perCall));
    const p = await precomputed.prepare(inputs.static, params);
    expect(p.run(inputs.perCall)).toBe(p.run(inputs.perCall));
  });

  it('generates the same inputs for the same seed and different ones for another', () => {
    const params = legval.sizes.small;
    const a = legval.generate(params, 7).perCall.coefficients;
    expect(Array.from(legval.generate(params, 7).perCall.coefficients)).toEqual(Array.from(a));
    expect(Array.from(legval.generate(params, 8).perCall.coefficients)).not.toEqual(Array.from(a));
  });

  it('has the real DESI sizes and a matrix-product work model', () => {
    expect(legval.sizes.desi).toEqual({ nseries: 1425, nx: 2326, deg: 3 });
    expect(legval.sizes['desi-trace']).toEqual({ nseries: 1425, nx: 2326, deg: 9 });
    expect(legval.elements(legval.sizes.desi)).toBe(1425 * 2326);
    expect(legval.work({ nseries: 2, nx: 10, deg: 3 })).toEqual({ flops: 2 * 4 * 20, bytes: 8 * (10 + 8 + 20) });
  });
});
