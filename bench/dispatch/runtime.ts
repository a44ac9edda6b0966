// The dispatch runtime (`hotbench/dispatch`): production code asks for a kernel at its parameters
// and gets the fastest variant that was measured valid, on the machine most like this one, at the
// nearest size, falling back down the ranking past builds this machine cannot run or load. Only the
// chosen variant's module is imported (and, with `verify`, the kernel's and the fallbacks').
//
//   const dispatch = loadDispatch(new URL('./dispatch.json', import.meta.url));
//   const legval = await dispatch.kernel('legval', params, { x });   // static inputs: prepared once
//   const out = legval.run({ coefficients });
//   console.log(legval.explain());

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCpuInfo } from '../env/cpu.js';
import { machineFingerprint } from '../env/fingerprint.js';
import { moduleExtension } from '../paths.js';
import { loadDefinition } from '../spec/registry.js';
import { KERNEL_MARK, VARIANT_MARK, type KernelDefinition, type KernelOutput, type PreparedVariant, type SizeParams, type VariantDefinition } from '../types.js';
import type { DispatchCandidate, DispatchChoice, DispatchFile, DispatchKernel, DispatchMachine, DispatchSize, DispatchStep } from '../types/dispatch.js';
import { DISPATCH_VERSION } from '../types/dispatch.js';
import { compareOutputs } from '../validate/compare.js';
import { resolveDispatchRef } from './refs.js';
import { dispatchProblem } from './schema.js';

/** The one error of the runtime: a file that is missing, corrupt or foreign; an unknown kernel; nothing usable. */
export class DispatchError extends Error {
  override name = 'DispatchError';
}

export interface DispatchOptions {
  /**
   * Never choose these: variant ids (`native@x86-64-v4`), builds (`native@x86-64`, `wasm@simd`),
   * rungs (`native`) or targets (`js`). For machines where a build must not run (no native addons
   * allowed, say).
   */
  readonly exclude?: readonly string[];
}

export interface KernelOptions {
  /**
   * Check the first call's output against the kernel's reference (computed once, then), and fall
   * back to the next candidate if it is wrong. The reference may be slow: it is the trusted one.
   * The first call then returns a Promise (the reference and any fallback are awaited in it).
   */
  readonly verify?: boolean;
}

/** A kernel ready to call: the chosen variant, prepared. */
export interface DispatchedKernel<PerCall = unknown, Output extends KernelOutput = KernelOutput> {
  run(perCall: PerCall): Output | Promise<Output>;
  dispose(): void;
  /** What was chosen and why each better candidate was passed over, as data. */
  readonly choice: DispatchChoice;
  /** The same in words. */
  explain(): string;
}

/** This machine, as dispatch matches it against the machines in a file. */
export interface Host {
  readonly fingerprint: string;
  readonly cpuModel: string;
  /** Capped by HOTBENCH_MAX_X86_LEVEL, as the native builds' availability is. */
  readonly x86Level: string | null;
}

export function thisHost(): Host {
  const cpu = readCpuInfo();
  return { fingerprint: machineFingerprint(), cpuModel: cpu.model, x86Level: cpu.x86Level };
}

function fileOf(where: string | URL): string {
  return where instanceof URL ? fileURLToPath(where) : path.resolve(where);
}

/** Reads and checks a dispatch file: DispatchError with one line for anything but a dispatch file. */
export function readDispatchFile(where: string | URL): DispatchFile {
  const file = fileOf(where);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DispatchError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? (error as Error).message})`}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DispatchError(`${file}: not valid JSON (truncated or not a dispatch file)`);
  }
  const version = (data as { dispatchVersion?: unknown } | null)?.dispatchVersion;
  if (typeof data !== 'object' || data === null || version === undefined) throw new DispatchError(`${file}: not a hotbench dispatch file (no dispatchVersion; write one with hotbench dispatch)`);
  if (version !== DISPATCH_VERSION) throw new DispatchError(`${file}: dispatch version ${JSON.stringify(version)} is not supported (this hotbench reads ${DISPATCH_VERSION})`);
  const problem = dispatchProblem(data);
  if (problem) throw new DispatchError(`${file}: not a valid dispatch file: ${problem}`);
  return data as DispatchFile;
}

/** Distance of two parameter sets in log space (sum over the size's parameters); Infinity if one is missing. */
export function paramDistance(asked: SizeParams, size: SizeParams): number {
  let distance = 0;
  for (const [param, value] of Object.entries(size)) {
    const a = asked[param];
    if (typeof a !== 'number' || !Number.isFinite(a)) return Infinity;
    distance += a > 0 && value > 0 ? Math.abs(Math.log(a / value)) : Math.abs(a - value);
  }
  return distance;
}

const MATCHES: readonly DispatchChoice['match'][] = ['fingerprint', 'cpu model', 'x86-64 level', 'nearest'];

/** How a measured machine matches this one; the first of MATCHES is the closest. */
export function machineMatch(machine: DispatchMachine, host: Host): DispatchChoice['match'] {
  if (machine.fingerprint === host.fingerprint) return 'fingerprint';
  if (machine.cpuModel === host.cpuModel) return 'cpu model';
  if (machine.x86Level !== null && machine.x86Level === host.x86Level) return 'x86-64 level';
  return 'nearest';
}

function excluded(candidate: DispatchCandidate, exclude: readonly string[]): boolean {
  const build = candidate.target === 'js' ? 'js' : `${candidate.rung}@${candidate.target}`;
  return exclude.some((e) => e === candidate.id || e === build || e === candidate.rung || e === candidate.target);
}

const formatNs = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toPrecision(3)} ms` : ns >= 1e3 ? `${(ns / 1e3).toPrecision(3)} µs` : `${ns.toPrecision(3)} ns`);

/** The choice in words: one line per candidate considered. */
export function explainChoice(choice: DispatchChoice): string {
  const params = Object.entries(choice.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const lines = [
    `${choice.kernel} (${params}): ${choice.chosen}`,
    `  size ${choice.size} (the nearest measured; log distance ${choice.distance.toFixed(3)})`,
    `  machine ${choice.machine.cpuModel} [${choice.machine.fingerprint}], matched by ${choice.match === 'nearest' ? 'nothing closer: the first machine measured' : `the same ${choice.match}`}; from ${choice.machine.sources.join(', ')}`,
    ...choice.steps.map((s) => `  ${String(s.rank).padStart(2)}. ${s.id.padEnd(20)} ${formatNs(s.medianNs).padStart(10)}  ${s.outcome}${s.reason ? `: ${s.reason}` : ''}`),
  ];
  return lines.join('\n');
}

/** The candidates passed over, in one line. */
function passedOver(steps: readonly DispatchStep[]): string {
  return steps.map((s) => `${s.id} ${s.outcome}${s.reason ? `: ${s.reason}` : ''}`).join('; ') || 'none measured';
}

interface Usable {
  readonly candidate: DispatchCandidate;
  readonly definition: VariantDefinition;
}

export class Dispatch {
  private readonly dir: string;

  constructor(
    readonly file: DispatchFile,
    where: string,
    private readonly options: DispatchOptions = {},
    private readonly host: Host = thisHost(),
  ) {
    this.dir = path.dirname(where);
  }

  private kernelEntry(name: string): DispatchKernel {
    const kernel = this.file.kernels.find((k) => k.name === name);
    if (!kernel) throw new DispatchError(`unknown kernel ${JSON.stringify(name)} in the dispatch file (it has: ${this.file.kernels.map((k) => k.name).join(', ') || 'none'})`);
    return kernel;
  }

  /** The nearest measured size to `params`, and the closest machine that has candidates for it. */
  private place(kernel: DispatchKernel, params: SizeParams): { size: DispatchSize; distance: number; machine: DispatchMachine; match: DispatchChoice['match'] } {
    const sizes = kernel.sizes
      .map((size) => ({ size, distance: paramDistance(params, size.params) }))
      .filter((s) => Number.isFinite(s.distance))
      .sort((a, b) => a.distance - b.distance);
    if (sizes.length === 0) {
      const wanted = [...new Set(kernel.sizes.flatMap((s) => Object.keys(s.params)))].join(', ');
      throw new DispatchError(`kernel ${kernel.name}: parameters ${JSON.stringify(params)} do not give ${wanted}`);
    }
    for (const { size, distance } of sizes) {
      const machines = this.file.machines
        .filter((m) => (size.byMachine[m.fingerprint]?.length ?? 0) > 0)
        .sort((a, b) => MATCHES.indexOf(machineMatch(a, this.host)) - MATCHES.indexOf(machineMatch(b, this.host)));
      if (machines.length > 0) return { size, distance, machine: machines[0], match: machineMatch(machines[0], this.host) };
    }
    throw new DispatchError(`kernel ${kernel.name}: no valid variant was measured at any size`);
  }

  /** Imports a candidate and checks that it may run here; a step for each one passed over. */
  private async usable(kernel: string, candidate: DispatchCandidate, steps: DispatchStep[]): Promise<Usable | null> {
    const step = (outcome: DispatchStep['outcome'], reason: string) => {
      steps.push({ id: candidate.id, rank: candidate.rank, medianNs: candidate.medianNs, outcome, reason });
      return null;
    };
    if (excluded(candidate, this.options.exclude ?? [])) return step('excluded', 'by the exclude option');
    let definition: unknown;
    try {
      definition = await loadDefinition(resolveDispatchRef(candidate.ref, this.dir, moduleExtension));
    } catch (error) {
      return step('failed to load', (error as Error).message.split('\n')[0]);
    }
    const v = definition as VariantDefinition | undefined;
    if (v?.hotbench !== VARIANT_MARK || v.kernel !== kernel || v.name !== candidate.variant || (v.target ?? 'js') !== candidate.target) {
      return step('failed to load', `its module no longer exports variant ${candidate.id} of ${kernel} as ${candidate.ref.exportName}`);
    }
    const available = v.available?.() ?? true;
    if (available !== true) return step('unavailable', available);
    return { candidate, definition: v };
  }

  /**
   * What this machine would run for `name` at `params`, without preparing it: the candidates in
   * order, each imported and checked until one may run here.
   */
  async choose(name: string, params: SizeParams): Promise<DispatchChoice> {
    const kernel = this.kernelEntry(name);
    const place = this.place(kernel, params);
    const steps: DispatchStep[] = [];
    for (const candidate of place.size.byMachine[place.machine.fingerprint]) {
      const usable = await this.usable(name, candidate, steps);
      if (usable) {
        steps.push({ id: candidate.id, rank: candidate.rank, medianNs: candidate.medianNs, outcome: 'chosen' });
        return { kernel: name, params, size: place.size.name, distance: place.distance, machine: place.machine, match: place.match, steps, chosen: candidate.id };
      }
    }
    throw new DispatchError(`kernel ${name}: no measured variant can run here (${passedOver(steps)})`);
  }

  /**
   * The kernel `name` at `params`, prepared on `staticInputs`: the best candidate that loads, may
   * run here and prepares without throwing (each one passed over is in `explain()`).
   */
  async kernel<PerCall = unknown, Output extends KernelOutput = KernelOutput>(name: string, params: SizeParams, staticInputs: unknown, options: KernelOptions = {}): Promise<DispatchedKernel<PerCall, Output>> {
    const kernel = this.kernelEntry(name);
    const place = this.place(kernel, params);
    const steps: DispatchStep[] = [];
    const queue = [...place.size.byMachine[place.machine.fingerprint]];
    const choice = (chosen: string): DispatchChoice => ({ kernel: name, params, size: place.size.name, distance: place.distance, machine: place.machine, match: place.match, steps: [...steps], chosen });

    /** The next candidate that loads, may run here and prepares; null when none is left. */
    const next = async (): Promise<{ usable: Usable; prepared: PreparedVariant<unknown, KernelOutput> } | null> => {
      for (let candidate = queue.shift(); candidate; candidate = queue.shift()) {
        const usable = await this.usable(name, candidate, steps);
        if (!usable) continue;
        try {
          return { usable, prepared: await usable.definition.prepare(staticInputs, params, { workers: 1 }) };
        } catch (error) {
          steps.push({ id: candidate.id, rank: candidate.rank, medianNs: candidate.medianNs, outcome: 'failed to load', reason: `prepare threw: ${(error as Error).message.split('\n')[0]}` });
        }
      }
      return null;
    };

    /** The state after choosing `current`: its choice records every step so far, then itself. */
    const settle = (current: { usable: Usable; prepared: PreparedVariant<unknown, KernelOutput> }) => {
      const { id, rank, medianNs } = current.usable.candidate;
      return { current, choice: { ...choice(id), steps: [...steps, { id, rank, medianNs, outcome: 'chosen' as const }] } };
    };
    const first = await next();
    if (!first) throw new DispatchError(`kernel ${name}: no measured variant can run here (${passedOver(steps)})`);
    let state = settle(first);

    let reference: KernelDefinition | null = null;
    if (options.verify) {
      const loaded = (await loadDefinition(resolveDispatchRef(kernel.ref, this.dir, moduleExtension)).catch((error: Error) => {
        throw new DispatchError(`kernel ${name}: cannot load its definition to verify: ${error.message.split('\n')[0]}`);
      })) as KernelDefinition;
      if (loaded?.hotbench !== KERNEL_MARK) throw new DispatchError(`kernel ${name}: its module no longer exports the kernel as ${kernel.ref.exportName}`);
      reference = loaded;
    }

    /** The first call, checked against the reference; a wrong answer moves on to the next candidate. */
    const verified = async (perCall: unknown): Promise<KernelOutput> => {
      const expected = reference!.reference({ static: staticInputs, perCall }, params);
      for (;;) {
        const output = await state.current.prepared.run(perCall);
        const figures = reference!.compare ? reference!.compare(output, expected, { static: staticInputs, perCall }, params, reference!.tolerance) : compareOutputs(output, expected, reference!.tolerance);
        if (figures.mismatches === 0) {
          reference = null;
          return output;
        }
        const failed = state.current.usable.candidate;
        steps.push({ id: failed.id, rank: failed.rank, medianNs: failed.medianNs, outcome: 'failed verification', reason: figures.problem ?? `${figures.mismatches} of ${figures.checked} values outside the tolerance` });
        state.current.prepared.dispose?.();
        const replacement = await next();
        if (!replacement) throw new DispatchError(`kernel ${name}: no measured variant passed verification here (${passedOver(steps)})`);
        state = settle(replacement);
      }
    };

    return {
      run: (perCall: PerCall) => (reference ? verified(perCall) : state.current.prepared.run(perCall)) as Output | Promise<Output>,
      dispose: () => state.current.prepared.dispose?.(),
      get choice() {
        return state.choice;
      },
      explain: () => explainChoice(state.choice),
    };
  }
}

/**
 * Reads a dispatch file (a path, relative to the working folder, or a file URL such as
 * `new URL('./dispatch.json', import.meta.url)`). Throws DispatchError for a file that is missing,
 * corrupt or not a dispatch file.
 */
export function loadDispatch(where: string | URL, options: DispatchOptions = {}): Dispatch {
  const file = fileOf(where);
  return new Dispatch(readDispatchFile(file), file, options);
}
