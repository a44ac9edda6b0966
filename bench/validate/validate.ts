// Validation before timing: a variant runs on the cell's own input and on every edge case of its
// kernel, and each output is compared with the reference's. Only a valid variant is ever timed.

import type { KernelDefinition, KernelInputs, KernelOutput, SizeParams, Validation, ValidationCase, VariantDefinition } from '../types.js';
import { compareOutputs } from './compare.js';

export interface ValidationInput {
  readonly name: string;
  readonly params: SizeParams;
  readonly inputs: KernelInputs<unknown, unknown>;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

/**
 * Prepares the variant for one input, runs it once and hands the output to `inspect` before
 * disposing of it. The measuring code substitutes a timed version to record the cold start.
 */
export type Execute = (
  variant: VariantDefinition,
  input: ValidationInput,
  inspect: (output: KernelOutput) => ValidationCase,
) => Promise<ValidationCase>;

export const executeOnce: Execute = async (variant, input, inspect) => {
  const prepared = await variant.prepare(input.inputs.static, input.params);
  try {
    return inspect(prepared.run(input.inputs.perCall));
  } finally {
    prepared.dispose?.();
  }
};

/** Thrown when the kernel itself (not the variant) fails: its reference or its edge cases. */
export class KernelFault extends Error {
  override name = 'KernelFault';
}

async function validateCase(kernel: KernelDefinition, variant: VariantDefinition, input: ValidationInput, execute: Execute): Promise<ValidationCase> {
  let expected;
  try {
    expected = kernel.reference(input.inputs, input.params);
  } catch (error) {
    throw new KernelFault(`kernel ${kernel.name}: reference threw on ${input.name}: ${oneLine(error)}`);
  }
  return execute(variant, input, (actual) => {
    const figures = kernel.compare
      ? kernel.compare(actual, expected, input.inputs, input.params, kernel.tolerance)
      : compareOutputs(actual, expected, kernel.tolerance);
    return { name: input.name, valid: figures.mismatches === 0, ...figures };
  });
}

function describeFailure(failed: ValidationCase): string {
  if (failed.problem) return `${failed.name}: ${failed.problem}`;
  const m = failed.firstMismatch;
  const where = m ? `; first at ${m.field}[${m.index}]: got ${m.actual}, expected ${m.expected}` : '';
  return `${failed.name}: ${failed.mismatches} of ${failed.checked} values outside tolerance${where}`;
}

/**
 * Validates `variant` on `cell` and on the kernel's edge cases. A variant that throws is `failed`;
 * one that returns numbers outside the tolerance is `invalid`. A KernelFault propagates: it is the
 * kernel's own error, not the variant's.
 */
export async function validateVariant(
  kernel: KernelDefinition,
  variant: VariantDefinition,
  cell: ValidationInput,
  execute: Execute = executeOnce,
): Promise<Validation> {
  let edgeCases: ValidationInput[];
  try {
    edgeCases = [...(kernel.edgeCases?.() ?? [])];
  } catch (error) {
    throw new KernelFault(`kernel ${kernel.name}: edgeCases threw: ${oneLine(error)}`);
  }
  const cases: ValidationCase[] = [];
  for (const input of [cell, ...edgeCases]) {
    try {
      cases.push(await validateCase(kernel, variant, input, execute));
    } catch (error) {
      if (error instanceof KernelFault) throw error;
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

function summarizeCases(cases: readonly ValidationCase[]): Pick<Validation, 'maxAbsError' | 'maxRelError' | 'maxUlp'> {
  return {
    maxAbsError: Math.max(0, ...cases.map((c) => c.maxAbsError)),
    maxRelError: Math.max(0, ...cases.map((c) => c.maxRelError)),
    maxUlp: Math.max(0, ...cases.map((c) => c.maxUlp)),
  };
}
