// wasm: ghspots compiled from AssemblyScript (assembly/ghspots.ts), a scalar and a SIMD build.
// Per spot: one exp per edge shared by φ and Cody's erfc, He_0..He_5, pixel integrals as edge
// differences, then U = Gᵀ·pghY and S = Uᵀ·pghX (SIMD: f64x2, two edges of an axis per step with
// its own two-lane exp, Cody's intervals chosen per lane, pixel integrals formed in registers).
// Every buffer is allocated in the module's memory in prepare and the output is returned as a view
// on it: no copy out. The per-call spot parameters (53 doubles per spot, 28% of the output's size)
// are written into the module's memory on each call, as a caller fills any input buffer:
// WebAssembly cannot read a JavaScript array in place.
import { instantiateWasm, wasmVariants } from '../../bench/wasm.js';
import { NG, SPOT, type GhspotsOutput, type GhspotsParams, type GhspotsPerCall, type GhspotsStatic } from '../../kernels/ghspots/index.js';

interface GhspotsExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  ghspots(dx: number, dy: number, sx: number, sy: number, g: number, nspots: number, out: number): void;
}

export default wasmVariants<GhspotsStatic, GhspotsPerCall, GhspotsOutput, GhspotsParams>('ghspots', (build) => ({
  description: `AssemblyScript ${build === 'simd' ? 'SIMD (f64x2, own exp, erfc intervals per lane, pixel integrals in registers)' : 'scalar'} build: shared exp per edge, y contracted first, output a view on wasm memory`,
  prepare: (_static, params) => {
    const { nspots } = params;
    const wasm = instantiateWasm<GhspotsExports>('ghspots', build);
    // Allocate everything first: alloc may grow memory, which detaches earlier views.
    const ptrs = [nspots, nspots, nspots, nspots, nspots * NG * NG].map((n) => wasm.alloc(8 * n));
    const outPtr = wasm.alloc(8 * nspots * SPOT);
    const memory = wasm.memory.buffer;
    const [dx, dy, sx, sy, g] = ptrs.map((ptr, k) => new Float64Array(memory, ptr, k < 4 ? nspots : nspots * NG * NG));
    const out = new Float64Array(memory, outPtr, nspots * SPOT);
    return {
      run: (perCall) => {
        dx.set(perCall.dx);
        dy.set(perCall.dy);
        sx.set(perCall.sx);
        sy.set(perCall.sy);
        g.set(perCall.g);
        wasm.ghspots(ptrs[0], ptrs[1], ptrs[2], ptrs[3], ptrs[4], nspots, outPtr);
        return out;
      },
    };
  },
}));
