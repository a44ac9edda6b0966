// A pipeline configuration as one prepared variant: its stages' implementations prepared in order,
// run in order on one state per call, each stage timed inside the call (two clock readings per
// stage, against stages of milliseconds), so that a round can record where the time went with the
// very calls it timed. After the timed calls the sampler may ask for each stage alone: repeated on
// the last call's state, with its data warm, which is what the stage's own speedup is measured by.

import type { KernelOutput, PipelineState, PreparedStage, PreparedVariant, SizeParams, StageImplementation } from '../types.js';
import { median } from '../stats/index.js';
import { isThenable } from '../validate/validate.js';
import { nowNs } from './timer.js';

/** Each stage alone is repeated until this much time has passed, at least once and at most REPEATS times. */
const ALONE_NS = 50e6;
const REPEATS = 5;

export interface ComposedStage {
  readonly name: string;
  readonly implementation: StageImplementation;
}

export async function composeStages(
  stages: readonly ComposedStage[],
  staticInputs: unknown,
  params: SizeParams,
  output: (state: PipelineState) => KernelOutput,
): Promise<PreparedVariant<unknown, KernelOutput>> {
  const prepared: { name: string; stage: PreparedStage }[] = [];
  for (const { name, implementation } of stages) prepared.push({ name, stage: await implementation.prepare(staticInputs, params) });
  const ns: Record<string, number> = Object.fromEntries(stages.map((s) => [s.name, 0]));
  let calls = 0;
  let last: Record<string, unknown> | null = null;
  // Synchronous while every stage is: a stage returning a Promise makes the call (and the rest) async.
  const runFrom = (state: Record<string, unknown>, from: number): KernelOutput | Promise<KernelOutput> => {
    for (let i = from; i < prepared.length; i++) {
      const { name, stage } = prepared[i];
      const t0 = nowNs();
      const value = stage.run(state as PipelineState);
      if (isThenable(value)) {
        return Promise.resolve(value).then((resolved) => {
          ns[name] += nowNs() - t0;
          state[name] = resolved;
          return runFrom(state, i + 1);
        });
      }
      ns[name] += nowNs() - t0;
      state[name] = value;
    }
    calls++;
    last = state;
    return output(state as PipelineState);
  };
  return {
    run: (perCall) => runFrom({ input: perCall }, 0),
    stageTime: () => ({ calls, ns: { ...ns } }),
    async stagesAlone() {
      const state = last;
      if (!state) return {};
      const alone: Record<string, number> = {};
      for (const { name, stage } of prepared) {
        const times: number[] = [];
        let spent = 0;
        while (times.length < REPEATS && (times.length === 0 || spent < ALONE_NS)) {
          const t0 = nowNs();
          const value = stage.run(state as PipelineState);
          if (isThenable(value)) await value;
          times.push(nowNs() - t0);
          spent += times.at(-1)!;
        }
        alone[name] = median(times);
      }
      return alone;
    },
    async dispose() {
      for (const { stage } of prepared) await stage.dispose?.();
    },
  };
}
