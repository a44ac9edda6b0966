// Validation before timing: a variant runs on the cell's own input and on every edge case of its
// kernel, and each output is compared with the reference's. Each case prepares the variant once and
// calls it on two distinct per-call inputs, A, B, A, then once more on A's own object holding B's
// values; every output is compared with the reference for the values it was given, so that an
// answer remembered from an earlier call, or for the same object, fails. The inputs' checksums
// before and after catch a variant that changes them. Only a valid variant is ever timed.

import { workerFailureOf } from '../parallel/worker-error.js';
import type {
  KernelDefinition,
  KernelInputs,
  KernelOutput,
  PreparedVariant,
  PrepareContext,
  SizeParams,
  Validation,
  ValidationCase,
  ValidationFigures,
  VariantDefinition,
} from '../types.js';
import { changedInputs, checksumInputs, type InputChecksums } from './checksum.js';
import { compareOutputs } from './compare.js';
import { drawPerCallInputs, InputDrawError, withValuesOf } from './inputs.js';

export interface ValidationInput {
  readonly name: string;
  readonly params: SizeParams;
  readonly inputs: KernelInputs<unknown, unknown>;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

type Prepared = PreparedVariant<unknown, KernelOutput>;

/** Whether `value` is a Promise or any other thenable (what `await` would wait for). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * How validation prepares and calls a variant. The measuring code substitutes a caller that times
 * the first prepare and the first call (the cold start); validation itself reads no clock.
 */
export interface Caller {
  prepare(variant: VariantDefinition, staticInputs: unknown, params: SizeParams, context: PrepareContext): Promise<Prepared>;
  /** One call, its output awaited when `run` returned a Promise. */
  call(prepared: Prepared, perCall: unknown): Promise<KernelOutput>;
}

export const plainCaller: Caller = {
  prepare: async (variant, staticInputs, params, context) => variant.prepare(staticInputs, params, context),
  call: async (prepared, perCall) => prepared.run(perCall),
};

/** Thrown when the kernel itself (not the variant) fails: its reference, its inputs or its edge cases. */
export class KernelFault extends Error {
  override name = 'KernelFault';
}

/** The calls of one case: input A, then B, then A again (indices into the drawn per-call inputs). */
export const CALL_ORDER: readonly number[] = [0, 1, 0];

/** Checksums of a case's static input and each of its per-call inputs. */
function inputSums(staticInputs: unknown, perCall: readonly unknown[]): InputChecksums[] {
  return [checksumInputs('static', staticInputs), ...perCall.map((p) => checksumInputs('perCall', p))];
}

/**
 * A case's inputs under guard: the per-call inputs a variant is called on (the case's own first),
 * the reference's output for each, and what has changed in any of them since they were drawn.
 */
export interface GuardedCase {
  readonly perCall: readonly unknown[];
  /** How many of the per-call inputs are distinct. */
  readonly distinct: number;
  readonly expected: readonly KernelOutput[];
  /** Checksums of the inputs as drawn: the static input's, then each per-call input's. */
  readonly sums: readonly InputChecksums[];
  /** Inputs (field paths) whose checksum differs from when they were drawn. */
  changed(): string[];
}

/**
 * References computed elsewhere (by the harness, once per cell: shared-references.ts) for inputs with
 * these checksums, or null to compute them here.
 */
export type RecallReferences = (sums: readonly InputChecksums[]) => readonly KernelOutput[] | null;

/**
 * Draws the further per-call inputs of `input` (from `seed`), checksums every input, and computes
 * the reference for each per-call input, checking that the reference leaves them alone. The
 * kernel's own failures throw KernelFault.
 */
export function guardCase(kernel: KernelDefinition, input: ValidationInput, seed: number, recall?: RecallReferences): GuardedCase {
  const staticInputs = input.inputs.static;
  let drawn;
  try {
    drawn = drawPerCallInputs(kernel, input.params, seed, staticInputs, input.inputs.perCall);
  } catch (error) {
    throw error instanceof InputDrawError ? new KernelFault(error.message) : error;
  }
  const perCall = drawn.perCall;
  const before = inputSums(staticInputs, perCall);
  const changed = (): string[] => {
    const after = inputSums(staticInputs, perCall);
    return [...new Set(before.flatMap((sums, i) => changedInputs(sums, after[i])))];
  };
  const recalled = recall?.(before) ?? null;
  if (recalled) return { perCall, distinct: drawn.distinct, expected: recalled, sums: before, changed };
  const expected = perCall.map((p, i) => {
    try {
      return kernel.reference({ static: staticInputs, perCall: p }, input.params);
    } catch (error) {
      throw new KernelFault(`kernel ${kernel.name}: reference threw on ${input.name}${i > 0 ? ` (further input ${i})` : ''}: ${oneLine(error)}`);
    }
  });
  const byReference = changed();
  if (byReference.length) throw new KernelFault(`kernel ${kernel.name}: reference changed its input ${byReference.join(', ')} on ${input.name}`);
  return { perCall, distinct: drawn.distinct, expected, sums: before, changed };
}

/** The worst figures over a case's calls (the first failing call's mismatch named). */
export function worst(calls: readonly ValidationFigures[]): ValidationFigures {
  const failed = calls.find((c) => c.mismatches > 0);
  return {
    maxAbsError: Math.max(0, ...calls.map((c) => c.maxAbsError)),
    maxRelError: Math.max(0, ...calls.map((c) => c.maxRelError)),
    maxUlp: Math.max(0, ...calls.map((c) => c.maxUlp)),
    checked: calls.reduce((n, c) => n + c.checked, 0),
    mismatches: calls.reduce((n, c) => n + c.mismatches, 0),
    ...(failed?.firstMismatch ? { firstMismatch: failed.firstMismatch } : {}),
    ...(failed?.problem ? { problem: failed.problem } : {}),
  };
}

/** Compares one output with the reference for its input, by the kernel's own rule when it has one. */
export function compareWithReference(kernel: KernelDefinition, actual: KernelOutput, expected: KernelOutput, inputs: KernelInputs<unknown, unknown>, params: SizeParams): ValidationFigures {
  return kernel.compare ? kernel.compare(actual, expected, inputs, params, kernel.tolerance) : compareOutputs(actual, expected, kernel.tolerance);
}

/** Where one output went wrong, in one line: the problem, or the count and the first mismatch. */
export function describeFigures(figures: ValidationFigures): string {
  if (figures.problem) return figures.problem;
  const m = figures.firstMismatch;
  const where = m ? `; first at ${m.field}[${m.index}]: got ${m.actual}, expected ${m.expected}` : '';
  return `${figures.mismatches} of ${figures.checked} values outside tolerance${where}`;
}

async function validateCase(kernel: KernelDefinition, variant: VariantDefinition, input: ValidationInput, seed: number, caller: Caller, context: PrepareContext, recall?: RecallReferences): Promise<ValidationCase> {
  const staticInputs = input.inputs.static;
  const guarded = guardCase(kernel, input, seed, recall);
  const { perCall, expected } = guarded;

  const prepared = await caller.prepare(variant, staticInputs, input.params, context);
  const figures: ValidationFigures[] = [];
  let failedCall: number | undefined;
  try {
    for (const [call, which] of CALL_ORDER.entries()) {
      const actual = await caller.call(prepared, perCall[which]);
      // Compared at once: `run`'s output may be a buffer the next call overwrites.
      const f = compareWithReference(kernel, actual, expected[which], { static: staticInputs, perCall: perCall[which] }, input.params);
      figures.push(f);
      if (f.mismatches > 0 && failedCall === undefined) failedCall = call + 1;
    }
    // A cache keyed on the input object would answer this from memory (inputs.ts, withValuesOf).
    const probe = await withValuesOf(perCall[0], perCall[1], async () => {
      const actual = await caller.call(prepared, perCall[0]);
      return compareWithReference(kernel, actual, expected[1], { static: staticInputs, perCall: perCall[0] }, input.params);
    });
    if (probe) {
      figures.push(probe);
      if (probe.mismatches > 0 && failedCall === undefined) failedCall = figures.length;
    }
  } finally {
    await prepared.dispose?.();
  }
  const mutated = guarded.changed();
  const result = worst(figures);
  return {
    name: input.name,
    valid: result.mismatches === 0 && mutated.length === 0,
    ...result,
    calls: figures.length,
    inputs: guarded.distinct,
    ...(failedCall !== undefined ? { failedCall } : {}),
    ...(mutated.length ? { mutated } : {}),
  };
}

/** The input of each call, as messages name it. */
const CALL_INPUTS = ['input A', 'input B', 'input A again', "input A's object holding B's values"];

export function describeFailure(failed: ValidationCase): string {
  if (failed.mutated?.length) return `${failed.name}: changed its input ${failed.mutated.join(', ')}`;
  const call = failed.failedCall ? `call ${failed.failedCall} of ${failed.calls} (${CALL_INPUTS[failed.failedCall - 1]})` : null;
  if (failed.problem) return `${failed.name}: ${call ? `${call}: ` : ''}${failed.problem}`;
  const m = failed.firstMismatch;
  const first = call || m ? `; first in ${call ?? 'a call'}${m ? ` at ${m.field}[${m.index}]: got ${m.actual}, expected ${m.expected}` : ''}` : '';
  return `${failed.name}: ${failed.mismatches} of ${failed.checked} values outside tolerance in ${failed.calls ?? 1} calls${first}`;
}

/**
 * Validates `variant` on `cell` and on the kernel's edge cases. A variant that throws is `failed`;
 * one that returns numbers outside the tolerance, or changes its inputs, is `invalid`. A KernelFault
 * propagates: it is the kernel's own error, not the variant's, and so does a parallel variant's
 * WorkerError, whose kind (a worker threw, died) the harness records. `seed` draws the further
 * per-call inputs; `context` is what prepare is told (its number of workers); `recallCell`, the
 * cell's references computed by the harness (the edge cases are small, and computed here).
 */
export async function validateVariant(
  kernel: KernelDefinition,
  variant: VariantDefinition,
  cell: ValidationInput,
  seed: number,
  caller: Caller = plainCaller,
  context: PrepareContext = { workers: 1 },
  recallCell?: RecallReferences,
): Promise<Validation> {
  let edgeCases: ValidationInput[];
  try {
    edgeCases = [...(kernel.edgeCases?.() ?? [])];
  } catch (error) {
    throw new KernelFault(`kernel ${kernel.name}: edgeCases threw: ${oneLine(error)}`);
  }
  const cases: ValidationCase[] = [];
  for (const [index, input] of [cell, ...edgeCases].entries()) {
    try {
      // Each case its own further inputs, reproducible from the cell's seed.
      cases.push(await validateCase(kernel, variant, input, seed + index, caller, context, index === 0 ? recallCell : undefined));
    } catch (error) {
      if (error instanceof KernelFault || workerFailureOf(error)) throw error;
      return { ...summarizeCases(cases), status: 'failed', cases, message: `${input.name}: variant threw ${oneLine(error)}` };
    }
  }
  const firstInvalid = cases.find((c) => !c.valid);
  return {
    ...summarizeCases(cases),
    status: firstInvalid ? 'invalid' : 'valid',
    cases,
    ...(firstInvalid ? { message: describeFailure(firstInvalid) } : {}),
  };
}

export function summarizeCases(cases: readonly ValidationCase[]): Pick<Validation, 'maxAbsError' | 'maxRelError' | 'maxUlp'> {
  return {
    maxAbsError: Math.max(0, ...cases.map((c) => c.maxAbsError)),
    maxRelError: Math.max(0, ...cases.map((c) => c.maxRelError)),
    maxUlp: Math.max(0, ...cases.map((c) => c.maxUlp)),
  };
}
