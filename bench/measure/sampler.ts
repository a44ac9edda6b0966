// One round of one variant, inside its own child process: prepare (timed, reported as setup), pick
// the batch size, then warm-up and samples driven by tinybench. Only this module and timer.ts read
// clocks.

import { Bench } from 'tinybench';
import type { KernelOutput, MeasureSettings, PreparedVariant, RoundMeasurement, SizeParams, VariantDefinition } from '../types.js';
import { withSlowdown } from './slowdown.js';
import { measureTimer, nowNs } from './timer.js';

/** Keeps outputs reachable so that no call can be optimised away. */
let sink: KernelOutput | undefined;

/**
 * Calls per sample. A sample must last long enough that the timer's overhead is under 1% of it
 * (`minSampleNs`, at least 100 readings' cost), and long enough that the round's time budget yields
 * about `maxSamples` samples rather than an unbounded number of tiny ones.
 */
export function chooseBatch(callNs: number, overheadNs: number, settings: MeasureSettings): number {
  const targetNs = Math.max(settings.minSampleNs, 100 * overheadNs, (settings.timeMs * 1e6) / settings.maxSamples);
  return Math.max(1, Math.ceil(targetNs / Math.max(callNs, 1)));
}

/**
 * Median time of the calls made in about 20 ms (at least one), to size the batch; these calls also
 * start the warm-up. A call that alone takes longer needs no batching, so one is enough.
 */
function estimateCallNs(prepared: PreparedVariant<unknown, KernelOutput>, perCall: unknown): number {
  const times: number[] = [];
  const deadline = nowNs() + 20e6;
  do {
    const t0 = nowNs();
    sink = prepared.run(perCall);
    times.push(nowNs() - t0);
  } while (times.length < 1000 && nowNs() < deadline);
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

export async function measureRound(
  variant: VariantDefinition,
  staticInputs: unknown,
  perCall: unknown,
  params: SizeParams,
  settings: MeasureSettings,
  round: number,
  slowdown?: number,
): Promise<RoundMeasurement> {
  const timer = measureTimer();
  const t0 = nowNs();
  const unslowed = await variant.prepare(staticInputs, params);
  const setupNs = nowNs() - t0;
  // The gate:power test knob (bench/measure/slowdown.ts); unset in every ordinary run.
  const prepared = slowdown
    ? withSlowdown(unslowed, slowdown, { now: nowNs, overheadNs: timer.overheadNs })
    : unslowed;
  // Collect prepare's garbage now (the child runs with --expose-gc) rather than inside a sample.
  (globalThis as { gc?: () => void }).gc?.();
  try {
    const batch = chooseBatch(estimateCallNs(prepared, perCall), timer.overheadNs, settings);
    const bench = new Bench({
      time: settings.timeMs,
      iterations: settings.minSamples,
      warmupTime: settings.warmupMs,
      // estimateCallNs has already made at least one call: one more is enough to warm up a slow call;
      // fast ones are warmed up by warmupMs.
      warmupIterations: 1,
      retainSamples: true,
      timestampProvider: 'hrtimeNow',
      throws: true,
    });
    bench.add('round', () => {
      for (let i = 0; i < batch; i++) sink = prepared.run(perCall);
    });
    const [task] = bench.runSync();
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`tinybench ended in state ${result.state}`);
    // tinybench reports milliseconds per sample; a sample is `batch` calls.
    const samples = Array.from(result.latency.samples ?? [], (ms) => (ms * 1e6) / batch);
    return { record: { round, pid: process.pid, batch, samples: samples.length, setupNs, timer }, samples };
  } finally {
    prepared.dispose?.();
  }
}
