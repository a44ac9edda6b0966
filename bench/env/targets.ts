// The builds hotbench knows and whether this machine can run each: TypeScript, the two WebAssembly
// builds, one native build per x86-64 level, and the CUDA build of the GPU rung. Kernels' wasm and
// native variants check their own files on top of this (a build can be runnable here but not yet
// built for a kernel).

import { cudaStatus } from '../../native/cuda.js';
import { nativeStatus, NATIVE_LEVELS } from '../../native/index.js';
import type { TargetStatus } from '../types.js';
import { WASM_BUILDS, wasmRuntimeStatus } from '../wasm.js';

export function hostTargets(): TargetStatus[] {
  return [
    { build: 'js', status: true },
    ...WASM_BUILDS.map((build) => ({ build: `wasm@${build}`, status: wasmRuntimeStatus(build) })),
    ...NATIVE_LEVELS.map((level) => ({ build: `native@${level}`, status: nativeStatus(level) })),
    { build: 'gpu@cuda', status: cudaStatus() },
  ];
}
