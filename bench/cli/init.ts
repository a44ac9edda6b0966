// hotbench init: a project's first study in one command (as asv quickstart and vitest init do). It
// writes hotbench.config.json and a kernels/ folder holding one small kernel and two variants in
// TypeScript, ready for `npx hotbench run --quick`. It never overwrites: when any of its files is
// already there it writes none of them and says which.

import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { findConfig } from '../spec/config.js';
import { parse, text } from './args.js';

export const initHelp = `usage: hotbench init [--dir DIR]

Starts a study: writes hotbench.config.json and kernels/smooth/ (a three-point moving average: the
kernel with its reference, a naive variant and a typed-loop variant), then says what to run next.
The config sets "builtIns": false, so that \`hotbench run\` measures your kernels only (built-in
kernels stay available with --kernel NAME). Writes nothing if any of these files, or another
hotbench.config.*, already exists.

options:
  --dir DIR           the project folder (default: this one)`;

/** The files init writes, relative to the project folder, and their contents. */
export const INIT_FILES: Readonly<Record<string, string>> = {
  'hotbench.config.json': `${JSON.stringify({ kernels: ['./kernels'], builtIns: false, measure: { rounds: 5 } }, null, 2)}\n`,
  'kernels/smooth/kernel.ts': `// A kernel: what is computed, at which sizes, on which inputs, and the reference every variant is
// checked against before it is timed. Here: a three-point moving average, y_i = (x_{i-1} + x_i + x_{i+1}) / 3,
// each end averaging the two values it has.
import { createRandom, defineKernel } from 'hotbench';

export type SmoothParams = { readonly n: number };
/** Known ahead and reusable between calls (none here: the whole input changes every call). */
export type SmoothStatic = Record<string, never>;
/** What every call gets anew. */
export type SmoothPerCall = { readonly x: Float64Array };
export type SmoothOutput = Float64Array;

export const kernel = defineKernel<SmoothStatic, SmoothPerCall, SmoothOutput, SmoothParams>({
  name: 'smooth',
  description: 'three-point moving average of n values',
  sizes: { tiny: { n: 64 }, small: { n: 100_000 }, large: { n: 4_000_000 } },
  generate: ({ n }, seed) => {
    const random = createRandom(seed);
    return { static: {}, perCall: { x: Float64Array.from({ length: n }, () => random.uniform(-1, 1)) } };
  },
  // The trusted reference, written for clarity, not speed.
  reference: ({ perCall: { x } }) =>
    x.map((_, i) => {
      const window = [x[i - 1], x[i], x[i + 1]].filter((v) => v !== undefined);
      return window.reduce((sum, v) => sum + v, 0) / window.length;
    }),
  tolerance: { abs: 1e-15, rel: 1e-14, ulp: 4 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: 3 * n, bytes: 16 * n }),
  edgeCases: () => [
    { name: 'one value', params: { n: 1 }, inputs: { static: {}, perCall: { x: Float64Array.of(2) } } },
    { name: 'two values', params: { n: 2 }, inputs: { static: {}, perCall: { x: Float64Array.of(1, 4) } } },
  ],
});
`,
  'kernels/smooth/naive.ts': `// The baseline: the formula as first written, with an array per window.
import { defineVariant } from 'hotbench';
import type { SmoothOutput, SmoothParams, SmoothPerCall, SmoothStatic } from './kernel.js';

export const naive = defineVariant<SmoothStatic, SmoothPerCall, SmoothOutput, SmoothParams>({
  kernel: 'smooth',
  name: 'naive',
  rung: 'naive',
  description: 'a window array per value, summed with reduce',
  prepare: () => ({
    run: ({ x }) =>
      x.map((_, i) => {
        const window = Array.from(x.subarray(Math.max(0, i - 1), i + 2));
        return window.reduce((sum, v) => sum + v, 0) / window.length;
      }),
  }),
});
`,
  'kernels/smooth/loop.ts': `// The next rung: one pass in a typed loop, the ends handled apart, the output buffer allocated once
// in prepare (untimed) and reused by every call.
import { defineVariant } from 'hotbench';
import type { SmoothOutput, SmoothParams, SmoothPerCall, SmoothStatic } from './kernel.js';

export const loop = defineVariant<SmoothStatic, SmoothPerCall, SmoothOutput, SmoothParams>({
  kernel: 'smooth',
  name: 'loop',
  rung: 'unrolled',
  description: 'one typed loop, ends apart, output reused',
  prepare: (_static, { n }) => {
    const y = new Float64Array(n);
    return {
      run: ({ x }) => {
        if (n === 1) {
          y[0] = x[0];
          return y;
        }
        y[0] = (x[0] + x[1]) / 2;
        for (let i = 1; i < n - 1; i++) y[i] = (x[i - 1] + x[i] + x[i + 1]) / 3;
        y[n - 1] = (x[n - 2] + x[n - 1]) / 2;
        return y;
      },
    };
  },
});
`,
};

export async function initCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('init', argv, { dir: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${initHelp}\n`);
    return 0;
  }
  const dir = path.resolve(text(values.dir) ?? '.');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`init: ${dir} is not a folder`);
  const config = findConfig(dir);
  const taken = [...(config ? [path.basename(config)] : []), ...Object.keys(INIT_FILES).filter((f) => existsSync(path.join(dir, f)))];
  if (taken.length > 0) throw new UserError(`init: ${[...new Set(taken)].join(', ')} already exist${taken.length === 1 ? 's' : ''} in ${dir}; nothing written`);
  for (const [file, contents] of Object.entries(INIT_FILES)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), contents, { flag: 'wx' });
  }
  const at = path.relative(process.cwd(), dir);
  process.stdout.write(
    [
      `hotbench init: wrote ${Object.keys(INIT_FILES).map((f) => path.join(at, f)).join(', ')}`,
      '',
      'next:',
      ...(at ? [`  cd ${at}`] : []),
      '  npx hotbench validate                          check both variants against the reference',
      '  npx hotbench run --quick                       measure them at the tiny and small sizes',
      '  npx hotbench run --size large --report r.html  a size worth optimising, with an HTML report',
      '',
    ].join('\n'),
  );
  return 0;
}
