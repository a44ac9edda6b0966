// ghspots: the erfc on its own (against scipy.special.erfc and exact mpmath values), the reference
// against numpy/scipy (fixtures from scripts/make-fixtures.py), and every rung against the reference
// on random and edge inputs.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ghspots, { ghspotsReference, pghReference, SPOT, type GhspotsParams, type GhspotsPerCall } from '../kernels/ghspots/index.js';
import { erfc } from '../kernels/ghspots/erfc.js';
import naive, { HermiteE } from '../variants/ghspots/naive.js';
import precomputed from '../variants/ghspots/precomputed.js';
import unrolled from '../variants/ghspots/unrolled.js';
import nativeBuilds from '../variants/ghspots/native.js';
import wasmBuilds from '../variants/ghspots/wasm.js';
import { loadNative } from '../native/index.js';
import { levelRank, readCpuInfo } from '../bench/env/cpu.js';
import { variantId } from '../bench/spec/define.js';
import { compareOutputs } from '../bench/validate/compare.js';
import { validateVariant } from '../bench/validate/validate.js';
import type { VariantDefinition } from '../bench/types.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const MIN_NORMAL = 2.2250738585072014e-308;

describe('erfc (Cody) against scipy.special.erfc', () => {
  const { x, expected, exact } = fixture('erfc.json') as { x: number[]; expected: number[]; exact: number[] };
  const relative = (a: number, e: number) => Math.abs(a - e) / Math.abs(e);

  it('covers the whole line: near 0, both tails to 26.5 and beyond, underflow', () => {
    expect(Math.min(...x)).toBeLessThan(-26.5);
    expect(Math.max(...x)).toBeGreaterThan(26.5);
    expect(x.some((v) => v > 0 && v < 1e-100)).toBe(true);
    expect(expected.some((v) => v > 0 && v < MIN_NORMAL)).toBe(true); // subnormal results
    expect(x.filter((v) => v > 26).length).toBeGreaterThan(5);
  });

  it('relative error <= 1e-14 wherever the result is a normal double (scipy, or exact where scipy is off)', () => {
    let checked = 0;
    x.forEach((v, i) => {
      if (Math.abs(exact[i]) < MIN_NORMAL) return;
      checked++;
      const actual = erfc(v);
      // Against the exact value everywhere.
      expect(relative(actual, exact[i]), `erfc(${v}) vs exact`).toBeLessThanOrEqual(1e-14);
      // Against scipy wherever scipy itself is within 1e-14 (it is not at a few far-tail points).
      if (relative(expected[i], exact[i]) <= 1e-15) expect(relative(actual, expected[i]), `erfc(${v}) vs scipy`).toBeLessThanOrEqual(1e-14);
    });
    expect(checked).toBeGreaterThan(500);
  });

  it('agrees with scipy at most at scipy\'s own error plus 1e-14 everywhere it is normal', () => {
    x.forEach((v, i) => {
      if (Math.abs(exact[i]) < MIN_NORMAL) return;
      const scipyError = relative(expected[i], exact[i]);
      expect(relative(erfc(v), expected[i]), `erfc(${v})`).toBeLessThanOrEqual(scipyError + 1e-14);
    });
  });

  it('underflows gracefully: subnormal or 0 beyond 26.55, 2 on the far negative side, NaN in NaN out', () => {
    x.forEach((v, i) => {
      if (Math.abs(exact[i]) >= MIN_NORMAL) return;
      expect(Math.abs(erfc(v) - exact[i])).toBeLessThan(1e-310);
    });
    expect(erfc(1e10)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erfc(0)).toBe(1);
    expect(Number.isNaN(erfc(Number.NaN))).toBe(true);
  });
});

interface SpotFixture extends Record<'dx' | 'dy' | 'sx' | 'sy' | 'g' | 'expected', number[]> {
  name: string;
  params: GhspotsParams;
}
const spotFixtures: SpotFixture[] = fixture('ghspots.json').cases;
const perCallOf = (f: SpotFixture): GhspotsPerCall => ({
  dx: Float64Array.from(f.dx), dy: Float64Array.from(f.dy), sx: Float64Array.from(f.sx), sy: Float64Array.from(f.sy), g: Float64Array.from(f.g),
});

describe('ghspots reference vs numpy/scipy', () => {
  it('has fixtures for the extreme offsets, widths and a pure Gaussian', () => {
    const names = spotFixtures.map((f) => f.name).join(' | ');
    for (const needle of ['-0.5', 'just below 0.5', 'widths 0.3', 'widths 3.0', 'only G00', 'random']) expect(names).toContain(needle);
  });

  for (const f of spotFixtures) {
    it(`agrees on "${f.name}"`, () => {
      const actual = ghspotsReference({ static: {}, perCall: perCallOf(f) }, f.params);
      const figures = compareOutputs(actual, Float64Array.from(f.expected), ghspots.tolerance);
      expect(figures.problem).toBeUndefined();
      expect(figures.mismatches).toBe(0);
      expect(figures.maxAbsError).toBeLessThan(2e-15);
    });
  }

  it('a pure Gaussian spot integrates to the mass inside the stamp, and the pixel integrals telescope', () => {
    const py = pghReference(5, 0.1, 1.1);
    const mass = Array.from(py.subarray(0, 11)).reduce((a, b) => a + b, 0);
    expect(mass).toBeCloseTo(erfc(-5.4 / 1.1 / Math.SQRT2) / 2 - erfc(5.6 / 1.1 / Math.SQRT2) / 2, 15);
    // Σ_p pgh_1[p] = φ(u_first) - φ(u_last): the inner edges cancel.
    const phi = (u: number) => Math.exp((-u * u) / 2) / Math.sqrt(2 * Math.PI);
    const sum1 = Array.from(py.subarray(11, 22)).reduce((a, b) => a + b, 0);
    expect(sum1).toBeCloseTo(phi(-5.6 / 1.1) - phi(5.4 / 1.1), 15);
  });
});

function ghspotsRungTests(variants: readonly VariantDefinition[]): void {
  for (const variant of variants) {
    const id = variantId(variant.name, variant.target ?? 'js');
    it(`${id} matches numpy/scipy on every fixture`, async () => {
      for (const f of spotFixtures) {
        const prepared = await variant.prepare({}, f.params);
        const figures = compareOutputs(prepared.run(perCallOf(f)) as Float64Array, Float64Array.from(f.expected), ghspots.tolerance);
        expect(figures.mismatches, `${id} on ${f.name}`).toBe(0);
      }
    });

    it(`${id} is valid on the small cell and every edge case`, async () => {
      const params = ghspots.sizes.small;
      const validation = await validateVariant(ghspots, variant, { name: 'cell', params, inputs: ghspots.generate(params, 42) });
      expect(validation.message).toBeUndefined();
      expect(validation.status).toBe('valid');
      expect(validation.cases).toHaveLength(1 + ghspots.edgeCases!().length);
    });

    it(`${id} is valid on random inputs of several seeds and odd counts`, async () => {
      for (const [nspots, seed] of [[1, 11], [7, 12], [33, 13]] as const) {
        const inputs = ghspots.generate({ nspots }, seed);
        const prepared = await variant.prepare(inputs.static, { nspots });
        const actual = prepared.run(inputs.perCall) as Float64Array;
        expect(actual.length).toBe(nspots * SPOT);
        const figures = compareOutputs(actual, ghspotsReference(inputs, { nspots }), ghspots.tolerance);
        expect(figures.mismatches, `${id} nspots=${nspots}`).toBe(0);
      }
    });
  }
}

describe('ghspots TypeScript rungs', () => {
  ghspotsRungTests([naive, precomputed, unrolled] as unknown as VariantDefinition[]);

  it('naive builds hermitenorm objects: He3 = x³ - 3x, He4 = x⁴ - 6x² + 3', () => {
    expect(new HermiteE(3).coefficients).toEqual([1, 0, -3, 0]);
    expect(new HermiteE(4).coefficients).toEqual([1, 0, -6, 0, 3]);
    expect(new HermiteE(0).evaluate(2.5)).toBe(1);
  });

  it('precomputed and unrolled reuse their output buffer; naive allocates one per call', async () => {
    const params = ghspots.sizes.tiny;
    const inputs = ghspots.generate(params, 1);
    const n = await naive.prepare(inputs.static, params);
    expect(n.run(inputs.perCall)).not.toBe(n.run(inputs.perCall));
    for (const v of [precomputed, unrolled]) {
      const p = await v.prepare(inputs.static, params);
      expect(p.run(inputs.perCall)).toBe(p.run(inputs.perCall));
    }
  });

  it('generates the same inputs for the same seed, DESI-like ranges, and the real sizes', () => {
    const a = ghspots.generate(ghspots.sizes.small, 7).perCall;
    expect(Array.from(ghspots.generate(ghspots.sizes.small, 7).perCall.g)).toEqual(Array.from(a.g));
    expect(Array.from(ghspots.generate(ghspots.sizes.small, 8).perCall.dx)).not.toEqual(Array.from(a.dx));
    expect(Math.min(...a.dx)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...a.dx)).toBeLessThan(0.5);
    expect(Math.min(...a.sx)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...a.sy)).toBeLessThan(1.2);
    expect(a.g[0]).toBe(1);
    expect(ghspots.sizes).toEqual({ tiny: { nspots: 16 }, small: { nspots: 1000 }, desi: { nspots: 58150 } });
    expect(ghspots.elements(ghspots.sizes.desi)).toBe(58150 * 187);
  });
});

describe('ghspots compiled rungs', () => {
  // Every build this machine can run: a level the CPU supports but that is missing is a failed build.
  const host = readCpuInfo().x86Level;
  const runnableNative = nativeBuilds.filter((v) => host !== null && levelRank(v.target!) <= levelRank(host));
  const compiled = [...wasmBuilds, ...runnableNative];

  it('has every build it should: both wasm builds and each native level up to this CPU\'s', () => {
    for (const v of compiled) expect(v.available!(), variantId(v.name, v.target!)).toBe(true);
    expect(wasmBuilds.map((v) => v.target)).toEqual(['scalar', 'simd']);
    expect(nativeBuilds.map((v) => v.target)).toEqual(['x86-64', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4']);
  });

  ghspotsRungTests(compiled as unknown as VariantDefinition[]);

  it('the native addon rejects wrong arguments with a TypeError, not a crash', () => {
    const addon = loadNative('x86-64');
    const a = new Float64Array(2);
    expect(() => addon.ghspots(a, a, a, new Float32Array(2) as never, new Float64Array(98), new Float64Array(374))).toThrow(TypeError);
    expect(() => addon.ghspots(a, a, a, a, new Float64Array(97), new Float64Array(374))).toThrow(/49 per spot/);
    expect(() => addon.ghspots(a, a, a, a, new Float64Array(98), new Float64Array(373))).toThrow(/187 per spot/);
    expect(() => addon.ghspots(a, new Float64Array(3), a, a, new Float64Array(98), new Float64Array(374))).toThrow(/same length/);
  });
});
