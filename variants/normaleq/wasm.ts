// wasm: normaleq compiled from AssemblyScript (assembly/normaleq.ts), a scalar and a SIMD (f64x2)
// build of the unrolled rung's algorithm. The static inputs (stamps, corners, the overlap
// structure) are copied into the module's memory once, in prepare; iCov and x are views on it
// (no copy out), iCov's zeros written once. Per call the pixels and ivar (2·npix values, half as
// many as iCov's non-zero entries at desi-subbundle) are written in: WebAssembly cannot read a
// JavaScript array in place.

import { instantiateWasm, wasmVariants } from '../../bench/wasm.js';
import { SPOT } from '../../kernels/ghspots/index.js';
import type { NormaleqOutput, NormaleqParams, NormaleqPerCall, NormaleqStatic } from '../../kernels/normaleq/index.js';
import { findOverlaps } from './overlaps.js';

interface NormaleqExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  normaleq(stamps: number, n: number, row0: number, col0: number, nx: number, npix: number, pairs: number, npairs: number, first: number, rowStart: number,
    pixels: number, ivar: number, icov: number, x: number, wa: number, wpix: number, y: number, fluxweight: number, l: number): void;
}

export default wasmVariants<NormaleqStatic, NormaleqPerCall, NormaleqOutput, NormaleqParams>('normaleq', (build) => ({
  description: `AssemblyScript ${build === 'simd' ? 'SIMD (f64x2 dot products)' : 'scalar'}: overlapping pairs as dot products of stamp rows, skyline Cholesky; static structure in wasm memory, outputs views on it`,
  prepare: (patch, params) => {
    const n = params.nspec * params.nwave;
    const npix = patch.ny * patch.nx;
    const o = findOverlaps(patch);
    const wasm = instantiateWasm<NormaleqExports>('normaleq', build);
    // Allocate everything first: alloc may grow memory, which detaches earlier views.
    const f64 = (count: number) => wasm.alloc(8 * Math.max(1, count));
    const i32 = (count: number) => wasm.alloc(4 * Math.max(1, count));
    const ptr = {
      stamps: f64(n * SPOT), row0: i32(n), col0: i32(n), pairs: i32(o.packed.length), first: i32(n), rowStart: i32(n + 1),
      pixels: f64(npix), ivar: f64(npix), icov: f64(n * n), x: f64(n), wa: f64(n * SPOT), wpix: f64(npix), y: f64(n), fluxweight: f64(n), l: f64(o.skyline),
    };
    const memory = wasm.memory.buffer;
    new Float64Array(memory, ptr.stamps, n * SPOT).set(patch.stamps);
    new Int32Array(memory, ptr.row0, n).set(patch.row0);
    new Int32Array(memory, ptr.col0, n).set(patch.col0);
    new Int32Array(memory, ptr.pairs, o.packed.length).set(o.packed);
    new Int32Array(memory, ptr.first, n).set(o.first);
    new Int32Array(memory, ptr.rowStart, n + 1).set(o.rowStart);
    const pixels = new Float64Array(memory, ptr.pixels, npix);
    const ivar = new Float64Array(memory, ptr.ivar, npix);
    const icov = new Float64Array(memory, ptr.icov, n * n).fill(0);
    const x = new Float64Array(memory, ptr.x, n);
    return {
      run: (perCall) => {
        pixels.set(perCall.pixels);
        ivar.set(perCall.ivar);
        wasm.normaleq(ptr.stamps, n, ptr.row0, ptr.col0, patch.nx, npix, ptr.pairs, o.count, ptr.first, ptr.rowStart,
          ptr.pixels, ptr.ivar, ptr.icov, ptr.x, ptr.wa, ptr.wpix, ptr.y, ptr.fluxweight, ptr.l);
        return { icov, x };
      },
    };
  },
}));
