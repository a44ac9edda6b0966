// wasm: kmeans compiled from AssemblyScript (assembly/kmeans.ts), a scalar and a SIMD (f64x2) build:
// the scalar build computes exact distances (x - c)², the SIMD build the precomputed rung's
// |x|² - 2x·c + |c|² with the same exact recheck of near-ties (see the AssemblyScript source).
// X is packed into blocks of 8 points (blocks.ts) directly in the module's memory, with |x|², once,
// in prepare; labels, sums and counts are views on that memory too. Per call only the centroids
// (k × d values: 1.6 KB at intel size) are written into it; the centroids are finished (sums /
// counts) in JavaScript, k × d divisions.

import { instantiateWasm, wasmVariants } from '../../bench/wasm.js';
import type { KmeansOutput, KmeansParams, KmeansPerCall, KmeansStatic } from '../../kernels/kmeans/index.js';
import { blockedLength, packBlocks } from './blocks.js';
import { finishCentroids, nearTieBounds, rowNorms } from './precomputed.js';

interface KmeansExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  kmeans(xb: number, xx: number, n: number, d: number, c: number, cc: number, k: number, labels: number, sums: number, counts: number, rounding: number, cancellation: number): number;
}

export default wasmVariants<KmeansStatic, KmeansPerCall, KmeansOutput, KmeansParams>('kmeans', (build) => ({
  description: `AssemblyScript ${build === 'simd' ? 'SIMD (f64x2): |x|² - 2x·c + |c|² with exact recheck of near-ties' : 'scalar: exact distances'} over blocks of 8 points, X packed in wasm memory once`,
  prepare: (staticInputs, params) => {
    const { n, d, k } = params;
    const wasm = instantiateWasm<KmeansExports>('kmeans', build);
    // Allocate everything first: alloc may grow memory, which detaches earlier views.
    const xPtr = wasm.alloc(8 * blockedLength(n, d));
    const xxPtr = wasm.alloc(8 * (blockedLength(n, d) / d));
    const cPtr = wasm.alloc(8 * k * d);
    const ccPtr = wasm.alloc(8 * k);
    const labelsPtr = wasm.alloc(4 * n);
    const sumsPtr = wasm.alloc(8 * k * d);
    const countsPtr = wasm.alloc(8 * k);
    const memory = wasm.memory.buffer;
    packBlocks(staticInputs.x, n, d, new Float64Array(memory, xPtr, blockedLength(n, d)));
    new Float64Array(memory, xxPtr, n).set(rowNorms(staticInputs.x, n, d));
    const { rounding, cancellation } = nearTieBounds(d);
    const centroidsIn = new Float64Array(memory, cPtr, k * d);
    const labels = new Int32Array(memory, labelsPtr, n);
    const sums = new Float64Array(memory, sumsPtr, k * d);
    const counts = new Float64Array(memory, countsPtr, k);
    return {
      run: ({ centroids }) => {
        centroidsIn.set(centroids);
        const inertia = wasm.kmeans(xPtr, xxPtr, n, d, cPtr, ccPtr, k, labelsPtr, sumsPtr, countsPtr, rounding, cancellation);
        return { labels, centroids: finishCentroids(sums, counts, centroids, k, d), inertia };
      },
    };
  },
}));
