// Checksums of a kernel's inputs, field by field, so that a variant that changes its inputs in place
// is caught and the changed input named (`static.x`, `perCall.coefficients`). A checksum is taken
// before a variant sees the inputs and again after its calls; any difference makes it invalid.
//
// Typed arrays are hashed over their bytes (32-bit words where aligned), plain arrays and objects
// element by element; a field's checksum covers everything beneath it. Two independent 32-bit
// lanes make an accidental collision (a change that leaves both unchanged) about 2^-64 likely.

/** Field path → checksum. */
export type InputChecksums = ReadonlyMap<string, string>;

class Hasher {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;
  private readonly scratch = new Float64Array(1);
  private readonly scratchWords = new Int32Array(this.scratch.buffer);

  word(w: number): void {
    this.a = Math.imul(this.a ^ w, 0x01000193);
    this.b = Math.imul((this.b + w) ^ (this.b >>> 15), 0x5bd1e995);
  }

  number(x: number): void {
    this.scratch[0] = x;
    this.word(this.scratchWords[0]);
    this.word(this.scratchWords[1]);
  }

  text(s: string): void {
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  bytes(view: ArrayBufferView | ArrayBuffer | SharedArrayBuffer): void {
    const buffer = ArrayBuffer.isView(view) ? view.buffer : view;
    const offset = ArrayBuffer.isView(view) ? view.byteOffset : 0;
    const length = ArrayBuffer.isView(view) ? view.byteLength : view.byteLength;
    this.word(length);
    const words = offset % 4 === 0 ? Math.floor(length / 4) : 0;
    if (words > 0) {
      const w = new Int32Array(buffer, offset, words);
      // Inlined word(): this loop runs over every input byte (hundreds of MB at the largest sizes).
      let a = this.a;
      let b = this.b;
      for (let i = 0; i < words; i++) {
        const x = w[i];
        a = Math.imul(a ^ x, 0x01000193);
        b = Math.imul((b + x) ^ (b >>> 15), 0x5bd1e995);
      }
      this.a = a;
      this.b = b;
    }
    const rest = new Uint8Array(buffer, offset + words * 4, length - words * 4);
    for (let i = 0; i < rest.length; i++) this.word(rest[i]);
  }

  digest(): string {
    return `${(this.a >>> 0).toString(16).padStart(8, '0')}${(this.b >>> 0).toString(16).padStart(8, '0')}`;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Hashes `value` whole into `h` (no per-field entries): numbers, text, arrays, buffers, objects. */
function hashValue(value: unknown, h: Hasher, seen: Set<object>): void {
  switch (typeof value) {
    case 'number':
      h.word(1);
      h.number(value);
      return;
    case 'string':
      h.word(2);
      h.text(value);
      return;
    case 'boolean':
      h.word(value ? 3 : 4);
      return;
    case 'bigint':
      h.word(5);
      h.text(value.toString());
      return;
    case 'undefined':
      h.word(6);
      return;
    case 'function':
    case 'symbol':
      // Code is not data: nothing a variant could change by writing.
      h.word(7);
      return;
  }
  if (value === null) {
    h.word(8);
    return;
  }
  const object = value as object;
  if (seen.has(object)) {
    h.word(9);
    return;
  }
  seen.add(object);
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && object instanceof SharedArrayBuffer)) {
    h.word(10);
    h.bytes(object as ArrayBufferView | ArrayBuffer);
  } else if (Array.isArray(object)) {
    h.word(11);
    h.word(object.length);
    for (const item of object) hashValue(item, h, seen);
  } else if (object instanceof Map) {
    h.word(12);
    for (const [k, v] of object) {
      hashValue(k, h, seen);
      hashValue(v, h, seen);
    }
  } else if (object instanceof Set) {
    h.word(13);
    for (const v of object) hashValue(v, h, seen);
  } else {
    h.word(14);
    for (const key of Object.keys(object).sort()) {
      h.text(key);
      hashValue((object as Record<string, unknown>)[key], h, seen);
    }
  }
}

/**
 * One checksum per field: the fields of plain objects are followed down (`perCall.spots.dx`), every
 * other value (an array, a typed array, a number) is one field. `prefix` names the root.
 */
function collect(value: unknown, path: string, out: Map<string, string>, seen: Set<object>): void {
  if (typeof value === 'object' && value !== null && isPlainObject(value) && !seen.has(value)) {
    seen.add(value);
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out.set(path, 'empty');
    for (const key of keys) collect((value as Record<string, unknown>)[key], `${path}.${key}`, out, seen);
    return;
  }
  const h = new Hasher();
  hashValue(value, h, seen);
  out.set(path, h.digest());
}

/** Checksums of `value`'s fields, named from `root` (`static`, `perCall`). */
export function checksumInputs(root: string, value: unknown): InputChecksums {
  const out = new Map<string, string>();
  collect(value, root, out, new Set());
  return out;
}

/** The checksum of a whole value (to tell two per-call inputs apart). */
export function checksumOf(value: unknown): string {
  const h = new Hasher();
  hashValue(value, h, new Set());
  return h.digest();
}

/** Fields whose checksum differs between `before` and `after`, or that appeared or vanished. */
export function changedInputs(before: InputChecksums, after: InputChecksums): string[] {
  const changed: string[] = [];
  for (const [path, sum] of before) if (after.get(path) !== sum) changed.push(path);
  for (const path of after.keys()) if (!before.has(path)) changed.push(path);
  return changed;
}
