// Every type that crosses a module boundary in hotbench, one file per domain under bench/types/,
// re-exported here so that modules (and users, through the package's types) import from one place:
//   kernel.ts    the kernel and variant contract, validation figures, the configuration file
//   results.ts   the results file and shards   roofline.ts  the machine's roof and a cell under it
//   analysis.ts  ranked groups and verdicts     harness.ts   discovery, jobs and child replies
//   profile.ts   profiling                     gate.ts      compare, the gate and its power study
//   scaling.ts   parallel scaling              external.ts  external rungs (other programs)
//   pipeline.ts  pipeline studies              dispatch.ts  the dispatch file (hotbench/dispatch's own)
// Modules keep private helper types to themselves.

export * from './types/kernel.js';
export * from './types/results.js';
export * from './types/roofline.js';
export * from './types/analysis.js';
export * from './types/harness.js';
export * from './types/profile.js';
export * from './types/gate.js';
export * from './types/scaling.js';
export * from './types/external.js';
export * from './types/pipeline.js';
