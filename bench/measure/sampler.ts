// One round of one variant, inside its own child process: prepare (timed, reported as setup), warm
// up while sizing the batch from timed batches, then samples driven by tinybench, then the same loop
// around an empty call. The timed calls rotate among distinct per-call inputs and the last one's
// output is checked, so no variant can be timed answering from memory. Only this module and
// timer.ts read clocks.

import { Bench } from 'tinybench';
import type { DeviceTime, KernelOutput, MeasureSettings, PreparedVariant, PrepareContext, RoundMeasurement, SizeParams, TimerInfo, VariantDefinition } from '../types.js';
import { isThenable } from '../validate/validate.js';
import { withSlowdown } from './slowdown.js';
import { measureTimer, nowNs } from './timer.js';

type Prepared = PreparedVariant<unknown, KernelOutput>;

/** What a round is given: the static input and the per-call inputs its timed calls rotate among. */
export interface RoundInputs {
  readonly static: unknown;
  readonly perCall: readonly unknown[];
  /** How many of them are distinct (recorded: 1 when the kernel can draw only one). */
  readonly distinct: number;
}

/** What the round checks after its timed calls, before the variant is disposed of. */
export interface RoundChecks {
  /** Why `output`, the answer to perCall[index], is wrong; null when it matches the reference. */
  output(output: KernelOutput, index: number): string | null;
  /**
   * One more call, untimed, on a per-call input object whose values were changed (see
   * bench/validate/inputs.ts, withValuesOf): why its answer is wrong, or null.
   */
  sameObjectOtherValues(call: (perCall: unknown) => Promise<KernelOutput>): Promise<string | null>;
  /** The inputs (field paths) that differ from before prepare. */
  changedInputs(): readonly string[];
}

/** A round that found the variant wrong: its last output, or its inputs changed. */
export class RoundFault extends Error {
  override name = 'RoundFault';
  constructor(
    readonly kind: 'wrong-output' | 'mutated-input',
    message: string,
  ) {
    super(message);
  }
}

/** Batches are sized to last this much longer than the target, so that samples stay above it. */
const BATCH_MARGIN = 1.1;
/** Growth of the batch per timed batch while it is too short (at most). */
const MAX_GROWTH = 16;

/**
 * How long a sample (one batch of calls) must last: long enough that the timer's overhead is under
 * 1% of it (`minSampleNs`, at least 100 readings' cost), and long enough that the round's budget
 * yields about `maxSamples` samples rather than an unbounded number of tiny ones.
 */
export function sampleTargetNs(timer: TimerInfo, settings: MeasureSettings): number {
  return Math.max(settings.minSampleNs, 100 * timer.overheadNs, (settings.timeMs * 1e6) / settings.maxSamples);
}

/** Calls per sample from the steady per-call time: the target (with its margin) over one call. */
export function chooseBatch(callNs: number, targetNs: number): number {
  return Math.max(1, Math.ceil((targetNs * BATCH_MARGIN) / Math.max(callNs, 1e-3)));
}

/** A timed loop of `batch` calls: returns its duration, ns (awaited when the calls are async). */
type TimeBatch = (batch: number) => number | Promise<number>;

/**
 * Warm-up that sizes the batch: time batches, doubling (up to ×16, by how short it fell) while a
 * batch is shorter than the target, for `warmupMs`; then size from the per-call time of the later
 * batches that were long enough. Sizing from single timed calls would mostly measure the timer
 * (a 3 ns call reads as 30-40 ns), and sizing before the JIT has tiered up would measure slower
 * code than the samples run: both made batches far too small. A call that alone outlasts the warm-up
 * is made once here and needs no batching.
 */
export async function warmUpAndSizeBatch(time: TimeBatch, targetNs: number, warmupMs: number, now: () => number = nowNs): Promise<number> {
  const deadline = now() + warmupMs * 1e6;
  let batch = 1;
  const perCall: number[] = [];
  for (;;) {
    const elapsed = await time(batch);
    if (elapsed >= targetNs) perCall.push(elapsed / batch);
    else batch = Math.min(batch * MAX_GROWTH, Math.max(batch * 2, Math.ceil((batch * targetNs * BATCH_MARGIN) / Math.max(elapsed, 1))));
    if (now() >= deadline && perCall.length > 0) break;
  }
  // The later half: the JIT's tiers are behind it.
  const steady = perCall.slice(perCall.length >> 1).sort((a, b) => a - b);
  return chooseBatch(steady[steady.length >> 1], targetNs);
}

// ── The timed loop ────────────────────────────────────────────────────────────────────────────
// One source text, compiled afresh for every use (as mitata does): the variant's loop and the empty
// call's loop are then the same code with call sites of their own, so each stays monomorphic, and
// the empty call measures exactly the loop the variant's samples went through.

/** Where a loop leaves its last output (keeps it reachable: no call can be optimised away). */
interface Sink {
  value: unknown;
}

type SyncLoop = (prepared: Prepared, inputs: readonly unknown[], start: number, batch: number, sink: Sink) => number;
type AsyncLoop = (prepared: Prepared, inputs: readonly unknown[], start: number, batch: number, sink: Sink) => Promise<number>;

const LOOP_PARAMETERS = ['prepared', 'inputs', 'start', 'batch', 'sink'];
/** `batch` calls from input `start` on, rotating; returns the next input's index. */
const SYNC_LOOP_BODY = `
  const m = inputs.length;
  let k = start;
  for (let i = 0; i < batch; i++) {
    sink.value = prepared.run(inputs[k]);
    k = k + 1 === m ? 0 : k + 1;
  }
  return k;`;
const ASYNC_LOOP_BODY = SYNC_LOOP_BODY.replace('sink.value = prepared.run(inputs[k]);', 'sink.value = await prepared.run(inputs[k]);');
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => AsyncLoop;

/** The same loops written out, where code cannot be generated (--disallow-code-generation-from-strings). */
const fallbackSync: SyncLoop = (prepared, inputs, start, batch, sink) => {
  const m = inputs.length;
  let k = start;
  for (let i = 0; i < batch; i++) {
    sink.value = prepared.run(inputs[k]);
    k = k + 1 === m ? 0 : k + 1;
  }
  return k;
};
const fallbackAsync: AsyncLoop = async (prepared, inputs, start, batch, sink) => {
  const m = inputs.length;
  let k = start;
  for (let i = 0; i < batch; i++) {
    sink.value = await prepared.run(inputs[k]);
    k = k + 1 === m ? 0 : k + 1;
  }
  return k;
};

/**
 * Loops compiled so far: numbering each one's source keeps V8 from handing out the cached compilation
 * of an identical source, which would share its feedback (and its optimised code) with the others.
 */
let loopsCompiled = 0;

function freshSyncLoop(): SyncLoop {
  try {
    return new Function(...LOOP_PARAMETERS, `// loop ${++loopsCompiled}${SYNC_LOOP_BODY}`) as SyncLoop;
  } catch {
    return fallbackSync;
  }
}

function freshAsyncLoop(): AsyncLoop {
  try {
    return new AsyncFunction(...LOOP_PARAMETERS, `// loop ${++loopsCompiled}${ASYNC_LOOP_BODY}`);
  } catch {
    return fallbackAsync;
  }
}

/** Timed loops over `prepared` (a fresh loop of its own), rotating among the per-call inputs. */
class Rotation {
  private next = 0;
  readonly sink: Sink = { value: undefined };
  private readonly syncLoop: SyncLoop;
  private readonly asyncLoop: AsyncLoop;

  constructor(
    private readonly prepared: Prepared,
    private readonly inputs: readonly unknown[],
    readonly async: boolean,
  ) {
    // Only the loop that runs is compiled: a generated function costs nothing until called.
    this.syncLoop = async ? fallbackSync : freshSyncLoop();
    this.asyncLoop = async ? freshAsyncLoop() : fallbackAsync;
  }

  /** The index of the input of the last call made. */
  get last(): number {
    return (this.next + this.inputs.length - 1) % this.inputs.length;
  }

  runSync(batch: number): void {
    this.next = this.syncLoop(this.prepared, this.inputs, this.next, batch, this.sink);
  }

  async runAsync(batch: number): Promise<void> {
    this.next = await this.asyncLoop(this.prepared, this.inputs, this.next, batch, this.sink);
  }

  /** One batch, timed, ns. */
  time(batch: number): number | Promise<number> {
    if (this.async) {
      const start = nowNs();
      return this.runAsync(batch).then(() => nowNs() - start);
    }
    const start = nowNs();
    this.runSync(batch);
    return nowNs() - start;
  }
}

/** Milliseconds the empty call is warmed up and then sampled for: a tenth of the round each, at most 20. */
function emptyBudgetMs(settings: MeasureSettings): number {
  return Math.min(20, settings.timeMs / 10);
}

/**
 * The same loop (a fresh copy) around an empty call, one that returns its input (a resolved Promise
 * of it when the variant is async), with the same batch: the time per call of doing nothing and the
 * spread of its samples. Warmed up first, so that it is optimised code as the variant's samples are.
 */
async function measureEmptyCall(async: boolean, inputs: readonly unknown[], batch: number, budgetMs: number): Promise<{ medianNs: number; madNs: number }> {
  const empty: Prepared = { run: async ? (x) => Promise.resolve(x as KernelOutput) : (x) => x as KernelOutput };
  const rotation = new Rotation(empty, inputs, async);
  const warmEnd = nowNs() + budgetMs * 1e6;
  do await rotation.time(batch);
  while (nowNs() < warmEnd);
  const samples: number[] = [];
  const deadline = nowNs() + budgetMs * 1e6;
  do samples.push((await rotation.time(batch)) / batch);
  while (samples.length < 5 || (nowNs() < deadline && samples.length < 1000));
  samples.sort((a, b) => a - b);
  const medianNs = samples[samples.length >> 1];
  const deviations = samples.map((s) => Math.abs(s - medianNs)).sort((a, b) => a - b);
  return { medianNs, madNs: deviations[deviations.length >> 1] };
}

/** A composed variant's ns per stage per call over the timed calls (the difference of two readings). */
function stagesDelta(before: StageReading | undefined, after: StageReading | undefined): Record<string, number> | undefined {
  if (!before || !after || !(after.calls > before.calls)) return undefined;
  return Object.fromEntries(Object.entries(after.ns).map(([stage, ns]) => [stage, (ns - (before.ns[stage] ?? 0)) / (after.calls - before.calls)]));
}

type StageReading = ReturnType<NonNullable<Prepared['stageTime']>>;

function deviceDelta(before: DeviceTime | undefined, after: DeviceTime | undefined): number | undefined {
  if (!before || !after || !(after.calls > before.calls)) return undefined;
  return (after.ns - before.ns) / (after.calls - before.calls);
}

export async function measureRound(
  variant: VariantDefinition,
  inputs: RoundInputs,
  params: SizeParams,
  settings: MeasureSettings,
  round: number,
  checks: RoundChecks,
  slowdown?: number,
  context: PrepareContext = { workers: 1 },
): Promise<RoundMeasurement> {
  const timer = measureTimer();
  const t0 = nowNs();
  const unslowed = await variant.prepare(inputs.static, params, context);
  const setupNs = nowNs() - t0;
  // The gate:power test knob (bench/measure/slowdown.ts); unset in every ordinary run.
  const prepared = slowdown ? withSlowdown(unslowed, slowdown, { now: nowNs, overheadNs: timer.overheadNs }) : unslowed;
  // Collect prepare's garbage now (the child runs with --expose-gc) rather than inside a sample.
  (globalThis as { gc?: () => void }).gc?.();
  let disposed = false;
  try {
    // The first call tells a synchronous run from an asynchronous one; it is the first of the warm-up.
    const first = prepared.run(inputs.perCall[0]);
    const async = isThenable(first);
    if (async) await first;
    const rotation = new Rotation(prepared, inputs.perCall, async);
    const targetNs = sampleTargetNs(timer, settings);
    const batch = await warmUpAndSizeBatch((b) => rotation.time(b), targetNs, settings.warmupMs);

    const bench = new Bench({
      time: settings.timeMs,
      iterations: settings.minSamples,
      // The warm-up is done (warmUpAndSizeBatch).
      warmup: false,
      retainSamples: true,
      timestampProvider: 'hrtimeNow',
      throws: true,
    });
    const deviceBefore = prepared.deviceTime?.();
    const stagesBefore = prepared.stageTime?.();
    let samplesMs: readonly number[];
    if (async) {
      bench.add('round', async () => rotation.runAsync(batch));
      const [task] = await bench.run();
      if (task.result.state !== 'completed') throw new Error(`tinybench ended in state ${task.result.state}`);
      samplesMs = task.result.latency.samples ?? [];
    } else {
      // async: false, or tinybench would make one more call to find out.
      bench.add('round', () => rotation.runSync(batch), { async: false });
      const [task] = bench.runSync();
      if (task.result.state !== 'completed') throw new Error(`tinybench ended in state ${task.result.state}`);
      samplesMs = task.result.latency.samples ?? [];
    }
    const deviceNsPerCall = deviceDelta(deviceBefore, prepared.deviceTime?.());
    const inPipeline = stagesDelta(stagesBefore, prepared.stageTime?.());

    // The last timed call's output, checked before anything else runs (it may be a buffer the next
    // call or dispose would overwrite).
    const output = rotation.sink.value;
    if (!async && isThenable(output)) throw new RoundFault('wrong-output', 'run returned a Promise after returning a plain value on its first call');
    const problem = checks.output(output as KernelOutput, rotation.last);
    if (problem) throw new RoundFault('wrong-output', `the last timed call's output is wrong: ${problem}`);
    const remembered = await checks.sameObjectOtherValues(async (perCall) => {
      const returned = prepared.run(perCall);
      return isThenable(returned) ? await returned : returned;
    });
    if (remembered) throw new RoundFault('wrong-output', `answered from memory: called once more after the timed calls, on an input object whose values had changed, it returned a wrong answer: ${remembered}`);

    // Untimed: each stage of a composed variant alone, once its output has been checked.
    const stages = inPipeline ? { inPipeline, alone: (await prepared.stagesAlone?.()) ?? {} } : undefined;
    const emptyCall = await measureEmptyCall(async, inputs.perCall, batch, emptyBudgetMs(settings));
    disposed = true;
    await prepared.dispose?.();
    const changed = checks.changedInputs();
    if (changed.length) throw new RoundFault('mutated-input', `changed its input ${changed.join(', ')}`);

    // tinybench reports milliseconds per sample; a sample is `batch` calls.
    const samples = Array.from(samplesMs, (ms) => (ms * 1e6) / batch);
    return {
      record: {
        round,
        pid: process.pid,
        batch,
        samples: samples.length,
        setupNs,
        timer,
        inputs: inputs.distinct,
        ...(async ? { async } : {}),
        emptyCall,
        ...(deviceNsPerCall !== undefined ? { deviceNsPerCall } : {}),
        ...(stages ? { stages } : {}),
      },
      samples,
    };
  } finally {
    if (!disposed) await prepared.dispose?.();
  }
}
