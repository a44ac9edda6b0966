// The harness's side of one job of an external variant: the same job a forked child would get
// (bench/measure/job.ts), written as a job folder the program reads, and the program's reply checked
// exactly as a child checks a variant in process: validation's A, B, A calls compared with the
// reference for each input, the timed loop rotating among the guarded per-call inputs and its last
// output compared, inputs compared before and after (`mutated-input`). The program measures; the
// harness generates, references and judges, so that an external variant is held to the same rules
// with no code of its own trusted for them. The one check that cannot cross a process boundary is
// validation's fourth call (A's object holding B's values): a program is handed fresh arrays from
// files, so it has no object of the harness's to remember an answer by.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDefinition } from '../spec/registry.js';
import type { ChildJob, ChildReply, ColdStart, KernelDefinition, KernelOutput, RoundMeasurement, SizeParams, Validation, ValidationCase, ValidationFigures } from '../types.js';
import { EXTERNAL_PROTOCOL, type WireCase, type WireJob, type WireMeasurement, type WireReply } from '../types/external.js';
import { changedInputs, checksumInputs, type InputChecksums } from '../validate/checksum.js';
import { recallReferences } from '../validate/shared-references.js';
import { CALL_ORDER, compareWithReference, describeFailure, describeFigures, guardCase, KernelFault, summarizeCases, worst, type GuardedCase, type ValidationInput } from '../validate/validate.js';
import { paramsWithWorkers } from '../measure/workers.js';
import { decodeF64, decodeValue, encodeValue, ProtocolError } from './wire.js';

/** The job file's name in the job folder (its path is the program's last argument). */
export const JOB_FILE = 'job.json';
export const REPLY_FILE = 'reply.json';

interface Guarded {
  readonly input: ValidationInput;
  readonly guarded: GuardedCase;
  /** Checksums of the static input and each per-call input as the program was handed them. */
  readonly sums: readonly InputChecksums[];
}

/** A job written to its folder, waiting for the program's reply. */
export interface PreparedExchange {
  readonly jobFile: string;
  /** The program's reply turned into the harness's own ChildReply; `pid` is the program's. */
  check(pid: number): ChildReply;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

function sumsOf(staticInputs: unknown, perCall: readonly unknown[]): InputChecksums[] {
  return [checksumInputs('static', staticInputs), ...perCall.map((p) => checksumInputs('perCall', p))];
}

function wireCase(entry: Guarded, index: number, calls: readonly number[], dir: string): WireCase {
  const { input, guarded } = entry;
  return {
    name: input.name,
    params: input.params,
    static: encodeValue(input.inputs.static, `c${index}.static`, dir),
    perCall: guarded.perCall.map((p, j) => encodeValue(p, `c${index}.perCall${j}`, dir)),
    calls,
  };
}

/** The inputs the program reports holding after its calls, against those it was handed. */
function mutatedInputs(entry: Guarded, after: unknown, dir: string, where: string): string[] {
  if (typeof after !== 'object' || after === null) throw new ProtocolError(`${where}: inputsAfter is missing`);
  const { static: staticAfter, perCall } = after as { static?: unknown; perCall?: unknown };
  if (!Array.isArray(perCall) || perCall.length !== entry.guarded.perCall.length) {
    throw new ProtocolError(`${where}: inputsAfter.perCall must list the ${entry.guarded.perCall.length} per-call inputs`);
  }
  const sums = sumsOf(
    decodeValue(staticAfter, dir, `${where}.inputsAfter.static`),
    perCall.map((p, j) => decodeValue(p, dir, `${where}.inputsAfter.perCall[${j}]`)),
  );
  return [...new Set(entry.sums.flatMap((before, i) => changedInputs(before, sums[i])))];
}

function readReply(dir: string): WireReply {
  let text: string;
  try {
    text = readFileSync(path.join(dir, REPLY_FILE), 'utf8');
  } catch {
    throw new ProtocolError(`no ${REPLY_FILE} was written`);
  }
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    throw new ProtocolError(`${REPLY_FILE} is not JSON: ${JSON.stringify(text.slice(0, 60))}`);
  }
  if (typeof reply !== 'object' || reply === null || (reply as WireReply).protocol !== EXTERNAL_PROTOCOL) {
    throw new ProtocolError(`${REPLY_FILE} must carry "protocol": "${EXTERNAL_PROTOCOL}"`);
  }
  return reply as WireReply;
}

const finitePositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
const finiteNonNegative = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

function validationOf(entries: readonly Guarded[], kernel: KernelDefinition, reply: WireReply, dir: string): Validation {
  if (!Array.isArray(reply.cases) || reply.cases.length !== entries.length) throw new ProtocolError(`cases must answer each of the ${entries.length} cases`);
  const cases: ValidationCase[] = entries.map((entry, c) => {
    const answer = reply.cases![c];
    const where = `cases[${c}]`;
    if (!Array.isArray(answer?.outputs) || answer.outputs.length !== CALL_ORDER.length) throw new ProtocolError(`${where}: outputs must hold one output per call (${CALL_ORDER.length})`);
    const figures: ValidationFigures[] = [];
    let failedCall: number | undefined;
    answer.outputs.forEach((wire, call) => {
      const which = CALL_ORDER[call];
      const actual = decodeValue(wire, dir, `${where}.outputs[${call}]`) as KernelOutput;
      const f = compareWithReference(kernel, actual, entry.guarded.expected[which], { static: entry.input.inputs.static, perCall: entry.guarded.perCall[which] }, entry.input.params);
      figures.push(f);
      if (f.mismatches > 0 && failedCall === undefined) failedCall = call + 1;
    });
    const mutated = mutatedInputs(entry, answer.inputsAfter, dir, where);
    const result = worst(figures);
    return {
      name: entry.input.name,
      valid: result.mismatches === 0 && mutated.length === 0,
      ...result,
      calls: figures.length,
      inputs: entry.guarded.distinct,
      ...(failedCall !== undefined ? { failedCall } : {}),
      ...(mutated.length ? { mutated } : {}),
    };
  });
  const firstInvalid = cases.find((c) => !c.valid);
  return { ...summarizeCases(cases), status: firstInvalid ? 'invalid' : 'valid', cases, ...(firstInvalid ? { message: describeFailure(firstInvalid) } : {}) };
}

function coldStartOf(reply: WireReply): ColdStart | null {
  const c = reply.coldStart;
  if (!c || ![c.loadNs, c.prepareNs, c.firstCallNs].every(finiteNonNegative)) return null;
  return { loadNs: c.loadNs, prepareNs: c.prepareNs, firstCallNs: c.firstCallNs, totalNs: c.loadNs + c.prepareNs + c.firstCallNs };
}

/** A failed reply of `kind` (the failure kinds of every child). */
function failed(kind: 'threw' | 'wrong-output' | 'mutated-input' | 'crashed', message: string): ChildReply {
  return { ok: false, message, kernelFault: false, failure: { kind, message } };
}

function measurementOf(entry: Guarded, kernel: KernelDefinition, params: SizeParams, job: Extract<ChildJob, { kind: 'measure' }>, m: WireMeasurement | undefined, dir: string, pid: number): RoundMeasurement | ChildReply {
  if (!m || typeof m !== 'object') throw new ProtocolError('measurement is missing');
  const { settings } = job;
  if (!Number.isInteger(m.batch) || m.batch < 1) throw new ProtocolError(`measurement.batch must be a positive integer, got ${JSON.stringify(m.batch)}`);
  if (!finiteNonNegative(m.setupNs)) throw new ProtocolError('measurement.setupNs must be a number >= 0');
  if (!m.timer || !finiteNonNegative(m.timer.resolutionNs) || !finitePositive(m.timer.overheadNs)) throw new ProtocolError('measurement.timer must give resolutionNs >= 0 and overheadNs > 0');
  const durations = decodeF64(m.samples, dir, 'measurement.samples');
  if (durations.length < settings.minSamples) throw new ProtocolError(`${durations.length} samples, fewer than the ${settings.minSamples} the round asks for`);
  if (!durations.every(finitePositive)) throw new ProtocolError('every sample must be a positive, finite duration');
  const sorted = Array.from(durations).sort((a, b) => a - b);
  // The discipline every sample keeps: its batch lasts at least 100 readings of the program's own clock.
  if (sorted[sorted.length >> 1] < 100 * m.timer.overheadNs) {
    throw new ProtocolError(`the median sample (${sorted[sorted.length >> 1].toFixed(0)} ns) is shorter than 100 readings of the program's clock (${m.timer.overheadNs.toFixed(1)} ns each): batch more calls`);
  }
  const m0 = entry.guarded.perCall.length;
  if (!Number.isInteger(m.calls) || m.calls < durations.length * m.batch) throw new ProtocolError(`measurement.calls (${m.calls}) must count every call made, at least samples × batch`);
  const last = (m.calls - 1) % m0;
  const output = decodeValue(m.output, dir, 'measurement.output') as KernelOutput;
  const figures = compareWithReference(kernel, output, entry.guarded.expected[last], { static: entry.input.inputs.static, perCall: entry.guarded.perCall[last] }, params);
  if (figures.mismatches > 0) return failed('wrong-output', `the last timed call's output is wrong: ${describeFigures(figures)}`);
  const mutated = mutatedInputs(entry, m.inputsAfter, dir, 'measurement');
  if (mutated.length) return failed('mutated-input', `changed its input ${mutated.join(', ')}`);
  const empty = m.emptyCall && finiteNonNegative(m.emptyCall.medianNs) && finiteNonNegative(m.emptyCall.madNs) ? { emptyCall: { medianNs: m.emptyCall.medianNs, madNs: m.emptyCall.madNs } } : {};
  return {
    record: {
      round: job.round,
      pid,
      batch: m.batch,
      samples: sorted.length,
      setupNs: m.setupNs,
      timer: { resolutionNs: m.timer.resolutionNs, overheadNs: m.timer.overheadNs },
      inputs: entry.guarded.distinct,
      ...empty,
    },
    samples: sorted.map((ns) => ns / m.batch),
  };
}

/**
 * The last job's guarded cases, kept for the next job of the same kind in the same cell: inputs and
 * references follow from the kernel, size and seed alone, and the program only ever gets copies (in
 * files), so every external variant of a cell and every round of it can share one generation and
 * one set of references instead of each paying for them (a second or more at the real sizes).
 */
let lastCases: { readonly key: string; readonly entries: readonly Guarded[] } | null = null;

function guardedCases(job: ChildJob, kernel: KernelDefinition, params: SizeParams): readonly Guarded[] {
  const key = JSON.stringify([job.kernel, job.size, job.seed, job.workers ?? null, job.kind]);
  if (lastCases?.key === key) return lastCases.entries;
  lastCases = null; // the previous cell's arrays can go before this one's are made
  let inputs;
  try {
    inputs = kernel.generate(params, job.seed);
  } catch (error) {
    throw new KernelFault(`kernel ${kernel.name}: generate threw for size ${job.size}: ${oneLine(error)}`);
  }
  const cell: ValidationInput = { name: 'cell', params, inputs };
  let inputsOfCases: ValidationInput[] = [cell];
  if (job.kind === 'validate') {
    try {
      inputsOfCases = [cell, ...(kernel.edgeCases?.() ?? [])];
    } catch (error) {
      throw new KernelFault(`kernel ${kernel.name}: edgeCases threw: ${oneLine(error)}`);
    }
  }
  // Each case its further inputs from seed + its index, as validateVariant and roundSetup draw them.
  const entries: Guarded[] = inputsOfCases.map((input, i) => {
    // The cell's references, when the harness has computed them for this cell already (the same
    // file its node children read: bench/measure/reference-store.ts), are not computed again here.
    const file = i === 0 ? job.references : undefined;
    const recall = file ? (sums: readonly InputChecksums[]) => recallReferences(file, sums) : undefined;
    const guarded = guardCase(kernel, input, job.seed + (job.kind === 'validate' ? i : 0), recall);
    return { input, guarded, sums: sumsOf(input.inputs.static, guarded.perCall) };
  });
  lastCases = { key, entries };
  return entries;
}

/**
 * Writes `job` into `dir` for an external program: the cell's inputs (and, to validate, each edge
 * case's), guarded as in a child, with every reference computed now. A kernel's own failure throws
 * KernelFault, as in a child.
 */
export async function prepareExchange(job: ChildJob, dir: string): Promise<PreparedExchange> {
  const kernel = (await loadDefinition(job.kernel)) as KernelDefinition;
  const variant = await loadDefinition(job.variant);
  const params = paramsWithWorkers(kernel, job.size, job.workers);
  const entries = guardedCases(job, kernel, params);
  const wire: WireJob = {
    protocol: EXTERNAL_PROTOCOL,
    kind: job.kind,
    kernel: kernel.name,
    variant: (variant as { name: string }).name,
    size: job.size,
    cases: entries.map((e, i) => wireCase(e, i, job.kind === 'validate' ? CALL_ORDER : [], dir)),
    ...(job.kind === 'measure'
      ? {
          round: job.round,
          settings: { warmupMs: job.settings.warmupMs, timeMs: job.settings.timeMs, minSamples: job.settings.minSamples, maxSamples: job.settings.maxSamples, minSampleNs: job.settings.minSampleNs },
        }
      : {}),
    reply: REPLY_FILE,
  };
  const jobFile = path.join(dir, JOB_FILE);
  writeFileSync(jobFile, `${JSON.stringify(wire, null, 1)}\n`);
  return {
    jobFile,
    check(pid: number): ChildReply {
      try {
        const reply = readReply(dir);
        if (reply.error) {
          const message = `${reply.error.phase ?? 'run'}: variant threw ${String(reply.error.message ?? '').split('\n')[0]}`;
          if (job.kind === 'validate') {
            const validation: Validation = { status: 'failed', maxAbsError: NaN, maxRelError: NaN, maxUlp: NaN, cases: [], message: `cell: ${message}` };
            return { ok: true, kind: 'validate', validation, coldStart: null, ...runtimeOf(reply) };
          }
          return failed('threw', message);
        }
        if (job.kind === 'validate') return { ok: true, kind: 'validate', validation: validationOf(entries, kernel, reply, dir), coldStart: coldStartOf(reply), ...runtimeOf(reply) };
        const measured = measurementOf(entries[0], kernel, params, job, reply.measurement, dir, pid);
        return 'record' in measured ? { ok: true, kind: 'measure', measurement: measured, ...runtimeOf(reply) } : measured;
      } catch (error) {
        if (error instanceof ProtocolError) return failed('crashed', `protocol error: ${error.message}`);
        throw error;
      }
    },
  };
}

/** The program's own account of what it ran on, as the reply carries it (strings only). */
function runtimeOf(reply: WireReply): { runtime?: { readonly [name: string]: string } } {
  const r = reply.runtime;
  if (typeof r !== 'object' || r === null) return {};
  return { runtime: Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v === 'string')) };
}
