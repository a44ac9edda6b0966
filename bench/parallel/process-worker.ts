// One process of a ProcessPool (process-pool.ts): receive the boot message (the variant's worker
// module and this worker's share of the data), build the handler, say ready, then answer every
// call's message in order. It ends when its pool closes it or its parent goes away (the IPC channel
// disconnects), so that it never outlives the measured process by choice.

import { importModule } from '../spec/load-module.js';
import type { ProcessAnswer, ProcessBoot, ProcessHandlerFactory } from './process-pool.js';

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

const send = (answer: ProcessAnswer): void => {
  process.send?.(answer);
};

process.on('disconnect', () => process.exit(0));

process.once('message', async (boot: ProcessBoot) => {
  let handle: (message: unknown) => unknown;
  try {
    const factory = (await importModule(boot.module))[boot.exportName] as ProcessHandlerFactory<unknown, unknown, unknown> | undefined;
    if (typeof factory !== 'function') throw new Error(`${boot.module} has no function export ${JSON.stringify(boot.exportName)} (a process handler factory)`);
    handle = await factory(boot.init, { rank: boot.rank, workers: boot.workers });
  } catch (error) {
    send({ ok: false, message: oneLine(error) });
    return;
  }
  // Calls are answered one at a time, in the order they came.
  let queue = Promise.resolve();
  process.on('message', (message: unknown) => {
    queue = queue.then(async () => {
      try {
        send({ ok: true, reply: await handle(message) });
      } catch (error) {
        send({ ok: false, message: oneLine(error) });
      }
    });
  });
  send({ ready: true });
});
