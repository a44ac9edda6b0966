// The first module of every thread of a ThreadPool (thread-pool.ts). Plain JavaScript, because a
// worker thread does not inherit its process's TypeScript loader: from source it installs tsx's
// first, then loads the worker loop (thread-worker), compiled or TypeScript alike.

import { workerData } from 'node:worker_threads';

/** @type {{ loaderApi: string | null, loop: string }} */
const { loaderApi, loop } = workerData.boot;
if (loaderApi) (await import(loaderApi)).register();
await import(loop);
