// The public API: what a user's kernel folder imports from 'hotbench'.

export { defineKernel, defineVariant, DefinitionError } from './spec/define.js';
export { defineConfig } from './spec/config.js';
export { defineExternalVariant, type ExternalVariantSpec } from './spec/external.js';
export { pythonAvailable, pythonProgram } from './external/python.js';
export { bestBuild, definePipeline } from './spec/pipeline.js';
export { createRandom, type Random } from './random.js';
export { compareOutputs, ulpDistance } from './validate/compare.js';
export type * from './types.js';
// Building blocks of parallel variants (README, "Parallel scaling").
export { ThreadPool, type ThreadContext, type ThreadPoolOptions, type ThreadStepFactory } from './parallel/thread-pool.js';
export { ProcessPool, type ProcessContext, type ProcessHandlerFactory, type ProcessPoolOptions } from './parallel/process-pool.js';
export { shardRows, type Shard } from './parallel/shards.js';
export { WorkerError, type WorkerFailureKind } from './parallel/worker-error.js';
