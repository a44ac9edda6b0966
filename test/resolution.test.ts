// resolution: the reference eigen-solver and the reference against specter's resolution_from_icov
// with scipy.linalg.eigh (fixtures from scripts/make-fixtures.py), the conditioning-scaled
// tolerance, the documented bad-input rules and perCall, and every rung (each wasm build, each
// native level this CPU runs) against the reference.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import resolution, {
  exposureIcov,
  inverseRootEigenvalues,
  invertedEigenvalues,
  resolutionCompare,
  resolutionReference,
  THRESHOLD,
  type ResolutionInputs,
  type ResolutionOutput,
  type ResolutionParams,
  type ResolutionPerCall,
  type ResolutionStatic,
} from '../kernels/resolution/index.js';
import { eigh, eigvalsh, EighError, QL_ITERATIONS, tridiagonalQL } from '../kernels/resolution/eigh.js';
import { makePatch } from '../kernels/normaleq/patch.js';
import naive, { jacobi, JACOBI_SWEEPS } from '../variants/resolution/naive.js';
import precomputed from '../variants/resolution/precomputed.js';
import unrolled from '../variants/resolution/unrolled.js';
import wasmBuilds from '../variants/resolution/wasm.js';
import nativeBuilds from '../variants/resolution/native.js';
import { loadNative } from '../native/index.js';
import { variantId } from '../bench/spec/define.js';
import { validateVariant } from '../bench/validate/validate.js';
import type { VariantDefinition } from '../bench/types.js';
import { runnableBuilds } from './helpers/builds.js';

type Numbers = (number | 'NaN')[];
interface Fixture {
  name: string;
  params: ResolutionParams;
  icov: Numbers;
  expected: { r: Numbers; ivar: Numbers };
}
const numbers = (values: Numbers) => Float64Array.from(values, (v) => (v === 'NaN' ? NaN : v));
const fixtures: Fixture[] = JSON.parse(readFileSync(new URL('./fixtures/resolution.json', import.meta.url), 'utf8')).cases;
const inputsOf = (f: Fixture): ResolutionInputs => ({ static: makePatch(f.params, 1), perCall: { icov: numbers(f.icov) } });
const expectedOf = (f: Fixture): ResolutionOutput => ({ r: numbers(f.expected.r), ivar: numbers(f.expected.ivar) });
const byName = (needle: string) => fixtures.find((f) => f.name.includes(needle))!;
const copy = (o: ResolutionOutput): ResolutionOutput => ({ r: o.r.slice(), ivar: o.ivar.slice() });

describe('the reference eigh (Householder + implicit QL)', () => {
  const n = 40;
  // A = Q·diag(λ)·Qᵀ with known λ (some equal, one negative) and a random orthogonal Q (Householder products).
  const lambda = Float64Array.from({ length: n }, (_, i) => (i === 3 ? -2 : i === 7 || i === 8 ? 5 : 1 + i * 0.37));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = lambda[i];
  for (let r = 0; r < 3; r++) {
    const v = Float64Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + r) + 0.1);
    const norm = Math.hypot(...v);
    v.forEach((t, i) => (v[i] = t / norm));
    // A ← H·A·H with H = I - 2vvᵀ
    const av = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) av[i] += a[i * n + j] * v[j];
    const vav = v.reduce((s, t, i) => s + t * av[i], 0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += -2 * v[i] * av[j] - 2 * av[i] * v[j] + 4 * vav * v[i] * v[j];
  }

  it('finds the eigenvalues (ascending) to a few ulps of ‖A‖, repeated and negative ones included', () => {
    const { w } = eigh(a, n);
    const sorted = Array.from(lambda).sort((x, y) => x - y);
    w.forEach((v, i) => expect(Math.abs(v - sorted[i])).toBeLessThan(1e-13 * 15));
    expect(Array.from(eigvalsh(a, n))).toEqual(Array.from(w));
  });

  it('returns orthonormal eigenvectors with A·v = w·v', () => {
    const { w, vt } = eigh(a, n);
    for (let k = 0; k < n; k += 7) {
      for (let m = 0; m < n; m += 5) {
        const dot = vt.subarray(k * n, k * n + n).reduce((s, t, i) => s + t * vt[m * n + i], 0);
        expect(Math.abs(dot - (k === m ? 1 : 0))).toBeLessThan(1e-13);
      }
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * vt[k * n + j];
        expect(Math.abs(av - w[k] * vt[k * n + i])).toBeLessThan(1e-12);
      }
    }
  });

  it('gives up with an error after its iteration cap instead of looping on NaN', () => {
    const d = Float64Array.of(1, NaN, 3);
    const e = Float64Array.of(0.5, 0.5, 0);
    expect(() => tridiagonalQL(d, e, 3, null)).toThrow(EighError);
    expect(() => tridiagonalQL(Float64Array.of(1, NaN, 3), Float64Array.of(0.5, 0.5, 0), 3, null)).toThrow(new RegExp(`${QL_ITERATIONS} QL iterations`));
  });
});

describe('resolution reference vs specter/scipy', () => {
  it('has fixtures for every edge the issue names', () => {
    const names = fixtures.map((f) => f.name).join(' | ');
    for (const needle of ['masked flux bin', 'dead fiber', 'no light', 'not symmetric', 'not positive definite', 'indefinite', 'NaN', 'larger']) expect(names).toContain(needle);
  });

  for (const fixture of fixtures) {
    it(`agrees on "${fixture.name}" within the kernel's own bounds`, () => {
      const inputs = inputsOf(fixture);
      const figures = resolutionCompare(resolutionReference(inputs, fixture.params), expectedOf(fixture), inputs, fixture.params, resolution.tolerance);
      expect(figures.mismatches, JSON.stringify(figures.firstMismatch)).toBe(0);
    });
  }

  it('agrees to 1e-12 on well-conditioned patches, where the bound is about 1e-11', () => {
    for (const needle of ['random patch', 'larger', 'no light']) {
      const f = byName(needle);
      const actual = resolutionReference(inputsOf(f), f.params);
      const expected = expectedOf(f);
      actual.r.forEach((v, q) => expect(Math.abs(v - expected.r[q]), needle).toBeLessThan(1e-12));
      actual.ivar.forEach((v, i) => expect(Math.abs(v - expected.ivar[i]), needle).toBeLessThan(1e-12 * expected.ivar[i]));
    }
  });

  it('makes a resolution matrix: rows sum to 1, peaked on the diagonal, ivar positive', () => {
    const f = byName('larger');
    const { nspec, nwave } = f.params;
    const out = resolutionReference(inputsOf(f), f.params);
    for (let row = 0; row < nspec * nwave; row++) {
      const r = out.r.subarray(row * nwave, (row + 1) * nwave);
      expect(Math.abs(r.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-13);
      const i = row % nwave;
      expect(Math.max(...r.map(Math.abs))).toBe(Math.abs(r[i]));
      expect(out.ivar[row]).toBeGreaterThan(0);
    }
  });

  it('replaces an eigenvalue that is not positive as specter does: ivar of a decoupled bin with a negative diagonal is minval', () => {
    const f = byName('decoupled');
    const n = f.params.nspec * f.params.nwave;
    const icov = numbers(f.icov);
    const w = eigvalsh(icov, n);
    const minval = w[n - 1] * THRESHOLD;
    const out = resolutionReference(inputsOf(f), f.params);
    expect(out.r.every(Number.isFinite)).toBe(true);
    // Its Cov entry is 1/minval, its block's eigenvalue likewise, so Q_33 = √minval = norm_3.
    expect(Math.abs(out.ivar[3] / minval - 1)).toBeLessThan(1e-6);
    expect(out.r[3 * f.params.nwave + 3]).toBeCloseTo(1, 6);
  });

  it('applies eigen_compose\'s replacements: 1/minval below 10·eps·max, 1/m for a non-positive or NaN square root', () => {
    const f = invertedEigenvalues(Float64Array.of(-1, 0, 1e-20, 2));
    expect(Array.from(f)).toEqual([1 / (2 * THRESHOLD), 1 / (2 * THRESHOLD), 1 / (2 * THRESHOLD), 0.5]);
    const g = inverseRootEigenvalues(Float64Array.of(-4, 0, 4));
    expect(Array.from(g)).toEqual([1 / (2 * THRESHOLD), 1 / (2 * THRESHOLD), 0.5]);
  });

  it('gives NaN everywhere for a non-finite iCov, and symmetrises a non-symmetric one first', () => {
    const nan = byName('NaN entry');
    const out = resolutionReference(inputsOf(nan), nan.params);
    expect(out.r.every(Number.isNaN) && out.ivar.every(Number.isNaN)).toBe(true);
    const skew = byName('not symmetric');
    const icov = numbers(skew.icov);
    const n = skew.params.nspec * skew.params.nwave;
    const sym = icov.map((v, q) => 0.5 * (v + icov[(q % n) * n + Math.floor(q / n)]));
    const a = resolutionReference(inputsOf(skew), skew.params);
    const b = resolutionReference({ static: inputsOf(skew).static, perCall: { icov: sym } }, skew.params);
    expect(Array.from(a.ivar)).toEqual(Array.from(b.ivar));
  });
});

describe('resolution compare and inputs', () => {
  const params = resolution.sizes.tiny;
  const inputs = resolution.generate(params, 4);
  const expected = resolutionReference(inputs, params);

  it('accepts rounding-sized differences and rejects R off by 1e-8 of its row or ivar off by 1e-8 on a well-conditioned iCov', () => {
    const ok = copy(expected);
    ok.r[5] += 1e-15;
    ok.ivar[2] *= 1 + 1e-14;
    expect(resolutionCompare(ok, expected, inputs, params, resolution.tolerance).mismatches).toBe(0);
    const badR = copy(expected);
    badR.r[params.nwave * 3 + 3] += 1e-8;
    expect(resolutionCompare(badR, expected, inputs, params, resolution.tolerance).firstMismatch?.field).toBe('r');
    const badIvar = copy(expected);
    badIvar.ivar[4] *= 1 + 1e-8;
    expect(resolutionCompare(badIvar, expected, inputs, params, resolution.tolerance).firstMismatch).toMatchObject({ field: 'ivar', index: 4 });
    expect(resolutionCompare({ r: expected.r, ivar: new Float64Array(2) }, expected, inputs, params, resolution.tolerance).problem).toMatch(/ivar/);
  });

  it('widens the bound with the conditioning: the same error passes on an ill-conditioned iCov', () => {
    const f = byName('masked flux bin');
    const ill = inputsOf(f);
    const out = resolutionReference(ill, f.params);
    const wrong = copy(out);
    wrong.ivar[0] *= 1 + 1e-10;
    expect(resolutionCompare(wrong, out, ill, f.params, resolution.tolerance).mismatches).toBe(0);
    const wellWrong = copy(expected);
    wellWrong.ivar[0] *= 1 + 1e-10;
    expect(resolutionCompare(wellWrong, expected, inputs, params, resolution.tolerance).mismatches).toBe(1);
  });

  it('draws a further exposure\'s iCov of the same patch with perCall', () => {
    const { static: patch, perCall } = resolution.generate(resolution.sizes.small, 21);
    const next = resolution.perCall!(resolution.sizes.small, 22, patch);
    expect(next.icov.length).toBe(perCall.icov.length);
    expect(Array.from(next.icov.subarray(0, 30))).not.toEqual(Array.from(perCall.icov.subarray(0, 30)));
    expect(Array.from(resolution.perCall!(resolution.sizes.small, 21, patch).icov)).toEqual(Array.from(perCall.icov));
    expect(Array.from(exposureIcov(patch, 23))).toEqual(Array.from(next.icov)); // perCall draws exposure seed + 1
  });

  it('has the issue\'s sizes, the DESI sizes opt-in, and a work model of 9n³ for the big eigh', () => {
    expect(resolution.sizes['desi-bundle']).toEqual({ nspec: 25, nwave: 70 });
    expect(resolution.defaultSizes).toEqual(['tiny', 'small']);
    const { flops, bytes } = resolution.work(resolution.sizes['desi-subbundle']);
    expect(flops).toBeGreaterThan(9 * 350 ** 3);
    expect(flops).toBeLessThan(10 * 350 ** 3);
    expect(bytes).toBe(8 * (350 * 350 + 5 * 70 * 70 + 350));
    expect(resolution.elements(resolution.sizes['desi-subbundle'])).toBe(5 * 70 * 70 + 350);
  });
});

describe('resolution rungs', () => {
  const runnableNative = runnableBuilds(wasmBuilds, nativeBuilds);
  const variants: VariantDefinition<ResolutionStatic, ResolutionPerCall, ResolutionOutput, ResolutionParams>[] = [naive, precomputed, unrolled, ...wasmBuilds, ...runnableNative];

  it('the naive rung\'s Jacobi converges, and ends (with NaN, under its sweep cap) on NaN input', () => {
    const { w } = jacobi([[2, 1, 0], [1, 2, 0], [0, 0, 5]], 3);
    expect(w.slice().sort()).toEqual([1, 3, 5].map((v) => expect.closeTo(v, 14)));
    expect(JACOBI_SWEEPS).toBeGreaterThan(10);
    expect(jacobi([[1, NaN], [NaN, 2]], 2).w.some(Number.isNaN)).toBe(true);
  });

  it('the native addon rejects wrong arguments with a TypeError, not a crash', () => {
    const addon = loadNative('x86-64');
    const icov = Float64Array.from({ length: 16 }, (_, q) => (q % 5 === 0 ? 1 : 0));
    expect(() => addon.resolution(icov, 2, 2, new Float64Array(8), new Float64Array(4))).not.toThrow();
    // An all-zero iCov has no eigenvalue to keep: 1/minval is infinite and the blocks are NaN, which
    // the block's eigen-solver cannot converge on: an Error, as scipy's eigh raises one.
    expect(() => addon.resolution(new Float64Array(16), 2, 2, new Float64Array(8), new Float64Array(4))).toThrow(/did not converge/);
    expect(() => addon.resolution(new Float64Array(15), 2, 2, new Float64Array(8), new Float64Array(4))).toThrow(/icov must hold/);
    expect(() => addon.resolution(icov, 2, 2, new Float64Array(7), new Float64Array(4))).toThrow(/r must hold/);
    expect(() => addon.resolution(icov, 0, 2, new Float64Array(8), new Float64Array(4))).toThrow(TypeError);
  });

  for (const variant of variants) {
    const id = variantId(variant.name, variant.target!);
    it(`${id} matches specter/scipy on every fixture`, async () => {
      for (const fixture of fixtures) {
        const inputs = inputsOf(fixture);
        const prepared = await variant.prepare(inputs.static, fixture.params);
        const figures = resolutionCompare(prepared.run(inputs.perCall), expectedOf(fixture), inputs, fixture.params, resolution.tolerance);
        expect(figures.mismatches, `${id} on ${fixture.name}: ${JSON.stringify(figures.firstMismatch)}`).toBe(0);
      }
    });

    it(`${id} is valid on the small cell and every edge case`, async () => {
      const params = resolution.sizes.small;
      const validation = await validateVariant(resolution, variant, { name: 'cell', params, inputs: resolution.generate(params, 42) });
      expect(validation.message).toBeUndefined();
      expect(validation.status).toBe('valid');
      expect(validation.cases).toHaveLength(1 + resolution.edgeCases!().length);
    });

    it(`${id} is valid on two further exposures of one prepared patch (its buffers reused), and on a NaN iCov after them`, async () => {
      const params = { nspec: 3, nwave: 17 };
      const { static: patch } = resolution.generate(params, 7);
      const prepared = await variant.prepare(patch, params);
      const first = resolution.perCall!(params, 8, patch);
      const second = resolution.perCall!(params, 9, patch);
      const a = copy(prepared.run(first));
      const b = prepared.run(second);
      for (const [out, perCall] of [[a, first], [b, second]] as const) {
        const inputs = { static: patch, perCall };
        expect(resolutionCompare(out, resolutionReference(inputs, params), inputs, params, resolution.tolerance).mismatches, id).toBe(0);
      }
      const nan = second.icov.slice();
      nan[100] = Infinity;
      const out = prepared.run({ icov: nan });
      expect(out.r.every(Number.isNaN) && out.ivar.every(Number.isNaN), id).toBe(true);
    });
  }
});

describe('resolution native rung on a large matrix', () => {
  it('applies the QL sweeps row by row from n = 1024 and still matches the reference (fibers decoupled: checked block by block)', async () => {
    // 15 fibers × 70 wavelengths (n = 1050) whose iCov is block-diagonal: then R's block b is what
    // the reference gives for fiber b's block alone, which costs 15 small eighs instead of one of 1050.
    const nspec = 15, nwave = 70, n = nspec * nwave;
    const one = { nspec: 1, nwave };
    const icov = new Float64Array(n * n);
    const blocks = Array.from({ length: nspec }, (_, b) => exposureIcov(makePatch(one, 100 + b), 200 + b));
    blocks.forEach((block, b) => {
      for (let i = 0; i < nwave; i++) icov.set(block.subarray(i * nwave, (i + 1) * nwave), (b * nwave + i) * n + b * nwave);
    });
    const inputs = { static: makePatch({ nspec, nwave }, 1), perCall: { icov } };
    const runnable = nativeBuilds.filter((v) => v.available!() === true); // all of them: 'resolution rungs' checks they are there
    for (const variant of new Set([runnable[0], runnable[runnable.length - 1]])) {
      const out = (await variant.prepare(inputs.static, { nspec, nwave })).run(inputs.perCall);
      blocks.forEach((block, b) => {
        const expected = resolutionReference({ static: makePatch(one, 1), perCall: { icov: block } }, one);
        const actual = { r: out.r.slice(b * nwave * nwave, (b + 1) * nwave * nwave), ivar: out.ivar.slice(b * nwave, (b + 1) * nwave) };
        const figures = resolutionCompare(actual, expected, { static: makePatch(one, 1), perCall: { icov: block } }, one, resolution.tolerance);
        expect(figures.mismatches, `${variant.target} fiber ${b}: ${JSON.stringify(figures.firstMismatch)}`).toBe(0);
      });
    }
  }, 60_000);
});
