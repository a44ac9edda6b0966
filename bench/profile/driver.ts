// Entry point of the process `hotbench profile <kernel>:<variant>` runs under a profiler: load the
// kernel and the variant, generate the size's inputs, prepare, then call the variant over and over
// for the given time so the profile has something to show. The job comes as one JSON argument, not
// over IPC: the profilers start this process themselves. It hands the event loop a turn every
// job.yieldEveryMs when that is set, writes a DriverSummary and exits 0, or writes one line on
// stderr and exits 1. The CPU profile covers prepare and the calls only (see PROFILE_RESTART).

import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtInKernelsDir, builtInPipelinesDir, builtInVariantsDir } from '../paths.js';
import { pipelineView } from '../spec/pipeline.js';
import { definitionIn, loadDefinition } from '../spec/registry.js';
import { isThenable } from '../validate/validate.js';
import { PROFILE_RESTART } from './layout.js';
import type { DefinitionRef, DriverJob, DriverSummary, KernelDefinition, PipelineDefinition, VariantDefinition } from '../types.js';

/** Keeps outputs reachable so that no call can be optimised away. */
let sink: unknown;

/**
 * Built-in definitions are imported plainly; others through the harness's loader hooks (tsx, the
 * 'hotbench' import). Those hooks run on a thread of their own, and with one, V8's tick profiler
 * (0x, clinic flame) now and then files the main thread's samples under that thread's epoll_pwait.
 */
async function load(ref: DefinitionRef): Promise<unknown> {
  const builtIn = [builtInKernelsDir, builtInVariantsDir, builtInPipelinesDir].some((dir) => ref.file.startsWith(dir + path.sep));
  if (!builtIn) return loadDefinition(ref);
  const definition = definitionIn((await import(pathToFileURL(ref.file).href)) as Record<string, unknown>, ref);
  // A pipeline's configuration is profiled through its kernel and variant views, as it is measured.
  return ref.view === undefined ? definition : pipelineView(definition as PipelineDefinition, ref.view);
}

async function drive(job: DriverJob): Promise<DriverSummary> {
  const kernel = (await load(job.kernel)) as KernelDefinition;
  const variant = (await load(job.variant)) as VariantDefinition;
  // A pipeline configuration's algorithm (sub-bundles) joins the size's parameters, as in job.ts.
  const params = { ...kernel.sizes[job.size], ...(variant.algorithm ?? {}) };
  const inputs = kernel.generate(params, job.seed);
  // The profile starts here: loading modules and generating inputs are the harness's work, not the
  // variant's. (Without the hook, as under a plain `node`, there is nothing to restart.)
  ((globalThis as Record<symbol, unknown>)[PROFILE_RESTART] as (() => void) | undefined)?.();
  const t0 = performance.now();
  const prepared = await variant.prepare(inputs.static, params, { workers: 1 });
  const setupMs = performance.now() - t0;
  const first = prepared.run(inputs.perCall);
  const async = isThenable(first);
  sink = async ? await first : first;
  let calls = 1;
  // Calls between two clock readings: doubled while a batch takes under a millisecond, so a fast
  // variant's profile is not full of the clock.
  let batch = 1;
  const start = performance.now();
  const end = start + job.durationMs;
  try {
    for (let now = start; now < end; ) {
      const sliceEnd = job.yieldEveryMs === null ? end : Math.min(end, now + job.yieldEveryMs);
      while (now < sliceEnd) {
        // An asynchronous run (it returned a Promise) is awaited call by call, as the sampler does.
        if (async) for (let i = 0; i < batch; i++) sink = await prepared.run(inputs.perCall);
        else for (let i = 0; i < batch; i++) sink = prepared.run(inputs.perCall);
        calls += batch;
        const before = now;
        now = performance.now();
        if (now - before < 1) batch *= 2;
      }
      if (job.yieldEveryMs !== null) await new Promise((resolve) => setImmediate(resolve));
      now = performance.now();
    }
  } finally {
    await prepared.dispose?.();
  }
  return { calls, runMs: performance.now() - start, setupMs };
}

const job = JSON.parse(process.argv[2] ?? 'null') as DriverJob | null;
if (!job) {
  process.stderr.write('hotbench profile driver: no job given\n');
  process.exitCode = 1;
} else {
  drive(job).then(
    (summary) => writeFileSync(job.summaryFile, JSON.stringify(summary)),
    (error: unknown) => {
      process.stderr.write(`hotbench profile driver: ${error instanceof Error ? `${error.name}: ${error.message}`.split('\n')[0] : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
