// Where a machine's roofline is kept between runs: one JSON file per machine fingerprint in the
// cache folder (bench/env/cache-dir.ts). Written atomically,
// so a crash while measuring never leaves a half-written cache; read with the results schema's
// roofline part, so a corrupt or foreign file is noticed (and measured over), never trusted.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { fromJson, readText, toJson, writeFileAtomic } from '../results/store.js';
import { rooflineSchema } from '../results/schema.js';
import type { MachineRoofline } from '../types.js';

export function rooflineCacheFile(dir: string, fingerprint: string): string {
  return path.join(dir, `roofline-${fingerprint}.json`);
}

export type CachedRoofline =
  | { readonly status: 'missing' }
  | { readonly status: 'corrupt'; readonly problem: string }
  | { readonly status: 'ok'; readonly roofline: MachineRoofline };

const validate = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(rooflineSchema);

/** The cached roofline of `fingerprint` in `file`, or why there is none. */
export function readCachedRoofline(file: string, fingerprint: string): CachedRoofline {
  if (!existsSync(file)) return { status: 'missing' };
  let data: unknown;
  try {
    data = fromJson(readText(file));
  } catch (error) {
    return { status: 'corrupt', problem: `not valid JSON (${(error as Error).message})` };
  }
  if (!validate(data)) {
    const e = validate.errors?.[0];
    return { status: 'corrupt', problem: `not a roofline: ${e ? `${e.instancePath || '/'} ${e.message ?? 'is invalid'}` : 'does not match the schema'}` };
  }
  const roofline = data as MachineRoofline;
  if (roofline.fingerprint !== fingerprint) return { status: 'corrupt', problem: `measured on machine ${roofline.fingerprint}, not ${fingerprint}` };
  return { status: 'ok', roofline };
}

export function writeCachedRoofline(file: string, roofline: MachineRoofline): void {
  writeFileAtomic(file, `${toJson(roofline)}\n`);
}
