// Element-wise comparison of a variant's output with the reference's, with the error figures that a
// numerical person asks for first: max absolute error, max relative error, max ULP distance.

import type { KernelOutput, NumericArray, Tolerance, ValidationFigures } from '../types.js';

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Sign bit and the two 32-bit halves of the magnitude's bit pattern. */
function bits(value: number): [negative: boolean, high: number, low: number] {
  scratch[0] = value;
  const high = words[littleEndian ? 1 : 0];
  return [high >>> 31 === 1, high & 0x7fffffff, words[littleEndian ? 0 : 1]];
}

/**
 * Units in the last place between two finite doubles (+0 and -0 are 0 apart). The 63-bit magnitudes
 * do not fit a double's 53-bit mantissa, so halves are differenced first: exact whenever the distance
 * itself is below 2^53, which is every distance that matters.
 */
export function ulpDistance(a: number, b: number): number {
  const [negA, highA, lowA] = bits(a);
  const [negB, highB, lowB] = bits(b);
  if (negA === negB) return Math.abs((highA - highB) * 4294967296 + (lowA - lowB));
  // Opposite signs: the distance from each to zero, added.
  return highA * 4294967296 + lowA + (highB * 4294967296 + lowB);
}

function isNumericArray(value: unknown): value is NumericArray {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** The output as named fields: `value` for a bare array, scalars as one-element arrays. */
function fields(output: unknown): Map<string, ArrayLike<number>> | string {
  if (isNumericArray(output)) return new Map([['value', output]]);
  if (typeof output !== 'object' || output === null) return `expected an array or an object of arrays, got ${typeof output}`;
  const result = new Map<string, ArrayLike<number>>();
  for (const [name, value] of Object.entries(output)) {
    if (typeof value === 'number') result.set(name, [value]);
    else if (isNumericArray(value)) result.set(name, value);
    else return `field ${name} is neither a number nor an array of numbers`;
  }
  return result;
}

function unusable(problem: string): ValidationFigures {
  return { maxAbsError: Infinity, maxRelError: Infinity, maxUlp: Infinity, checked: 0, mismatches: 1, problem };
}

export function compareOutputs(actual: KernelOutput, expected: KernelOutput, tolerance: Tolerance): ValidationFigures {
  const actualFields = fields(actual);
  const expectedFields = fields(expected);
  if (typeof expectedFields === 'string') return unusable(`reference output: ${expectedFields}`);
  if (typeof actualFields === 'string') return unusable(actualFields);

  let maxAbsError = 0;
  let maxRelError = 0;
  let maxUlp = 0;
  let checked = 0;
  let mismatches = 0;
  let firstMismatch: ValidationFigures['firstMismatch'];

  for (const [name, want] of expectedFields) {
    const got = actualFields.get(name);
    if (got === undefined) return unusable(`output has no field ${name}`);
    if (got.length !== want.length) return unusable(`field ${name} has ${got.length} values, expected ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      const a = got[i];
      const e = want[i];
      checked++;
      let ok: boolean;
      if (Number.isNaN(e) || Number.isNaN(a) || !Number.isFinite(e) || !Number.isFinite(a)) {
        // Non-finite values must match exactly (NaN with NaN, an infinity with the same infinity).
        ok = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
      } else {
        const abs = Math.abs(a - e);
        const ulp = ulpDistance(a, e);
        if (abs > maxAbsError) maxAbsError = abs;
        if (e !== 0 && abs / Math.abs(e) > maxRelError) maxRelError = abs / Math.abs(e);
        if (ulp > maxUlp) maxUlp = ulp;
        ok = abs <= tolerance.abs + tolerance.rel * Math.abs(e) || ulp <= tolerance.ulp;
      }
      if (!ok) {
        mismatches++;
        firstMismatch ??= { field: name, index: i, actual: a, expected: e };
      }
    }
  }
  for (const name of actualFields.keys()) {
    if (!expectedFields.has(name)) return unusable(`output has an unexpected field ${name}`);
  }
  return { maxAbsError, maxRelError, maxUlp, checked, mismatches, ...(firstMismatch ? { firstMismatch } : {}) };
}
