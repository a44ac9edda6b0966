// Further per-call inputs for one static input. A variant is called on several distinct per-call
// inputs, in validation (A, B, A on one prepared instance) and in the timed loop (rotating among
// them), so that an answer remembered from an earlier call is caught as wrong output. Drawn by the
// kernel's own `perCall`, or by default from `generate` with another seed.

import type { KernelDefinition, SizeParams } from '../types.js';
import { checksumOf } from './checksum.js';

/** Per-call inputs the timed loop rotates among (validation uses the first two). */
export const ROTATED_INPUTS = 2;

/** Attempts at a distinct input before concluding that the kernel draws only one. */
const ATTEMPTS = 4;

/** The seed of the k-th further input (k >= 1) of a cell or case drawn from `seed`: unrelated streams. */
export function furtherSeed(seed: number, k: number): number {
  return (Math.imul((seed >>> 0) ^ 0x5f3759df, 0x9e3779b1) + Math.imul(k, 0x85ebca6b)) >>> 0;
}

export interface DrawnInputs {
  /** The first is the given one; the rest are distinct from it and from one another where the kernel allows. */
  readonly perCall: readonly unknown[];
  /** How many of them are distinct (1 when the kernel gives the same per-call input for every seed). */
  readonly distinct: number;
}

/** Thrown when the kernel's own perCall (or generate) throws: the kernel's fault, not a variant's. */
export class InputDrawError extends Error {
  override name = 'InputDrawError';
}

/**
 * `first` and `count - 1` further per-call inputs for `staticInputs`, each different from those
 * before it when the kernel can draw one (a few seeds are tried). Where it cannot, the same input is
 * repeated and `distinct` says so.
 */
export function drawPerCallInputs(
  kernel: KernelDefinition,
  params: SizeParams,
  seed: number,
  staticInputs: unknown,
  first: unknown,
  count: number = ROTATED_INPUTS,
): DrawnInputs {
  const draw = (s: number): unknown => {
    try {
      return kernel.perCall ? kernel.perCall(params, s, staticInputs) : kernel.generate(params, s).perCall;
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new InputDrawError(`kernel ${kernel.name}: ${kernel.perCall ? 'perCall' : 'generate'} threw drawing a further per-call input: ${text.split('\n')[0]}`);
    }
  };
  const inputs = [first];
  const sums = new Set([checksumOf(first)]);
  let attempt = 0;
  while (inputs.length < count) {
    let candidate: unknown;
    let found = false;
    for (let tries = 0; tries < ATTEMPTS && !found; tries++) {
      candidate = draw(furtherSeed(seed, ++attempt));
      const sum = checksumOf(candidate);
      if (!sums.has(sum)) {
        sums.add(sum);
        found = true;
      }
    }
    inputs.push(found ? candidate : first);
    if (!found) break;
  }
  while (inputs.length < count) inputs.push(first);
  return { perCall: inputs, distinct: sums.size };
}

// ── The same object with other values ──────────────────────────────────────────────────────────
// A variant that keys a cache on the per-call input object (a memoize wrapper does) answers every
// later call on that object from memory, correctly as long as the object never changes. Calling it
// once more with the object's values replaced by another input's tells such a variant from an honest
// one: the harness may change a per-call input's values between calls, and the contract says so.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

type Writable = ArrayLike<number> & { [index: number]: number };

/**
 * Whether `source`'s values can be written into `target` in place: the same plain-object keys, typed
 * arrays of the same kind and length, arrays of the same length, numbers where numbers are.
 */
export function sameShape(target: unknown, source: unknown): boolean {
  if (ArrayBuffer.isView(target) && !(target instanceof DataView)) {
    return ArrayBuffer.isView(source) && source.constructor === target.constructor && (source as unknown as ArrayLike<number>).length === (target as unknown as ArrayLike<number>).length;
  }
  if (Array.isArray(target)) return Array.isArray(source) && source.length === target.length && target.every((t, i) => sameShape(t, source[i]));
  if (isPlainObject(target)) {
    if (!isPlainObject(source)) return false;
    const keys = Object.keys(target);
    return keys.length === Object.keys(source).length && keys.every((k) => k in source && sameShape(target[k], source[k]));
  }
  return typeof target === 'number' ? typeof source === 'number' : Object.is(target, source);
}

/** Writes `source`'s values into `target` in place (same shape: see sameShape). */
export function overwrite(target: unknown, source: unknown): void {
  if (ArrayBuffer.isView(target) && !(target instanceof DataView)) {
    (target as unknown as Float64Array).set(source as unknown as Float64Array);
  } else if (Array.isArray(target)) {
    const from = source as unknown[];
    for (let i = 0; i < target.length; i++) {
      if (typeof target[i] === 'number' || target[i] === null || typeof target[i] !== 'object') target[i] = from[i];
      else overwrite(target[i], from[i]);
    }
  } else if (isPlainObject(target)) {
    const from = source as Record<string, unknown>;
    for (const key of Object.keys(target)) {
      if (typeof target[key] === 'object' && target[key] !== null) overwrite(target[key], from[key]);
      else target[key] = from[key];
    }
  }
}

/** A copy of `value`'s values with the same shape, to restore it with `overwrite`. */
export function copyValues(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return (value as unknown as Float64Array).slice();
  if (Array.isArray(value)) return value.map(copyValues);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyValues(v)]));
  return value;
}

/**
 * Calls `call` with `object` holding `values`' values instead of its own, and puts its own back
 * afterwards, also when `call` throws. Null when the two differ in shape (nothing is called).
 */
export async function withValuesOf<T>(object: unknown, values: unknown, call: () => Promise<T> | T): Promise<T | null> {
  if (object === values || !sameShape(object, values)) return null;
  const own = copyValues(object);
  overwrite(object, values);
  try {
    return await call();
  } finally {
    overwrite(object, own);
  }
}
