// The JSON Schema of a results file, checked with ajv when a file is read: a corrupt, truncated or
// foreign file is answered with one line naming the first problem's path, before any of it reaches
// analysis. Non-finite numbers are already numbers again (see store.ts). Fields added after
// version 1 first shipped (coldStart, failure, skipped, maxHeapMb, shard, mergedFrom, roofline; a
// round's layout, inputs, async, emptyCall and deviceNsPerCall; a case's calls, inputs,
// failedCall and mutated; a cell's suspect and external; a skipped variant's size) are optional. Version 2 is a file that holds a scaling
// run: it must have the `scaling` section, and its cells may carry `workers`; version 1 may have
// neither, so an older hotbench, which reads version 1 only, never silently drops scaling data.

import { Ajv, type ErrorObject } from 'ajv';
import { SCALING_SCHEMA_VERSION, SCHEMA_VERSION } from '../types.js';

const number = { type: 'number' } as const;
const numberOrNull = { type: ['number', 'null'] } as const;
const string = { type: 'string' } as const;
const strings = { type: 'array', items: string } as const;
const numbers = { type: 'array', items: number } as const;

const validationCase = {
  type: 'object',
  required: ['name', 'valid', 'maxAbsError', 'maxRelError', 'maxUlp', 'checked', 'mismatches'],
  properties: {
    name: string,
    valid: { type: 'boolean' },
    maxAbsError: number,
    maxRelError: number,
    maxUlp: number,
    checked: number,
    mismatches: number,
    problem: string,
    calls: number,
    inputs: number,
    failedCall: number,
    mutated: strings,
  },
} as const;

const cell = {
  type: 'object',
  required: ['kernel', 'variant', 'rung', 'target', 'size', 'seed', 'elements', 'work', 'validation', 'samples', 'rounds', 'stats', 'nsPerElement', 'setupNs'],
  properties: {
    kernel: string,
    variant: string,
    rung: string,
    target: string,
    description: string,
    size: {
      type: 'object',
      required: ['name', 'params'],
      properties: { name: string, params: { type: 'object', additionalProperties: number } },
    },
    seed: number,
    elements: number,
    work: { type: 'object', required: ['flops', 'bytes'], properties: { flops: number, bytes: number } },
    validation: {
      type: 'object',
      required: ['status', 'maxAbsError', 'maxRelError', 'maxUlp', 'cases'],
      properties: {
        status: { enum: ['valid', 'invalid', 'failed'] },
        maxAbsError: number,
        maxRelError: number,
        maxUlp: number,
        cases: { type: 'array', items: validationCase },
        message: string,
      },
    },
    samples: numbers,
    rounds: {
      type: 'array',
      items: {
        type: 'object',
        required: ['round', 'pid', 'batch', 'samples', 'setupNs', 'timer'],
        properties: {
          round: number,
          pid: number,
          batch: number,
          samples: number,
          setupNs: number,
          timer: { type: 'object' },
          layout: { type: 'object', required: ['envBytes', 'heapWords', 'codeOps'], properties: { envBytes: number, heapWords: number, codeOps: number } },
          inputs: number,
          async: { type: 'boolean' },
          emptyCall: { type: 'object', required: ['medianNs', 'madNs'], properties: { medianNs: number, madNs: number } },
          // A GPU rung's device-only time per call over the round (its kernels, without transfers).
          deviceNsPerCall: number,
          // A pipeline configuration's ns per call in each stage, inside the timed calls and alone.
          stages: {
            type: 'object',
            required: ['inPipeline', 'alone'],
            properties: { inPipeline: { type: 'object', additionalProperties: number }, alone: { type: 'object', additionalProperties: number } },
          },
        },
      },
    },
    stats: {
      type: ['object', 'null'],
      required: ['n', 'medianNs', 'ciLowNs', 'ciHighNs', 'ciLevel', 'madNs', 'meanNs', 'minNs', 'maxNs', 'outliers'],
      properties: { n: number, medianNs: number, ciLowNs: number, ciHighNs: number, ciLevel: number, madNs: number, meanNs: number, minNs: number, maxNs: number, outliers: { type: 'object' } },
    },
    nsPerElement: numberOrNull,
    setupNs: numberOrNull,
    coldStart: { type: ['object', 'null'] },
    error: string,
    failure: {
      type: 'object',
      required: ['kind', 'phase', 'message'],
      properties: {
        kind: { enum: ['threw', 'wrong-output', 'mutated-input', 'timeout', 'crashed', 'signal', 'out-of-memory'] },
        phase: { enum: ['validate', 'measure'] },
        round: number,
        message: string,
        signal: string,
        exitCode: number,
      },
    },
    suspect: string,
    external: {
      type: 'object',
      required: ['protocol', 'peer', 'command', 'env', 'runtime'],
      properties: {
        protocol: string,
        peer: { type: 'boolean' },
        command: strings,
        env: { type: 'object', additionalProperties: string },
        runtime: { type: 'object', additionalProperties: string },
      },
    },
    workers: {
      type: 'object',
      required: ['count', 'mode', 'backend', 'oversubscribed'],
      properties: {
        count: { type: 'integer', minimum: 1 },
        mode: { enum: ['strong', 'weak'] },
        backend: { type: ['string', 'null'] },
        oversubscribed: { type: 'boolean' },
      },
    },
  },
} as const;

const scalingRun = {
  type: 'object',
  required: ['mode', 'workers', 'cores', 'oversubscribe'],
  properties: {
    mode: { enum: ['strong', 'weak'] },
    workers: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } },
    cores: { type: 'integer', minimum: 1 },
    oversubscribe: { type: 'boolean' },
    grows: { type: 'object', additionalProperties: string },
  },
} as const;

/** A machine's roofline (MachineRoofline): in results files, and alone in the roofline cache. */
export const rooflineSchema = {
  type: 'object',
  required: ['fingerprint', 'measuredAt', 'ceilings', 'peakGflops', 'bandwidthGBps', 'arrayBytes', 'skipped'],
  properties: {
    fingerprint: string,
    measuredAt: string,
    ceilings: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['target', 'peakGflops', 'triadGBps', 'storeGBps', 'vectorBits', 'fma', 'chains'],
        properties: { target: string, peakGflops: number, triadGBps: number, storeGBps: number, vectorBits: number, fma: { type: 'boolean' }, chains: number },
      },
    },
    peakGflops: number,
    bandwidthGBps: number,
    arrayBytes: number,
    skipped: { type: 'array', items: { type: 'object', required: ['target', 'reason'], properties: { target: string, reason: string } } },
  },
} as const;

export /** A pipeline study's stages and configurations (bench/types/pipeline.ts). */
const pipelineRunSchema = {
  type: 'object',
  required: ['name', 'description', 'size', 'stages', 'configurations'],
  properties: {
    name: string,
    description: string,
    size: string,
    stages: { type: 'array', items: { type: 'object', required: ['name', 'reference'], properties: { name: string, kernel: string, reference: string } } },
    configurations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'change', 'stages'],
        properties: { name: string, change: string, stages: { type: 'object', additionalProperties: string }, algorithm: { type: 'object', additionalProperties: number } },
      },
    },
  },
} as const;

const resultsSchema = {
  type: 'object',
  required: ['schemaVersion', 'createdAt', 'command', 'environment', 'settings', 'kernels', 'cells'],
  properties: {
    schemaVersion: { enum: [SCHEMA_VERSION, SCALING_SCHEMA_VERSION] },
    createdAt: string,
    command: strings,
    environment: { type: 'object', required: ['fingerprint'], properties: { fingerprint: string, cpuModel: string } },
    settings: {
      type: 'object',
      required: ['rounds', 'timeMs', 'minSamples', 'maxSamples', 'warmupMs', 'minSampleNs', 'seed', 'timeoutMs'],
      properties: { rounds: number, timeMs: number, minSamples: number, maxSamples: number, warmupMs: number, minSampleNs: number, seed: number, timeoutMs: number, maxHeapMb: number },
    },
    kernels: {
      type: 'array',
      items: { type: 'object', required: ['name', 'baseline', 'tolerance'], properties: { name: string, baseline: string, description: string, tolerance: { type: 'object' } } },
    },
    cells: { type: 'array', items: cell },
    skipped: {
      type: 'array',
      items: { type: 'object', required: ['kernel', 'variant', 'target', 'reason'], properties: { kernel: string, variant: string, target: string, size: string, reason: string } },
    },
    shard: {
      type: 'object',
      required: ['index', 'count', 'matrix', 'assigned'],
      properties: {
        index: { type: 'integer', minimum: 1 },
        count: { type: 'integer', minimum: 1 },
        matrix: {
          type: 'array',
          items: { type: 'object', required: ['kernel', 'size', 'variants'], properties: { kernel: string, size: string, variants: strings } },
        },
        assigned: { type: 'array', items: { type: 'integer', minimum: 0 } },
      },
    },
    mergedFrom: {
      type: 'array',
      items: { type: 'object', required: ['source', 'index', 'createdAt', 'command'], properties: { source: string, index: number, createdAt: string, command: strings } },
    },
    roofline: rooflineSchema,
    scaling: scalingRun,
    pipeline: pipelineRunSchema,
  },
  // Version 2 holds a scaling run, and only version 2 may.
  if: { properties: { schemaVersion: { const: SCALING_SCHEMA_VERSION } }, required: ['schemaVersion'] },
  then: { properties: { scaling: scalingRun }, required: ['scaling'] },
  else: {
    properties: {
      scaling: { not: {} },
      cells: { type: 'array', items: { not: { type: 'object', properties: { workers: {} }, required: ['workers'] } } },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, strictNumbers: false }).compile(resultsSchema);

/** Null when `data` is a results file, else its first problem in words: `/cells/3/samples: must be array`. */
export function resultsProblem(data: unknown): string | null {
  if (validate(data)) return null;
  const error = validate.errors?.[0] as ErrorObject | undefined;
  if (!error) return 'does not match the results schema';
  const where = error.instancePath || '/';
  const detail = error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${where}: ${error.message ?? 'is invalid'}${detail}`;
}
