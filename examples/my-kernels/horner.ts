// A complete user kernel: evaluate one polynomial (power basis) at many points.
// Run it from anywhere with:  npx hotbench run --kernels examples/my-kernels --kernel horner

import { createRandom, defineKernel, defineVariant } from 'hotbench';

type Params = { readonly n: number; readonly degree: number };
type Static = { readonly x: Float64Array };
type PerCall = { readonly coefficients: Float64Array }; // lowest degree first
type Output = Float64Array;

export const kernel = defineKernel<Static, PerCall, Output, Params>({
  name: 'horner',
  description: 'one polynomial of the given degree evaluated at n points',
  sizes: { tiny: { n: 64, degree: 5 }, small: { n: 100_000, degree: 5 } },
  generate: ({ n, degree }, seed) => {
    const random = createRandom(seed);
    const x = Float64Array.from({ length: n }, () => random.uniform(-1, 1));
    const coefficients = Float64Array.from({ length: degree + 1 }, () => random.uniform(-1, 1));
    return { static: { x }, perCall: { coefficients } };
  },
  // The trusted reference: Horner's rule, value by value.
  reference: ({ static: { x }, perCall: { coefficients } }) =>
    x.map((xi) => coefficients.reduceRight((acc, c) => acc * xi + c, 0)),
  tolerance: { abs: 1e-14, rel: 1e-12, ulp: 4 },
  elements: ({ n }) => n,
  work: ({ n, degree }) => ({ flops: 2 * degree * n, bytes: 16 * n }),
  edgeCases: () => [
    { name: 'x = ±1', params: { n: 2, degree: 3 }, inputs: { static: { x: Float64Array.of(-1, 1) }, perCall: { coefficients: Float64Array.of(1, 2, 3, 4) } } },
  ],
});

// The baseline: the sum of c_k x^k with Math.pow, as a first draft would be written.
export const naive = defineVariant<Static, PerCall, Output, Params>({
  kernel: 'horner',
  name: 'naive',
  rung: 'naive',
  description: 'sum of c_k * x^k with Math.pow',
  prepare: ({ x }) => ({
    run: ({ coefficients }) => x.map((xi) => coefficients.reduce((sum, c, k) => sum + c * Math.pow(xi, k), 0)),
  }),
});

export const unrolled = defineVariant<Static, PerCall, Output, Params>({
  kernel: 'horner',
  name: 'horner',
  rung: 'unrolled',
  description: "Horner's rule in a typed loop, output buffer reused",
  prepare: ({ x }) => {
    const out = new Float64Array(x.length);
    return {
      run: ({ coefficients }) => {
        const last = coefficients.length - 1;
        for (let i = 0; i < x.length; i++) {
          let acc = coefficients[last];
          for (let k = last - 1; k >= 0; k--) acc = acc * x[i] + coefficients[k];
          out[i] = acc;
        }
        return out;
      },
    };
  },
});
