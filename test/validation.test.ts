// Comparison figures and the validator's verdicts: valid, invalid (wrong numbers), failed (threw).

import { describe, expect, it } from 'vitest';
import { defineKernel, defineVariant } from '../bench/spec/define.js';
import { compareOutputs, ulpDistance } from '../bench/validate/compare.js';
import { KernelFault, validateVariant } from '../bench/validate/validate.js';
import legval from '../kernels/legval/index.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../kernels/legval/index.js';

const tolerance = { abs: 1e-12, rel: 1e-12, ulp: 4 };

describe('ulpDistance', () => {
  it('counts representable doubles between two values', () => {
    expect(ulpDistance(1, 1)).toBe(0);
    expect(ulpDistance(1, 1 + Number.EPSILON)).toBe(1);
    expect(ulpDistance(1, 1 + 3 * Number.EPSILON)).toBe(3);
    expect(ulpDistance(0, -0)).toBe(0);
    expect(ulpDistance(Number.MIN_VALUE, -Number.MIN_VALUE)).toBe(2);
    expect(ulpDistance(2, 1)).toBe(2 ** 52);
    expect(ulpDistance(-1, -1 - Number.EPSILON)).toBe(1);
    expect(ulpDistance(1, 1 - Number.EPSILON / 2)).toBe(1); // spacing halves below 1
    expect(ulpDistance(1e300, 1e300 * (1 + 4 * Number.EPSILON))).toBeGreaterThanOrEqual(3);
  });
});

describe('compareOutputs', () => {
  it('reports the largest errors and counts nothing as a mismatch inside the tolerance', () => {
    const f = compareOutputs(Float64Array.of(1, 2 + 1e-13, 3), Float64Array.of(1, 2, 3), tolerance);
    expect(f.mismatches).toBe(0);
    expect(f.checked).toBe(3);
    expect(Math.abs(f.maxAbsError - 1e-13)).toBeLessThan(1e-15);
    expect(Math.abs(f.maxRelError - 5e-14)).toBeLessThan(1e-15);
  });

  it('flags values outside the tolerance and says where the first one is', () => {
    const f = compareOutputs(Float64Array.of(1, 2.5, 3, 9), Float64Array.of(1, 2, 3, 4), tolerance);
    expect(f.mismatches).toBe(2);
    expect(f.firstMismatch).toEqual({ field: 'value', index: 1, actual: 2.5, expected: 2 });
  });

  it('passes a huge value a few ulps away, by the ulp criterion', () => {
    const big = 1e300;
    expect(compareOutputs([big * (1 + 2 * Number.EPSILON)], [big], tolerance).mismatches).toBe(0);
  });

  it('demands NaN where the reference has NaN, and nowhere else', () => {
    expect(compareOutputs([NaN, 1], [NaN, 1], tolerance).mismatches).toBe(0);
    expect(compareOutputs([0, 1], [NaN, 1], tolerance).mismatches).toBe(1);
    expect(compareOutputs([NaN, 1], [0, 1], tolerance).mismatches).toBe(1);
    expect(compareOutputs([Infinity], [-Infinity], tolerance).mismatches).toBe(1);
  });

  it('compares named fields and scalars, and rejects a wrong shape', () => {
    const expected = { labels: Int32Array.of(0, 1), inertia: 2.5 };
    expect(compareOutputs({ labels: [0, 1], inertia: 2.5 }, expected, tolerance).mismatches).toBe(0);
    expect(compareOutputs({ labels: [0, 1], inertia: 2.6 }, expected, tolerance).mismatches).toBe(1);
    expect(compareOutputs({ labels: [0, 1] }, expected, tolerance).problem).toMatch(/no field inertia/);
    expect(compareOutputs(Float64Array.of(1), Float64Array.of(1, 2), tolerance).problem).toMatch(/1 values, expected 2/);
    expect(compareOutputs('nope' as never, Float64Array.of(1), tolerance).problem).toMatch(/expected an array/);
  });
});

describe('validateVariant', () => {
  const params = legval.sizes.tiny;
  const cell = { name: 'cell', params, inputs: legval.generate(params, 42) };

  const wrong = defineVariant<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>({
    kernel: 'legval',
    name: 'off-by-one',
    rung: 'naive',
    description: 'drops the last coefficient',
    prepare: (s, p) => ({
      run: ({ coefficients }) => {
        const truncated = legval.reference(
          { static: s, perCall: { coefficients: coefficients.map((c, i) => (i % (p.deg + 1) === p.deg ? 0 : c)) } },
          p,
        );
        return truncated;
      },
    }),
  });
  const throwing = defineVariant<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>({
    kernel: 'legval',
    name: 'throws',
    rung: 'naive',
    description: 'throws on degree 0',
    prepare: (s, p) => ({
      run: (c) => {
        if (p.deg === 0) throw new Error('degree 0 not supported');
        return legval.reference({ static: s, perCall: c }, p);
      },
    }),
  });

  it('marks wrong numbers invalid, with the first mismatch in the message', async () => {
    const v = await validateVariant(legval, wrong, cell);
    expect(v.status).toBe('invalid');
    // Every call compared (A, B, A, then A's object holding B's values): 4 x 231 values.
    expect(v.message).toMatch(/^cell: \d+ of 924 values outside tolerance in 4 calls; first in call 1 of 4 \(input A\) at value\[\d+\]/);
    expect(v.maxAbsError).toBeGreaterThan(1e-3);
  });

  it('marks a variant that throws as failed and names the case', async () => {
    const v = await validateVariant(legval, throwing, cell);
    expect(v.status).toBe('failed');
    expect(v.message).toBe('degree 0: variant threw Error: degree 0 not supported');
  });

  it('blames the kernel, not the variant, when the reference throws', async () => {
    const broken = defineKernel({ ...legval, reference: () => { throw new Error('boom'); } });
    await expect(validateVariant(broken, wrong, cell)).rejects.toThrow(KernelFault);
  });
});

describe('defineKernel and defineVariant', () => {
  it('reject definitions that cannot work, with the kernel named', () => {
    expect(() => defineKernel({ ...legval, name: 'Bad Name' })).toThrow(/name must be lower-case/);
    expect(() => defineKernel({ ...legval, sizes: {} })).toThrow(/at least one size/);
    expect(() => defineKernel({ ...legval, sizes: { tiny: { n: NaN } } } as never)).toThrow(/size tiny: parameter n must be a finite number/);
    expect(() => defineKernel({ ...legval, tolerance: { abs: -1, rel: 0, ulp: 0 } })).toThrow(/tolerance/);
    expect(() => defineKernel({ ...legval, reference: undefined } as never)).toThrow(/reference must be a function/);
    expect(() => defineKernel({ ...legval, quickSizes: ['huge'] })).toThrow(/unknown size huge/);
    expect(() => defineKernel({ ...legval, defaultSizes: ['huge'] })).toThrow(/defaultSizes names unknown size huge/);
    expect(() => defineKernel({ ...legval, defaultSizes: [] })).toThrow(/defaultSizes must name at least one size/);
    expect(() => defineKernel({ ...legval, sizes: { all: legval.sizes.tiny } })).toThrow(/size name "all" is reserved/);
    expect(() => defineKernel({ ...legval, perCall: 3 } as never)).toThrow(/perCall must be a function/);
    expect(() => defineVariant({ kernel: 'legval', name: 'x', rung: 'naive', description: '', prepare: 3 } as never)).toThrow(/prepare must be a function/);
  });

  it('mark what they define and default the target to js', () => {
    const v = defineVariant({ kernel: 'k', name: 'v', rung: 'naive', description: 'd', prepare: () => ({ run: () => [1] }) });
    expect(v.hotbench).toBe('hotbench.variant');
    expect(v.target).toBe('js');
    expect(legval.hotbench).toBe('hotbench.kernel');
  });
});
