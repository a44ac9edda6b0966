// wasm: legval compiled from AssemblyScript (assembly/legval.ts), a scalar and a SIMD build.
// Clenshaw with hoisted constants, unrolled per degree (generated), two x-vectors per iteration.
// The grid x lives in the module's memory from prepare on, and the output is returned as a view on
// that memory: no copy of the large arrays. The per-call coefficients (1/nx of the output's size:
// 45 KB at desi size) are written into the module's memory on each call, as a caller would fill
// any input buffer.

import { instantiateWasm, wasmVariants } from '../../bench/wasm.js';
import type { LegvalOutput, LegvalParams, LegvalPerCall, LegvalStatic } from '../../kernels/legval/index.js';

interface LegvalExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  legval(x: number, nx: number, c: number, nseries: number, deg: number, out: number): void;
}

export default wasmVariants<LegvalStatic, LegvalPerCall, LegvalOutput, LegvalParams>('legval', (build) => ({
  description: `AssemblyScript ${build === 'simd' ? 'SIMD (f64x2)' : 'scalar'} build: Clenshaw unrolled per degree, data in views on wasm memory`,
  prepare: (staticInputs, params) => {
    const { nseries, nx, deg } = params;
    const wasm = instantiateWasm<LegvalExports>('legval', build);
    // Allocate everything first: alloc may grow memory, which detaches earlier views.
    const xPtr = wasm.alloc(8 * nx);
    const cPtr = wasm.alloc(8 * nseries * (deg + 1));
    const outPtr = wasm.alloc(8 * nseries * nx);
    const memory = wasm.memory.buffer;
    new Float64Array(memory, xPtr, nx).set(staticInputs.x);
    const coefficients = new Float64Array(memory, cPtr, nseries * (deg + 1));
    const out = new Float64Array(memory, outPtr, nseries * nx);
    return {
      run: (perCall) => {
        coefficients.set(perCall.coefficients);
        wasm.legval(xPtr, nx, cPtr, nseries, deg, outPtr);
        return out;
      },
    };
  },
}));
