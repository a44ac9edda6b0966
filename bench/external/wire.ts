// The external protocol's encoding: a kernel's inputs and outputs (typed arrays, numbers, objects of
// them) as WireValues in a JSON manifest, every array in a file of its own holding its raw
// little-endian elements. No JSON for arrays: a 160 MB k-means input travels as 160 MB, bit-exact.
// Decoding checks every descriptor, so that a program's malformed reply is a protocol error with
// one line saying what is wrong, never a crash of the harness.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WireArray, WireDtype, WireValue } from '../types/external.js';

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;
type TypedConstructor = { new (buffer: ArrayBuffer, offset: number, length: number): Typed; readonly BYTES_PER_ELEMENT: number };

const DTYPES: { readonly [D in WireDtype]: TypedConstructor } = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
};

/** A reply the harness cannot read: the program broke the protocol. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

// The arrays travel as the machine holds them; every x86 and ARM machine Node runs on is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('hotbench external protocol: a big-endian host is not supported');

function dtypeOf(value: ArrayBufferView): WireDtype | null {
  for (const [dtype, ctor] of Object.entries(DTYPES)) if (value instanceof (ctor as unknown as typeof Float64Array)) return dtype as WireDtype;
  return null;
}

/** Writes `value`'s arrays into `dir` (files named from `name`) and returns its descriptor. */
export function encodeValue(value: unknown, name: string, dir: string): WireValue {
  if (typeof value === 'number') return value;
  if (ArrayBuffer.isView(value)) {
    const dtype = dtypeOf(value);
    if (!dtype) throw new TypeError(`${name}: ${value.constructor.name} has no wire dtype`);
    const file = `${name}.${dtype}`;
    writeFileSync(path.join(dir, file), new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { kind: 'array', dtype, shape: [(value as Typed).length], file };
  }
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'number')) throw new TypeError(`${name}: only arrays of numbers travel (as f64)`);
    return encodeValue(Float64Array.from(value as number[]), name, dir);
  }
  if (typeof value === 'object' && value !== null) {
    const fields: Record<string, WireValue> = {};
    for (const [field, v] of Object.entries(value)) fields[field] = encodeValue(v, `${name}.${field}`, dir);
    return { kind: 'object', fields };
  }
  throw new TypeError(`${name}: a ${typeof value} cannot travel (numbers, typed arrays and objects of them only)`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A file name the reply may use: inside the job folder, no path. */
function checkFileName(file: unknown, where: string): string {
  if (typeof file !== 'string' || file === '' || file.includes('/') || file.includes('\\') || file === '.' || file === '..') {
    throw new ProtocolError(`${where}: file must be a plain file name in the job folder, got ${JSON.stringify(file)}`);
  }
  return file;
}

function decodeArray(wire: Record<string, unknown>, dir: string, where: string): Typed {
  const ctor = DTYPES[wire.dtype as WireDtype];
  if (!ctor || !Object.hasOwn(DTYPES, wire.dtype as string)) throw new ProtocolError(`${where}: unknown dtype ${JSON.stringify(wire.dtype)} (known: ${Object.keys(DTYPES).join(', ')})`);
  const shape = wire.shape;
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) throw new ProtocolError(`${where}: shape must be a list of non-negative integers`);
  const length = shape.reduce((a: number, b: number) => a * b, 1);
  const file = checkFileName(wire.file, where);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(dir, file));
  } catch (error) {
    throw new ProtocolError(`${where}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (bytes.byteLength !== length * ctor.BYTES_PER_ELEMENT) {
    throw new ProtocolError(`${where}: ${file} holds ${bytes.byteLength} bytes, shape ${JSON.stringify(shape)} of ${wire.dtype} needs ${length * ctor.BYTES_PER_ELEMENT}`);
  }
  // A copy on an aligned buffer of its own (a Buffer may sit at any offset of a shared pool).
  const own = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(own).set(bytes);
  return new ctor(own, 0, length);
}

/** Reads a descriptor back into numbers, typed arrays and objects. */
export function decodeValue(wire: unknown, dir: string, where: string): unknown {
  if (typeof wire === 'number') return wire;
  if (!isRecord(wire)) throw new ProtocolError(`${where}: expected a number or an object with kind "array" or "object", got ${JSON.stringify(wire)?.slice(0, 80)}`);
  if (wire.kind === 'array') return decodeArray(wire, dir, where);
  if (wire.kind === 'object' && isRecord(wire.fields)) {
    const out: Record<string, unknown> = {};
    for (const [field, v] of Object.entries(wire.fields)) out[field] = decodeValue(v, dir, `${where}.${field}`);
    return out;
  }
  throw new ProtocolError(`${where}: kind must be "array" or "object" (with fields), got ${JSON.stringify(wire.kind)}`);
}

/** A descriptor that must be an f64 array (the samples). */
export function decodeF64(wire: unknown, dir: string, where: string): Float64Array {
  if (!isRecord(wire) || wire.kind !== 'array' || wire.dtype !== 'f64') throw new ProtocolError(`${where}: must be an f64 array`);
  return decodeArray(wire, dir, where) as Float64Array;
}

