// One thread of a ThreadPool (thread-pool.ts): load the variant's worker module, build its step from
// the data it was given (typed arrays over SharedArrayBuffers: the variant's inputs and outputs,
// shared, never copied), tell the pool it is ready, then run the step once per call. The hand-off
// is a control block of Atomics: the pool bumps a generation and wakes the threads; each runs its
// step and counts itself done. A step that throws ends the thread with an 'error' the pool sees.

import { parentPort, workerData } from 'node:worker_threads';
import { importModule } from '../spec/load-module.js';
import { CONTROL, type ThreadBoot, type ThreadStepFactory } from './thread-pool.js';

const { module, exportName, data, control: buffer, rank, workers } = workerData as ThreadBoot;
const control = new Int32Array(buffer);
const factory = (await importModule(module))[exportName] as ThreadStepFactory<unknown> | undefined;
if (typeof factory !== 'function') throw new Error(`${module} has no function export ${JSON.stringify(exportName)} (a thread step factory)`);
const step = await factory(data, { rank, workers });
parentPort!.postMessage('ready');

let seen = 0;
for (;;) {
  // Sleeps in the kernel (a futex) until the generation moves on.
  Atomics.wait(control, CONTROL.generation, seen);
  if (Atomics.load(control, CONTROL.stop) !== 0) break;
  seen = Atomics.load(control, CONTROL.generation);
  step();
  Atomics.add(control, CONTROL.done, 1);
  Atomics.notify(control, CONTROL.done);
}
