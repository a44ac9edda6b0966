// The legval reference against numpy's own legval (fixtures from scripts/make-fixtures.py), and
// every TypeScript rung against the reference on the kernel's edge cases and on real-shape inputs.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import legval, { legvalReference, type LegvalParams } from '../kernels/legval/index.js';
import naive, { legval as numpyStyleLegval } from '../variants/legval/naive.js';
import precomputed from '../variants/legval/precomputed.js';
import unrolled, { unrolledProductSource } from '../variants/legval/unrolled.js';
import { legendreBasis } from '../variants/legval/basis.js';
import { compareOutputs } from '../bench/validate/compare.js';
import { validateVariant } from '../bench/validate/validate.js';

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
  const variants = [naive, precomputed, unrolled];

  for (const variant of variants) {
    it(`${variant.name} matches numpy on every fixture`, async () => {
      for (const fixture of fixtures) {
        const inputs = inputsOf(fixture);
        const prepared = await variant.prepare(inputs.static, fixture.params);
        const figures = compareOutputs(prepared.run(inputs.perCall), toFloat64(fixture.expected), legval.tolerance);
        expect(figures.mismatches, `${variant.name} on ${fixture.name}`).toBe(0);
      }
    });

    it(`${variant.name} is valid on the tiny cell and every edge case`, async () => {
      const params = legval.sizes.tiny;
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
