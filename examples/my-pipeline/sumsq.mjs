// A small pipeline of your own (docs/pipelines.md): three stages over a vector, a study of five
// configurations of which one changes the algorithm (checked against the reference of its own
// blocks), one has a wrong stage and one fails the science check (both invalid, never ranked).
//   hotbench pipeline sumsq --kernels examples/my-pipeline --rounds 2
import { definePipeline } from 'hotbench';
const xs = (n, seed) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i));
const loop = (f) => ({ description: 'a loop', prepare: (s, params) => ({ run: (state) => f(state, s, params) }) });
export const sumsq = definePipeline({
  name: 'sumsq',
  description: 'weights, squares and a blocked sum',
  sizes: { tiny: { n: 64 } },
  generate: ({ n }, seed) => ({ static: { w: Float64Array.from({ length: n }, (_, i) => 1 + i / n) }, perCall: { x: xs(n, seed) } }),
  perCall: ({ n }, seed) => ({ x: xs(n, seed) }),
  stages: [
    { name: 'scale', description: 'x·w', reference: 'loop', implementations: {
      loop: loop((state, s) => state.input.x.map((v, i) => v * s.w[i])),
      wrong: loop((state) => state.input.x.slice()),
    } },
    { name: 'square', description: 'x²', reference: 'loop', implementations: {
      loop: loop((state) => Array.from(state.scale, (v) => v * v)),
      typed: loop((state) => { const a = state.scale, out = new Float64Array(a.length); for (let i = 0; i < a.length; i++) out[i] = a[i] * a[i]; return out; }),
    } },
    { name: 'sum', description: 'sum in blocks', reference: 'loop', implementations: {
      loop: loop((state, s, params) => { const b = params.block ?? 1; let total = 0; for (let i = 0; i < state.square.length; i += b) { let p = 0; for (let j = i; j < Math.min(i + b, state.square.length); j++) p += state.square[j]; total += p; } return (params.sign ?? 1) * total; }),
    } },
  ],
  output: (state) => ({ squares: Float64Array.from(state.square), total: state.sum }),
  configurations: [
    { name: 'original', change: 'every stage on its loop', stages: {} },
    { name: 'typed-square', change: 'square into a typed array', stages: { square: 'typed' } },
    { name: 'blocked', change: 'sum in blocks of 8', stages: {}, algorithm: { block: 8 } },
    { name: 'wrong-scale', change: 'scale that forgets the weights', stages: { scale: 'wrong' } },
    { name: 'negated', change: 'a sum that agrees with its reference but not with the truth', stages: { scale: 'loop' }, algorithm: { sign: -1 } },
  ],
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  check: (output) => ({ passed: output.total >= 0, figures: { total: output.total }, message: 'total ' + output.total + ' must be >= 0' }),
  elements: ({ n }) => n + 1,
});
