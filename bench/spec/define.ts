// defineKernel / defineVariant: what users call in their own folders. They check the shape early (a
// mistake in a user's kernel should be reported at load time with the kernel's name, not as a crash
// in a child process) and mark the object so discovery can find it among a module's exports.

import { UserError } from '../errors.js';
import {
  KERNEL_MARK,
  VARIANT_MARK,
  type KernelDefinition,
  type KernelOutput,
  type KernelSpec,
  type SizeParams,
  type VariantDefinition,
  type VariantSpec,
} from '../types.js';

/** Thrown for a definition that cannot work; the CLI prints its message as one line. */
export class DefinitionError extends UserError {
  override name = 'DefinitionError';
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;
/** `--size all`: every size of the selected kernels, those outside their default matrix included. */
export const ALL_SIZES = 'all';
const TARGET = /^[a-z0-9][a-z0-9@._-]*$/;

function requireFunction(owner: string, value: unknown, field: string): void {
  if (typeof value !== 'function') throw new DefinitionError(`${owner}: ${field} must be a function`);
}

export function defineKernel<Static, PerCall, Output extends KernelOutput, Params extends SizeParams>(
  spec: KernelSpec<Static, PerCall, Output, Params>,
): KernelDefinition<Static, PerCall, Output, Params> {
  const owner = `kernel ${JSON.stringify(spec?.name)}`;
  if (typeof spec !== 'object' || spec === null) throw new DefinitionError('defineKernel needs an object');
  if (typeof spec.name !== 'string' || !NAME.test(spec.name)) {
    throw new DefinitionError(`${owner}: name must be lower-case letters, digits and dashes`);
  }
  if (typeof spec.description !== 'string') throw new DefinitionError(`${owner}: description must be a string`);
  const sizes = Object.entries(spec.sizes ?? {});
  if (sizes.length === 0) throw new DefinitionError(`${owner}: sizes must name at least one size`);
  for (const [size, params] of sizes) {
    if (!NAME.test(size)) throw new DefinitionError(`${owner}: size name ${JSON.stringify(size)} is not lower-case letters, digits and dashes`);
    if (size === ALL_SIZES) throw new DefinitionError(`${owner}: size name "${ALL_SIZES}" is reserved (--size ${ALL_SIZES} selects every size)`);
    for (const [param, value] of Object.entries(params ?? {})) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new DefinitionError(`${owner}: size ${size}: parameter ${param} must be a finite number`);
      }
    }
  }
  for (const quick of spec.quickSizes ?? []) {
    if (!(quick in spec.sizes)) throw new DefinitionError(`${owner}: quickSizes names unknown size ${quick}`);
  }
  if (spec.defaultSizes !== undefined) {
    if (!Array.isArray(spec.defaultSizes) || spec.defaultSizes.length === 0) {
      throw new DefinitionError(`${owner}: defaultSizes must name at least one size`);
    }
    for (const size of spec.defaultSizes) {
      if (!(size in spec.sizes)) throw new DefinitionError(`${owner}: defaultSizes names unknown size ${size}`);
    }
  }
  requireFunction(owner, spec.generate, 'generate');
  requireFunction(owner, spec.reference, 'reference');
  requireFunction(owner, spec.elements, 'elements');
  requireFunction(owner, spec.work, 'work');
  if (spec.perCall !== undefined) requireFunction(owner, spec.perCall, 'perCall');
  if (spec.edgeCases !== undefined) requireFunction(owner, spec.edgeCases, 'edgeCases');
  if (spec.compare !== undefined) requireFunction(owner, spec.compare, 'compare');
  if (spec.grows !== undefined && !sizes.every(([, params]) => typeof params?.[spec.grows!] === 'number')) {
    throw new DefinitionError(`${owner}: grows names ${JSON.stringify(spec.grows)}, which is not a parameter of every size`);
  }
  if (spec.gateThreshold !== undefined && !(typeof spec.gateThreshold === 'number' && spec.gateThreshold >= 0 && spec.gateThreshold < 10)) {
    throw new DefinitionError(`${owner}: gateThreshold must be a fraction >= 0 (0.05 = 5%)`);
  }
  const tol = spec.tolerance;
  if (typeof tol !== 'object' || tol === null || ![tol.abs, tol.rel, tol.ulp].every((t) => typeof t === 'number' && t >= 0)) {
    throw new DefinitionError(`${owner}: tolerance must be { abs, rel, ulp }, each a number >= 0`);
  }
  return { ...spec, hotbench: KERNEL_MARK };
}

export function defineVariant<Static, PerCall, Output extends KernelOutput, Params extends SizeParams>(
  spec: VariantSpec<Static, PerCall, Output, Params>,
): VariantDefinition<Static, PerCall, Output, Params> {
  const owner = `variant ${JSON.stringify(spec?.name)} of kernel ${JSON.stringify(spec?.kernel)}`;
  if (typeof spec !== 'object' || spec === null) throw new DefinitionError('defineVariant needs an object');
  if (typeof spec.kernel !== 'string' || !NAME.test(spec.kernel)) throw new DefinitionError(`${owner}: kernel must name a kernel`);
  if (typeof spec.name !== 'string' || !NAME.test(spec.name)) {
    throw new DefinitionError(`${owner}: name must be lower-case letters, digits and dashes`);
  }
  if (typeof spec.rung !== 'string' || spec.rung.length === 0) throw new DefinitionError(`${owner}: rung must be a string`);
  if (spec.target !== undefined && (typeof spec.target !== 'string' || !TARGET.test(spec.target))) {
    throw new DefinitionError(`${owner}: target must be lower-case letters, digits, '@', '.', '_' or '-'`);
  }
  if (typeof spec.description !== 'string') throw new DefinitionError(`${owner}: description must be a string`);
  requireFunction(owner, spec.prepare, 'prepare');
  if (spec.parallel !== undefined) {
    const { backend, follow } = spec.parallel ?? {};
    if (typeof backend !== 'string' || !NAME.test(backend)) throw new DefinitionError(`${owner}: parallel.backend must be lower-case letters, digits and dashes`);
    if (follow !== undefined) requireFunction(owner, follow, 'parallel.follow');
    // Ranks 1..p-1 of an MPI job run follow: without it they would have nothing to do.
    if (backend === 'mpi' && follow === undefined) throw new DefinitionError(`${owner}: an mpi variant needs parallel.follow (what ranks 1..p-1 run)`);
  }
  return { ...spec, target: spec.target ?? 'js', hotbench: VARIANT_MARK };
}

/** `name@target`, the identity of a variant in results and reports. */
export function variantId(name: string, target: string): string {
  return `${name}@${target}`;
}
