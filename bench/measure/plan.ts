// Which cells a run measures: the registry filtered by the command line's kernels, variants and
// sizes. An unknown name is a user error naming what exists.

import { UserError } from '../errors.js';
import { ALL_SIZES, variantId } from '../spec/define.js';
import type { KernelDefinition, KernelInfo, Located, Plan, PlannedCell, Registry, SkippedVariant, VariantDefinition } from '../types.js';

export interface PlanFilters {
  readonly kernels?: readonly string[];
  /** Variant names (`naive`) or ids (`naive@js`). */
  readonly variants?: readonly string[];
  readonly sizes?: readonly string[];
  /** Only each kernel's quick sizes (tiny and small). */
  readonly quick?: boolean;
}

/**
 * Whether parallel variants are planned: only a scaling run measures them (once per number of
 * workers, see workers-plan.ts); any other run leaves them out, and refuses one named by --variant.
 */
export interface PlanOptions {
  readonly parallel?: boolean;
  /**
   * false: external variants (the Python peers) only where --variant names them. The gate's: it
   * judges the project's own code, and a peer's time moves with the Python installed, not with it.
   */
  readonly external?: boolean;
}

export function quickSizes(kernel: KernelDefinition): string[] {
  const declared = kernel.quickSizes ?? ['tiny', 'small'].filter((s) => s in kernel.sizes);
  return declared.length > 0 ? [...declared] : [Object.keys(kernel.sizes)[0]];
}

/** The sizes of the default matrix: the kernel's `defaultSizes`, else every size, in declaration order. */
export function defaultSizes(kernel: KernelDefinition): string[] {
  const all = Object.keys(kernel.sizes);
  return kernel.defaultSizes ? all.filter((s) => kernel.defaultSizes!.includes(s)) : all;
}

/**
 * A kernel's sizes under the filters: `--quick` its quick sizes; sizes named with `--size` (any of
 * its sizes, in or out of the default matrix; `all` for every one); otherwise its default sizes.
 * `--quick` with `--size` keeps the quick sizes named.
 */
function sizesOf(kernel: KernelDefinition, filters: PlanFilters): string[] {
  const named = (filters.sizes ?? []).filter((s) => s !== ALL_SIZES);
  const all = (filters.sizes ?? []).includes(ALL_SIZES);
  if (filters.quick) return quickSizes(kernel).filter((s) => named.length === 0 || all || named.includes(s));
  if (all) return Object.keys(kernel.sizes);
  if (named.length > 0) return Object.keys(kernel.sizes).filter((s) => named.includes(s));
  return defaultSizes(kernel);
}

function unknown(what: string, name: string, known: Iterable<string>): UserError {
  return new UserError(`unknown ${what} ${JSON.stringify(name)} (known: ${[...known].join(', ')})`);
}

/** True, or why the variant cannot run on this machine (a throwing check counts as a reason). */
function availability(variant: VariantDefinition): true | string {
  try {
    return variant.available?.() ?? true;
  } catch (error) {
    return `availability check failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * The cells the filters select, and the selected variants this machine cannot run (skipped, with the
 * reason). Strict (the default): a name that does not exist is a UserError, and so is an empty plan.
 * Lenient (the gate's base, which may lack what head added): names that do not exist here are
 * skipped, and the plan may be empty.
 */
export function planCells(registry: Registry, filters: PlanFilters = {}, strict = true, options: PlanOptions = {}): Plan {
  const kernelNames = (filters.kernels?.length ? filters.kernels : [...registry.kernels.keys()]).filter((name) => {
    if (registry.kernels.has(name)) return true;
    if (strict) throw unknown('kernel', name, registry.kernels.keys());
    return false;
  });

  const allVariantNames = new Set<string>();
  const allSizes = new Set<string>();
  for (const name of kernelNames) {
    for (const v of registry.variants.get(name) ?? []) {
      allVariantNames.add(v.definition.name);
      allVariantNames.add(variantId(v.definition.name, v.definition.target ?? 'js'));
    }
    for (const size of Object.keys(registry.kernels.get(name)!.definition.sizes)) allSizes.add(size);
  }
  if (strict) {
    for (const name of filters.variants ?? []) if (!allVariantNames.has(name)) throw unknown('variant', name, allVariantNames);
    for (const size of filters.sizes ?? []) if (size !== ALL_SIZES && !allSizes.has(size)) throw unknown('size', size, [...allSizes, ALL_SIZES]);
  }

  const cells: PlannedCell[] = [];
  const skipped: SkippedVariant[] = [];
  const groups: PlannedCell[] = [];
  for (const name of kernelNames) {
    const kernel = registry.kernels.get(name)!;
    const selected = (registry.variants.get(name) ?? []).filter((v) => {
      const id = variantId(v.definition.name, v.definition.target ?? 'js');
      const named = filters.variants?.length ? filters.variants.includes(v.definition.name) || filters.variants.includes(id) : null;
      if (v.definition.parallel && !options.parallel) {
        if (named && strict) throw new UserError(`variant ${id} of kernel ${name} is parallel: measure it with hotbench scale (or run --workers)`);
        return false;
      }
      if (v.definition.external && options.external === false) return named ?? false;
      return named ?? true;
    });
    const runnable: Located<VariantDefinition>[] = [];
    for (const v of selected) {
      const verdict = availability(v.definition);
      if (verdict === true) runnable.push(v);
      else skipped.push({ kernel: name, variant: v.definition.name, target: v.definition.target ?? 'js', reason: verdict });
    }
    for (const size of sizesOf(kernel.definition, filters)) {
      if (selected.length > 0) groups.push({ kernel, size, variants: selected });
      // A variant measured at some sizes only (VariantSpec.sizes) is skipped at the others, with the reason.
      const here = runnable.filter((v) => {
        const sizes = v.definition.sizes;
        if (!sizes || sizes.includes(size)) return true;
        skipped.push({ kernel: name, variant: v.definition.name, target: v.definition.target ?? 'js', size, reason: `measured at ${sizes.join(', ')} only (seconds per call at larger sizes)` });
        return false;
      });
      if (here.length > 0) cells.push({ kernel, size, variants: here });
    }
  }
  if (cells.length === 0 && strict) {
    const why = skipped.length ? ` (${skipped.length} selected variants cannot run here: ${skipped.map((s) => `${variantId(s.variant, s.target)}: ${s.reason}`).join('; ')})` : '';
    throw new UserError(`nothing to run: the filters match no (kernel, size, variant)${why}`);
  }
  return { cells, skipped, groups };
}

/** What a results file records of the kernels in a plan. */
export function kernelInfos(plan: readonly PlannedCell[]): KernelInfo[] {
  const seen = new Map<string, KernelInfo>();
  for (const { kernel } of plan) {
    const k = kernel.definition;
    seen.set(k.name, {
      name: k.name,
      description: k.description,
      ...(k.origin ? { origin: k.origin } : {}),
      baseline: k.baseline ?? 'naive',
      tolerance: k.tolerance,
      ...(k.gateThreshold !== undefined ? { gateThreshold: k.gateThreshold } : {}),
    });
  }
  return [...seen.values()];
}
