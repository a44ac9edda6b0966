// A test knob, and nothing else: `npm run gate:power` needs a head that is slower than base by a
// known factor, to measure how often the gate detects a 3%, 5% or 10% regression. `hotbench gate
// --inject-slowdown FRACTION` passes the fraction to head's child processes (ChildJob.slowdown),
// and the sampler wraps the variant with `withSlowdown`. No other code path sets it.
//
// How the factor is realised: every timed call runs the variant's own `run` once, unchanged, then
// busy-waits on the clock until `fraction × T` has passed, where T is the variant's typical call
// time in this process: the median of its recent calls, timed one call in 64 (every call until 15
// are known). Waiting on the clock rather than counting loop iterations keeps the extra time right
// whatever the CPU's frequency or load does to a calibrated loop, and T follows the call as the JIT
// speeds it up, for any batch size. The fixed cost, two or three clock readings per call (about
// 100 ns), is negligible for calls of 10 µs and more (legval small: 50-200 µs) but not for sub-µs
// calls. gate:power prints the realised slowdown (median head/base of its A/B trials) beside the
// nominal one.

import type { KernelOutput, PreparedVariant } from '../types.js';
import { nowNs } from './timer.js';

/** The clock the wrapper reads, injectable so that tests can drive it. */
export interface SlowdownClock {
  now(): number;
  /** Cost of one reading, ns, taken off each timed call. */
  readonly overheadNs: number;
}

/** Timed calls whose median is T. */
const WINDOW = 15;
/** Once the window is full, one call in this many is timed. */
const TIME_EVERY = 64;

function medianOf(values: Float64Array): number {
  const sorted = values.slice().sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `prepared`, with every call made `fraction` slower (see the top of this file). */
export function withSlowdown<PerCall, Output extends KernelOutput>(
  prepared: PreparedVariant<PerCall, Output>,
  fraction: number,
  clock: SlowdownClock = { now: nowNs, overheadNs: 0 },
): PreparedVariant<PerCall, Output> {
  if (!(fraction > 0 && fraction < 100)) throw new RangeError(`slowdown must be a fraction > 0, got ${fraction}`);
  const recent = new Float64Array(WINDOW);
  let filled = 0;
  let next = 0;
  let calls = 0;
  let typicalNs = 0;
  return {
    run(perCall) {
      let output: Output | Promise<Output>;
      if (filled < WINDOW || calls % TIME_EVERY === 0) {
        const t0 = clock.now();
        output = prepared.run(perCall);
        recent[next] = Math.max(0, clock.now() - t0 - clock.overheadNs);
        next = (next + 1) % WINDOW;
        if (filled < WINDOW) filled++;
        typicalNs = medianOf(recent.subarray(0, filled));
      } else {
        output = prepared.run(perCall);
      }
      // The knob measures the gate on synchronous variants; the wait would not follow a Promise.
      if (typeof (output as { then?: unknown }).then === 'function') throw new Error('the slowdown knob supports synchronous variants only');
      calls++;
      const until = clock.now() + fraction * typicalNs;
      while (clock.now() < until);
      return output;
    },
    ...(prepared.dispose ? { dispose: () => prepared.dispose?.() } : {}),
    ...(prepared.deviceTime ? { deviceTime: () => prepared.deviceTime!() } : {}),
    ...(prepared.stageTime ? { stageTime: () => prepared.stageTime!() } : {}),
    ...(prepared.stagesAlone ? { stagesAlone: () => prepared.stagesAlone!() } : {}),
  };
}
