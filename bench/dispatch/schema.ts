// The JSON Schema of a dispatch file (dispatchVersion 1), checked with ajv when the runtime or the
// CLI reads one: a corrupt, truncated or foreign file is refused with one line naming the first
// problem, before any of it is trusted to pick code to run.

import { Ajv, type ErrorObject } from 'ajv';
import { DISPATCH_VERSION } from '../types/dispatch.js';

const number = { type: 'number' } as const;
const string = { type: 'string' } as const;
const strings = { type: 'array', items: string } as const;

const ref = {
  type: 'object',
  required: ['builtIn', 'file', 'exportName'],
  properties: { builtIn: { type: 'boolean' }, file: string, exportName: string, index: { type: 'integer', minimum: 0 } },
} as const;

const candidate = {
  type: 'object',
  required: ['id', 'variant', 'target', 'rung', 'rank', 'medianNs', 'speedup', 'ref'],
  properties: {
    id: string,
    variant: string,
    target: string,
    rung: string,
    rank: { type: 'integer', minimum: 1 },
    medianNs: number,
    speedup: { type: ['object', 'null'], required: ['ratio', 'ciLow', 'ciHigh', 'ciLevel'], properties: { ratio: number, ciLow: number, ciHigh: number, ciLevel: number } },
    ref,
  },
} as const;

export const dispatchSchema = {
  type: 'object',
  required: ['dispatchVersion', 'createdAt', 'command', 'harnessVersion', 'machines', 'kernels'],
  properties: {
    dispatchVersion: { const: DISPATCH_VERSION },
    createdAt: string,
    command: strings,
    harnessVersion: string,
    machines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fingerprint', 'cpuModel', 'x86Level', 'cores', 'sources'],
        properties: { fingerprint: string, cpuModel: string, x86Level: { type: ['string', 'null'] }, cores: number, sources: strings },
      },
    },
    kernels: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'ref', 'sizes'],
        properties: {
          name: string,
          ref,
          sizes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'params', 'ranges', 'byMachine'],
              properties: {
                name: string,
                params: { type: 'object', additionalProperties: number },
                ranges: { type: 'object', additionalProperties: { type: 'array', items: [number, { type: ['number', 'null'] }], minItems: 2, maxItems: 2 } },
                byMachine: { type: 'object', additionalProperties: { type: 'array', items: candidate } },
              },
            },
          },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: false, allowUnionTypes: true }).compile(dispatchSchema);

/** Null when `data` is a dispatch file, else its first problem in words: `/kernels/0/sizes: must be array`. */
export function dispatchProblem(data: unknown): string | null {
  if (validate(data)) return null;
  const error = validate.errors?.[0] as ErrorObject | undefined;
  if (!error) return 'does not match the dispatch schema';
  return `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`;
}
