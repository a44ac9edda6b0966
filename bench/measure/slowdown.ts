// A test knob, and nothing else: `npm run gate:power` needs a head that is slower than base by a
// known factor, to measure how often the gate detects a 3%, 5% or 10% regression. `hotbench gate
// --inject-slowdown FRACTION` passes the fraction to head's child processes (ChildJob.slowdown),
// and the sampler wraps the variant with `withSlowdown`. No other code path sets it.
//
// How the factor is realised: every timed call runs the variant's own `run` once, unchanged, then
// burns `fraction × T` of CPU in a spin loop, where T is the variant's typical call time in this
// process — the median of its recent calls, timed one call in 64 (every call until 15 are known)
// so that reading the clock adds under 2 ns per call on average — and the loop's cost per iteration
// is calibrated once per process. The slowdown thus follows the call as the JIT speeds it up, and
// stays a fraction of it for any batch size. Fixed costs (the spin call, the counter) add a few ns
// per call: negligible for calls of 10 µs and more (legval small: 50-200 µs), not for sub-µs
// calls. gate:power prints the realised slowdown (median head/base of its A/B trials) beside the
// nominal one.

import type { KernelOutput, PreparedVariant } from '../types.js';
import { nowNs } from './timer.js';

/** Everything the wrapper needs from the outside world, so that tests can drive it without a clock. */
export interface SlowdownTools {
  now(): number;
  spin(iterations: number): void;
  /** Cost of one spin iteration, ns. */
  readonly nsPerIteration: number;
  /** Cost of one clock reading, ns, taken off each timed call. */
  readonly overheadNs: number;
}

/** Timed calls whose median is T. */
const WINDOW = 15;
/** Once the window is full, one call in this many is timed. */
const TIME_EVERY = 64;

let spinSink = 1;

/** Integer work the JIT cannot drop: a xorshift whose state is kept. */
export function spin(iterations: number): void {
  let x = spinSink | 1;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  spinSink = x;
}

/** ns per spin iteration: the fastest of several timed spins, after the loop is warm. */
export function calibrateSpin(now: () => number = nowNs): number {
  const iterations = 100_000;
  spin(iterations);
  spin(iterations);
  let best = Infinity;
  for (let k = 0; k < 7; k++) {
    const t0 = now();
    spin(iterations);
    best = Math.min(best, (now() - t0) / iterations);
  }
  return Math.max(best, 1e-3);
}

function medianOf(values: Float64Array): number {
  const sorted = values.slice().sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `prepared`, with every call made `fraction` slower (see the top of this file). */
export function withSlowdown<PerCall, Output extends KernelOutput>(
  prepared: PreparedVariant<PerCall, Output>,
  fraction: number,
  tools: SlowdownTools,
): PreparedVariant<PerCall, Output> {
  if (!(fraction > 0 && fraction < 100)) throw new RangeError(`slowdown must be a fraction > 0, got ${fraction}`);
  const recent = new Float64Array(WINDOW);
  let filled = 0;
  let next = 0;
  let calls = 0;
  let typicalNs = 0;
  return {
    run(perCall) {
      let output: Output;
      if (filled < WINDOW || calls % TIME_EVERY === 0) {
        const t0 = tools.now();
        output = prepared.run(perCall);
        recent[next] = Math.max(0, tools.now() - t0 - tools.overheadNs);
        next = (next + 1) % WINDOW;
        if (filled < WINDOW) filled++;
        typicalNs = medianOf(recent.subarray(0, filled));
      } else {
        output = prepared.run(perCall);
      }
      calls++;
      tools.spin(Math.round((fraction * typicalNs) / tools.nsPerIteration));
      return output;
    },
    ...(prepared.dispose ? { dispose: () => prepared.dispose?.() } : {}),
  };
}
