// Results files → a dispatch file: per kernel and measured size, per machine, the ranked variants
// analysis found valid and not suspect, each with where its definition lives, so that the runtime
// (runtime.ts) can import exactly the one it picks. Ranks, speedups and verdicts come from analysis;
// nothing is decided here beyond what to write down.

import path from 'node:path';
import type { LoadedResults } from '../analysis/analyze.js';
import { analyze } from '../analysis/analyze.js';
import { UserError } from '../errors.js';
import { packageVersion } from '../paths.js';
import { variantId } from '../spec/define.js';
import type { Registry, SizeParams } from '../types.js';
import { DISPATCH_VERSION, type DispatchCandidate, type DispatchFile, type DispatchKernel, type DispatchMachine, type DispatchSize } from '../types/dispatch.js';
import { dispatchRef } from './refs.js';

/**
 * Per parameter, the values a size stands for: geometric midpoints to the next smaller and larger
 * distinct value of that parameter among the kernel's sizes (0 and open at the ends).
 */
export function sizeRanges(params: SizeParams, all: readonly SizeParams[]): DispatchSize['ranges'] {
  const ranges: Record<string, readonly [number, number | null]> = {};
  for (const [param, value] of Object.entries(params)) {
    const values = [...new Set(all.map((p) => p[param]).filter((v) => typeof v === 'number'))].sort((a, b) => a - b);
    const below = values.filter((v) => v < value).pop();
    const above = values.find((v) => v > value);
    const mid = (a: number, b: number) => (a > 0 && b > 0 ? Math.sqrt(a * b) : (a + b) / 2);
    ranges[param] = [below === undefined ? 0 : mid(below, value), above === undefined ? null : mid(value, above)];
  }
  return ranges;
}

/**
 * The dispatch file for `inputs`, written to `out`: every kernel and size they measured, per machine
 * the ranked valid and non-suspect variants. Each variant must be found in `registry` (the built-ins,
 * and the user's folders), or the file could not be used: a UserError says which.
 */
export function buildDispatch(inputs: readonly LoadedResults[], registry: Registry, out: string, command: readonly string[]): DispatchFile {
  const analysis = analyze(inputs);
  const dispatchDir = path.dirname(path.resolve(out));
  const sourceOf = (fingerprint: string) => inputs.filter((i) => i.results.environment.fingerprint === fingerprint).map((i) => i.source);
  const machines: DispatchMachine[] = analysis.environments.map((e) => ({
    fingerprint: e.fingerprint,
    cpuModel: e.cpuModel,
    x86Level: e.x86Level,
    cores: e.cores,
    sources: sourceOf(e.fingerprint),
  }));

  const kernels = new Map<string, { kernel: DispatchKernel; sizes: Map<string, { params: SizeParams; byMachine: Record<string, DispatchCandidate[]> }> }>();
  for (const group of analysis.groups) {
    const located = registry.kernels.get(group.kernel);
    if (!located) throw new UserError(`dispatch: kernel ${group.kernel} of the results is not among the kernels found here (give its folder with --kernels)`);
    let entry = kernels.get(group.kernel);
    if (!entry) kernels.set(group.kernel, (entry = { kernel: { name: group.kernel, ref: dispatchRef(located, dispatchDir), sizes: [] }, sizes: new Map() }));
    let size = entry.sizes.get(group.size.name);
    if (!size) entry.sizes.set(group.size.name, (size = { params: group.size.params, byMachine: {} }));
    // External variants (the Python peers) run in programs of their own: production code cannot call them.
    const ranked = group.variants.filter((v) => v.rank !== null && !v.external);
    size.byMachine[group.fingerprint] = ranked.map((v, i): DispatchCandidate => {
      const id = variantId(v.variant, v.target);
      const variant = registry.variants.get(group.kernel)?.find((c) => variantId(c.definition.name, c.definition.target ?? 'js') === id);
      if (!variant) throw new UserError(`dispatch: variant ${id} of kernel ${group.kernel} is not among the variants found here (give its folder with --kernels)`);
      return { id, variant: v.variant, target: v.target, rung: v.rung, rank: i + 1, medianNs: v.stats!.medianNs, speedup: v.speedup, ref: dispatchRef(variant, dispatchDir) };
    });
  }

  return {
    dispatchVersion: DISPATCH_VERSION,
    createdAt: new Date().toISOString(),
    command: [...command],
    harnessVersion: packageVersion(),
    machines,
    kernels: [...kernels.values()].map(({ kernel, sizes }) => {
      const all = [...sizes.values()].map((s) => s.params);
      return {
        ...kernel,
        sizes: [...sizes.entries()].map(([name, s]) => ({ name, params: s.params, ranges: sizeRanges(s.params, all), byMachine: s.byMachine })),
      };
    }),
  };
}
