// The body of a worker thread of the parallel change (parallel.ts): it receives patches, runs the
// best native build of its kernel on each (prepare on the patch's A, run on its exposure or iCov),
// and sends the answers back, their buffers transferred. Loaded by bench/parallel/thread-entry.mjs,
// which installs the TypeScript loader first when running from source.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { bestBuild } from '../../bench/spec/pipeline.js';
import type { VariantDefinition } from '../../bench/types.js';
import normaleqNative from '../../variants/normaleq/native.js';
import resolutionNative from '../../variants/resolution/native.js';
import type { LinalgTask } from './parallel.js';

// Discovery imports every module under pipelines/ in the main thread: there this one does nothing.
if (parentPort && (workerData as { kernel?: string } | null)?.kernel) serve(parentPort, (workerData as { kernel: 'normaleq' | 'resolution' }).kernel);

function serve(port: MessagePort, kernel: 'normaleq' | 'resolution'): void {
  const variant = bestBuild((kernel === 'normaleq' ? normaleqNative : resolutionNative) as readonly VariantDefinition[]);
  if (typeof variant === 'string') throw new Error(`${kernel} native: ${variant}`);
  port.on('message', ({ id, tasks }: { id: number; tasks: LinalgTask[] }) => {
    const out = tasks.map(({ patch, perCall }) => {
      const prepared = variant.prepare(patch, { nspec: patch.nspec, nwave: patch.nwave }, { workers: 1 });
      if (prepared instanceof Promise) throw new Error(`${kernel} native: prepare returned a Promise`);
      const answer = prepared.run(perCall) as Record<string, Float64Array>;
      // Copies: the rung reuses its output buffers, and the copies' buffers are transferred.
      const copy = Object.fromEntries(Object.entries(answer).map(([field, values]) => [field, values.slice()]));
      void prepared.dispose?.();
      return copy;
    });
    port.postMessage({ id, out }, out.flatMap((o) => Object.values(o).map((a) => a.buffer)));
  });
  port.postMessage('ready');
}
