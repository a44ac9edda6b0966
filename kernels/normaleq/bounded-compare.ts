// Element-wise comparison against a bound per element: what the linear-algebra kernels' compare
// hooks use, because their rounding errors scale with a row's or a matrix's size (and its
// conditioning), not with each value's own magnitude.

import { ulpDistance } from '../../bench/validate/compare.js';
import type { ValidationFigures } from '../../bench/types.js';

export interface BoundedField {
  readonly field: string;
  readonly actual: ArrayLike<number>;
  readonly expected: ArrayLike<number>;
  /** The size the error of element i is measured against (> 0). */
  readonly scale: (i: number) => number;
  /** Element i passes when |actual - expected| <= rel · scale(i). */
  readonly rel: number;
}

export function unusable(problem: string): ValidationFigures {
  return { maxAbsError: Infinity, maxRelError: Infinity, maxUlp: Infinity, checked: 0, mismatches: 1, problem };
}

/** Checks that `output` has every named field as an array of the given length; returns a problem or null. */
export function shapeProblem(output: unknown, lengths: Readonly<Record<string, number>>): string | null {
  if (typeof output !== 'object' || output === null) return `expected an object { ${Object.keys(lengths).join(', ')} }`;
  for (const [name, length] of Object.entries(lengths)) {
    const value = (output as Record<string, unknown>)[name];
    if (!ArrayBuffer.isView(value) && !Array.isArray(value)) return `field ${name} must be an array of ${length} numbers`;
    if ((value as ArrayLike<number>).length !== length) return `field ${name} has ${(value as ArrayLike<number>).length} values, expected ${length}`;
  }
  return null;
}

/**
 * The figures of every field: maxRelError is |actual - expected| / scale (comparable with `rel`);
 * a NaN must meet a NaN and an infinity the same infinity.
 */
export function compareBounded(fields: readonly BoundedField[]): ValidationFigures {
  let maxAbsError = 0;
  let maxRelError = 0;
  let maxUlp = 0;
  let checked = 0;
  let mismatches = 0;
  let firstMismatch: ValidationFigures['firstMismatch'];
  for (const { field, actual, expected, scale, rel } of fields) {
    for (let i = 0; i < expected.length; i++) {
      const a = actual[i];
      const e = expected[i];
      checked++;
      let ok: boolean;
      if (!Number.isFinite(a) || !Number.isFinite(e)) {
        ok = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
      } else {
        const abs = Math.abs(a - e);
        const size = scale(i);
        ok = abs <= rel * size;
        maxAbsError = Math.max(maxAbsError, abs);
        if (size > 0) maxRelError = Math.max(maxRelError, abs / size);
        maxUlp = Math.max(maxUlp, ulpDistance(a, e));
      }
      if (!ok) {
        mismatches++;
        firstMismatch ??= { field, index: i, actual: a, expected: e };
      }
    }
  }
  return { maxAbsError, maxRelError, maxUlp, checked, mismatches, ...(firstMismatch ? { firstMismatch } : {}) };
}
