// normaleq: the reference against specter's formulas with scipy.linalg.cho_solve (fixtures from
// scripts/make-fixtures.py), the tolerance's bounds, the documented bad-input rules, the generator
// and perCall, and every rung (each wasm build, each native level this CPU runs) against the
// reference on the fixtures, the small cell, the edge cases and further exposures.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import normaleq, {
  conditionOf,
  ICOV_REL,
  normaleqCompare,
  normaleqReference,
  normaleqWork,
  stampOverlap,
  type NormaleqInputs,
  type NormaleqOutput,
  type NormaleqParams,
  type NormaleqPerCall,
  type NormaleqStatic,
} from '../kernels/normaleq/index.js';
import { makePatch, placement } from '../kernels/normaleq/patch.js';
import { SPOT } from '../kernels/ghspots/index.js';
import { findOverlaps } from '../variants/normaleq/overlaps.js';
import { choleskyInPlace, choleskySolve } from '../kernels/normaleq/cholesky.js';
import naive from '../variants/normaleq/naive.js';
import precomputed from '../variants/normaleq/precomputed.js';
import unrolled from '../variants/normaleq/unrolled.js';
import wasmBuilds from '../variants/normaleq/wasm.js';
import nativeBuilds from '../variants/normaleq/native.js';
import { loadNative } from '../native/index.js';
import { variantId } from '../bench/spec/define.js';
import { validateVariant } from '../bench/validate/validate.js';
import type { VariantDefinition } from '../bench/types.js';
import { runnableBuilds } from './helpers/builds.js';

type Numbers = (number | 'NaN')[];
interface Fixture {
  name: string;
  params: NormaleqParams;
  ny: number;
  nx: number;
  row0: number[];
  col0: number[];
  stamps: Numbers;
  pixels: Numbers;
  ivar: Numbers;
  expected: { icov: Numbers; x: Numbers };
}
const numbers = (values: Numbers) => Float64Array.from(values, (v) => (v === 'NaN' ? NaN : v));
const fixtures: Fixture[] = JSON.parse(readFileSync(new URL('./fixtures/normaleq.json', import.meta.url), 'utf8')).cases;
const inputsOf = (f: Fixture): NormaleqInputs => ({
  static: { ...f.params, ny: f.ny, nx: f.nx, row0: Int32Array.from(f.row0), col0: Int32Array.from(f.col0), stamps: numbers(f.stamps) },
  perCall: { pixels: numbers(f.pixels), ivar: numbers(f.ivar) },
});
const expectedOf = (f: Fixture): NormaleqOutput => ({ icov: numbers(f.expected.icov), x: numbers(f.expected.x) });
const copy = (o: NormaleqOutput): NormaleqOutput => ({ icov: o.icov.slice(), x: o.x.slice() });
const byName = (needle: string) => fixtures.find((f) => f.name.includes(needle))!;

describe('normaleq reference vs specter/scipy', () => {
  it('has fixtures for every edge the issue names', () => {
    const names = fixtures.map((f) => f.name).join(' | ');
    for (const needle of ['masked flux bin', 'dead fiber', 'no light', 'NaN', 'negative ivar', 'one fiber']) expect(names).toContain(needle);
  });

  for (const fixture of fixtures) {
    it(`agrees on "${fixture.name}" within the kernel's own bounds`, () => {
      const inputs = inputsOf(fixture);
      const figures = normaleqCompare(normaleqReference(inputs, fixture.params), expectedOf(fixture), inputs, fixture.params, normaleq.tolerance);
      expect(figures.mismatches, JSON.stringify(figures.firstMismatch)).toBe(0);
    });
  }

  it('agrees far inside those bounds where the patch is well-conditioned (iCov to 1e-14 of its scale, x to 1e-12)', () => {
    const fixture = byName('random patch');
    const n = fixture.params.nspec * fixture.params.nwave;
    const actual = normaleqReference(inputsOf(fixture), fixture.params);
    const expected = expectedOf(fixture);
    const xMax = Math.max(...expected.x.map(Math.abs));
    actual.x.forEach((v, i) => expect(Math.abs(v - expected.x[i])).toBeLessThan(1e-12 * xMax));
    actual.icov.forEach((v, q) => {
      const scale = Math.sqrt(expected.icov[Math.floor(q / n) * (n + 1)] * expected.icov[(q % n) * (n + 1)]);
      expect(Math.abs(v - expected.icov[q])).toBeLessThan(1e-14 * scale);
    });
  });

  it('regularises exactly the bins specter does: those below 1% of the largest weight get (minweight - weight)²', () => {
    const fixture = byName('masked flux bin');
    const inputs = inputsOf(fixture);
    const { icov } = normaleqReference(inputs, fixture.params);
    const n = fixture.params.nspec * fixture.params.nwave;
    // The masked bin has no pixel weight at all: its iCov diagonal is minweight² exactly.
    const weights = Array.from({ length: n }, (_, j) => {
      let w = 0;
      const s = inputs.static;
      for (let r = 0; r < 11; r++) for (let c = 0; c < 17; c++) w += inputs.perCall.ivar[(s.row0[j] + r) * s.nx + s.col0[j] + c] * s.stamps[j * SPOT + r * 17 + c];
      return w;
    });
    const minweight = 0.01 * Math.max(...weights);
    expect(weights[5]).toBe(0);
    expect(icov[5 * n + 5]).toBeCloseTo(minweight ** 2, 20);
    expect(Math.abs(icov[5 * n + 5] - numbers(fixture.expected.icov)[5 * n + 5])).toBeLessThan(1e-14 * minweight ** 2);
  });

  it('follows the documented bad-input rules: masked NaN pixels unread, a weighted NaN or an indefinite iCov make x all NaN', () => {
    const masked = normaleqReference(inputsOf(byName('masked pixels holding NaN')), byName('masked pixels holding NaN').params);
    expect(masked.x.every(Number.isFinite)).toBe(true);
    for (const needle of ['NaN pixel with weight', 'negative ivar']) {
      const f = byName(needle);
      const out = normaleqReference(inputsOf(f), f.params);
      expect(out.x.every(Number.isNaN), needle).toBe(true);
      expect(out.icov.every(Number.isFinite), needle).toBe(true);
    }
  });
});

describe('normaleq compare: bounds that follow the conditioning', () => {
  const params = normaleq.sizes.tiny;
  const inputs = normaleq.generate(params, 3);
  const expected = normaleqReference(inputs, params);
  const n = params.nspec * params.nwave;
  const kappa = conditionOf(expected.icov, n);

  it('estimates κ₁ within a small factor of the exact 1-norm condition number', () => {
    // Exact ‖iCov⁻¹‖₁ from the inverse's columns (n solves).
    const l = expected.icov.slice();
    expect(choleskyInPlace(l, n)).toBe(true);
    const inverse = Array.from({ length: n }, (_, j) => {
      const e = new Float64Array(n);
      e[j] = 1;
      return choleskySolve(l, n, e).reduce((t, v) => t + Math.abs(v), 0);
    });
    let norm = 0;
    for (let j = 0; j < n; j++) norm = Math.max(norm, expected.icov.subarray(j * n, (j + 1) * n).reduce((s, v) => s + Math.abs(v), 0));
    const exact = norm * Math.max(...inverse);
    expect(kappa).toBeLessThanOrEqual(exact * (1 + 1e-9));
    expect(kappa).toBeGreaterThan(exact / 3);
  });

  it('accepts rounding-sized differences and rejects an iCov entry off by 1e-11 of its scale or an x off by 100 times its bound', () => {
    const ok = copy(expected);
    ok.icov[1] *= 1 + 1e-15;
    ok.x[2] *= 1 + 1e-14;
    expect(normaleqCompare(ok, expected, inputs, params, normaleq.tolerance).mismatches).toBe(0);
    const badIcov = copy(expected);
    badIcov.icov[n + 1] += 1e-11 * expected.icov[n + 1];
    expect(normaleqCompare(badIcov, expected, inputs, params, normaleq.tolerance).firstMismatch?.field).toBe('icov');
    const badX = copy(expected);
    const xMax = Math.max(...expected.x.map(Math.abs));
    badX.x[3] += 100 * (4 * n * 2 ** -53 + ICOV_REL) * kappa * xMax;
    expect(normaleqCompare(badX, expected, inputs, params, normaleq.tolerance).firstMismatch).toMatchObject({ field: 'x', index: 3 });
  });

  it('reports a malformed output as a problem, and NaN where numbers are expected as a mismatch', () => {
    expect(normaleqCompare({ icov: new Float64Array(3), x: expected.x } as NormaleqOutput, expected, inputs, params, normaleq.tolerance).problem).toMatch(/icov/);
    const nan = copy(expected);
    nan.x[0] = NaN;
    expect(normaleqCompare(nan, expected, inputs, params, normaleq.tolerance).mismatches).toBe(1);
  });
});

describe('normaleq inputs and work model', () => {
  it('places every stamp inside the patch, with offsets in [-0.5, 0.5), the same geometry for every seed', () => {
    for (const params of Object.values(normaleq.sizes)) {
      const { row0, col0, dx, dy, ny, nx } = placement(params);
      for (let j = 0; j < row0.length; j++) {
        expect(row0[j] >= 0 && col0[j] >= 0 && row0[j] + 11 <= ny && col0[j] + 17 <= nx).toBe(true);
        expect(dx[j] >= -0.5 && dx[j] < 0.5 && dy[j] >= -0.5 && dy[j] < 0.5).toBe(true);
      }
    }
    const a = makePatch(normaleq.sizes.small, 1);
    const b = makePatch(normaleq.sizes.small, 2);
    expect(Array.from(a.row0)).toEqual(Array.from(b.row0));
    expect(Array.from(a.stamps.subarray(0, 20))).not.toEqual(Array.from(b.stamps.subarray(0, 20)));
  });

  it('makes DESI-like spots: each stamp sums to about 1, neighbouring fibers overlap, fibers two apart barely', () => {
    const patch = makePatch(normaleq.sizes['desi-subbundle'], 5);
    for (let j = 0; j < 350; j += 37) {
      const sum = patch.stamps.subarray(j * SPOT, (j + 1) * SPOT).reduce((s, v) => s + v, 0);
      expect(sum).toBeGreaterThan(0.9);
      expect(sum).toBeLessThan(1.05);
    }
    expect(stampOverlap(patch, 30, 100)!.c1 - stampOverlap(patch, 30, 100)!.c0).toBeGreaterThan(8); // fibers 0 and 1: 7.6 px apart
    expect(stampOverlap(patch, 30, 170)!.c1 - stampOverlap(patch, 30, 170)!.c0).toBeLessThanOrEqual(3); // fibers 0 and 2: 15.2 px
    expect(stampOverlap(patch, 30, 240)).toBeNull(); // fibers 0 and 3
    expect(stampOverlap(patch, 30, 37)).not.toBeNull(); // 7 bins apart on one trace: 9.45 px, within 11 rows
    expect(stampOverlap(patch, 30, 39)).toBeNull(); // 9 bins: 12.15 px
  });

  it('draws a further exposure of the same patch with perCall: same static input, new pixels and ivar', () => {
    const params = normaleq.sizes.small;
    const { static: patch, perCall } = normaleq.generate(params, 11);
    const next = normaleq.perCall!(params, 12, patch);
    expect(next.pixels.length).toBe(perCall.pixels.length);
    expect(Array.from(next.pixels.subarray(0, 50))).not.toEqual(Array.from(perCall.pixels.subarray(0, 50)));
    expect(Array.from(normaleq.perCall!(params, 12, patch).ivar)).toEqual(Array.from(next.ivar));
    // The generator's own per-call input is perCall at the same seed.
    expect(Array.from(normaleq.perCall!(params, 11, patch).pixels)).toEqual(Array.from(perCall.pixels));
  });

  it('counts the work from the geometry: the pairs the overlap structure finds, iCov\'s envelope', () => {
    const params = normaleq.sizes['desi-subbundle'];
    const o = findOverlaps(makePatch(params, 1));
    const { nonZeros, flops, bytes } = normaleqWork(params);
    expect(nonZeros).toBe(2 * o.count - 350);
    expect(flops).toBeGreaterThan(2e6);
    expect(flops).toBeLessThan(2e7);
    expect(bytes).toBe(8 * (SPOT * 350 + 2 * makePatch(params, 1).ny * makePatch(params, 1).nx + nonZeros + 350));
    expect(normaleq.elements(params)).toBe(350 * 350 + 350);
  });

  it('has the issue\'s sizes, with the two DESI sizes opt-in', () => {
    expect(normaleq.sizes['desi-subbundle']).toEqual({ nspec: 5, nwave: 70 });
    expect(normaleq.sizes['desi-bundle']).toEqual({ nspec: 25, nwave: 70 });
    expect(normaleq.defaultSizes).toEqual(['tiny', 'small']);
  });
});

describe('normaleq rungs', () => {
  const runnableNative = runnableBuilds(wasmBuilds, nativeBuilds);
  const variants: VariantDefinition<NormaleqStatic, NormaleqPerCall, NormaleqOutput, NormaleqParams>[] = [naive, precomputed, unrolled, ...wasmBuilds, ...runnableNative];

  it('finds the overlap structure: every pair that shares pixels, sorted by row, and an envelope the factor fits in', () => {
    const patch = makePatch(normaleq.sizes.small, 2);
    const o = findOverlaps(patch);
    const n = 90;
    let pairs = 0;
    for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) if (stampOverlap(patch, i, j)) pairs++;
    expect(o.count).toBe(pairs);
    for (let q = 1; q < o.count; q++) expect(o.pj[q] > o.pj[q - 1] || (o.pj[q] === o.pj[q - 1] && o.pi[q] > o.pi[q - 1])).toBe(true);
    for (let j = 0; j < n; j++) expect(o.rowStart[j + 1] - o.rowStart[j]).toBe(j - o.first[j] + 1);
    expect(Array.from(o.packed.subarray(0, 7))).toEqual([o.pi[0], o.pj[0], o.rows[0], o.cols[0], o.pixel[0], o.offI[0], o.offJ[0]]);
  });

  it('the native addon rejects a malformed structure with a TypeError, not a stray write', () => {
    const addon = loadNative('x86-64');
    const { static: patch, perCall } = normaleq.generate(normaleq.sizes.tiny, 1);
    const o = findOverlaps(patch);
    const icov = new Float64Array(256);
    const x = new Float64Array(16);
    const call = (pairs: Int32Array, first = o.first, row0 = patch.row0) =>
      () => addon.normaleq(patch.stamps, row0, patch.col0, patch.nx, pairs, first, o.rowStart, perCall.pixels, perCall.ivar, icov, x);
    expect(call(o.packed)).not.toThrow();
    const bins = o.packed.slice();
    bins[1] = 99;
    expect(call(bins)).toThrow(/pair's bins/);
    const offsets = o.packed.slice();
    offsets[5] = 180;
    expect(call(offsets)).toThrow(/offsets/);
    expect(call(o.packed.subarray(0, 6))).toThrow(/multiple of 7/);
    expect(call(o.packed, Int32Array.from(o.first, (_, j) => j))).toThrow(/envelope/);
    expect(call(o.packed, o.first, Int32Array.from(patch.row0, (r) => r + 1000))).toThrow(/outside the patch/);
    expect(() => addon.normaleq(patch.stamps, patch.row0, patch.col0, patch.nx, o.packed, o.first, o.rowStart, perCall.pixels, perCall.ivar, new Float64Array(10), x)).toThrow(TypeError);
  });

  for (const variant of variants) {
    const id = variantId(variant.name, variant.target!);
    it(`${id} matches specter/scipy on every fixture`, async () => {
      for (const fixture of fixtures) {
        const inputs = inputsOf(fixture);
        const prepared = await variant.prepare(inputs.static, fixture.params);
        const figures = normaleqCompare(prepared.run(inputs.perCall), expectedOf(fixture), inputs, fixture.params, normaleq.tolerance);
        expect(figures.mismatches, `${id} on ${fixture.name}: ${JSON.stringify(figures.firstMismatch)}`).toBe(0);
      }
    });

    it(`${id} is valid on the small cell and every edge case`, async () => {
      const params = normaleq.sizes.small;
      const validation = await validateVariant(normaleq, variant, { name: 'cell', params, inputs: normaleq.generate(params, 42) });
      expect(validation.message).toBeUndefined();
      expect(validation.status).toBe('valid');
      expect(validation.cases).toHaveLength(1 + normaleq.edgeCases!().length);
    });

    it(`${id} is valid on two further exposures of one prepared patch (its buffers reused)`, async () => {
      const params = { nspec: 3, nwave: 17 };
      const { static: patch } = normaleq.generate(params, 7);
      const prepared = await variant.prepare(patch, params);
      const first = normaleq.perCall!(params, 8, patch);
      const second = normaleq.perCall!(params, 9, patch);
      const a = copy(prepared.run(first));
      const b = prepared.run(second);
      for (const [out, perCall] of [[a, first], [b, second]] as const) {
        const inputs = { static: patch, perCall };
        expect(normaleqCompare(out, normaleqReference(inputs, params), inputs, params, normaleq.tolerance).mismatches, id).toBe(0);
      }
    });
  }
});
