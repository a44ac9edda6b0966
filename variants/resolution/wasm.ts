// wasm: resolution compiled from AssemblyScript (assembly/resolution.ts), a scalar and a SIMD
// (f64x2) build of the unrolled rung's algorithm. prepare has the module allocate its buffers for
// the size, then makes views: iCov is written into the module's memory on each call (it is the
// per-call input; WebAssembly cannot read a JavaScript array in place), R and ivar are views on it
// (no copy out). A QL iteration cap reached becomes an Error.

import { instantiateWasm, wasmVariants } from '../../bench/wasm.js';
import type { ResolutionOutput, ResolutionParams, ResolutionPerCall, ResolutionStatic } from '../../kernels/resolution/index.js';

interface ResolutionExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  prepare(nspec: number, nwave: number): void;
  resolution(icov: number, nspec: number, nwave: number, r: number, ivar: number): number;
}

export default wasmVariants<ResolutionStatic, ResolutionPerCall, ResolutionOutput, ResolutionParams>('resolution', (build) => ({
  description: `AssemblyScript ${build === 'simd' ? 'SIMD (f64x2 chains of rotations, axpy)' : 'scalar'}: Householder + implicit QL with sweeps applied along eigenvectors, Cov blocks by rank-1 updates; outputs views on wasm memory`,
  prepare: (_patch, { nspec, nwave }) => {
    const n = nspec * nwave;
    const wasm = instantiateWasm<ResolutionExports>('resolution', build);
    // Allocate everything first: alloc may grow memory, which detaches earlier views.
    wasm.prepare(nspec, nwave);
    const icovPtr = wasm.alloc(8 * n * n);
    const rPtr = wasm.alloc(8 * n * nwave);
    const ivarPtr = wasm.alloc(8 * n);
    const memory = wasm.memory.buffer;
    const icov = new Float64Array(memory, icovPtr, n * n);
    const r = new Float64Array(memory, rPtr, n * nwave);
    const ivar = new Float64Array(memory, ivarPtr, n);
    return {
      run: (perCall) => {
        icov.set(perCall.icov);
        if (wasm.resolution(icovPtr, nspec, nwave, rPtr, ivarPtr) !== 0) throw new Error('resolution: eigh did not converge (QL iteration cap reached)');
        return { r, ivar };
      },
    };
  },
}));
