// The public dispatch runtime: `import { loadDispatch } from 'hotbench/dispatch'`. Production code
// ships a dispatch file (hotbench dispatch RESULTS.json... --out dispatch.json) beside itself and
// asks it, at run time, for the fastest valid variant this machine can run.

export { Dispatch, DispatchError, explainChoice, loadDispatch, readDispatchFile, thisHost, type DispatchedKernel, type DispatchOptions, type Host, type KernelOptions } from './runtime.js';
export type * from '../types/dispatch.js';
