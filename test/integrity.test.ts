// Integrity, end to end with the compiled CLI: a user kernel folder outside the repository (a cubic
// evaluated at 20,000 points) with variants written the way real code goes wrong: one that returns
// its first answer forever, one memoised on its input object, one that starts remembering once it is
// being timed, one that changes its static input, one that changes its per-call input, one that
// starts changing its input once timed, and honest ones, one of them asynchronous. The first six are
// invalid with the right kind and phase and never ranked; the asynchronous one is measured and
// ranked; and a variant that does no work is measured, shown as suspect and not ranked. Every report
// format names each failure. No timing is asserted.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');

function hotbench(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 400_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CUBIC = `import { createRandom, defineKernel, defineVariant } from 'hotbench';

const coefficients = (seed) => {
  const random = createRandom(seed);
  return Float64Array.from({ length: 4 }, () => random.uniform(-1, 1));
};

export const kernel = defineKernel({
  name: 'cubic', description: 'c0 + c1 x + c2 x^2 + c3 x^3 at n points',
  sizes: { small: { n: 20000 } },
  generate: ({ n }, seed) => {
    const random = createRandom(seed + 7);
    return { static: { x: Float64Array.from({ length: n }, () => random.uniform(-1, 1)) }, perCall: { c: coefficients(seed) } };
  },
  perCall: (_params, seed) => ({ c: coefficients(seed) }),
  reference: ({ static: { x }, perCall: { c } }) => x.map((v) => c[0] + v * (c[1] + v * (c[2] + v * c[3]))),
  tolerance: { abs: 1e-14, rel: 1e-12, ulp: 8 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: 6 * n, bytes: 16 * n }),
});

const horner = (x, c, out) => {
  for (let i = 0; i < x.length; i++) { const v = x[i]; out[i] = c[0] + v * (c[1] + v * (c[2] + v * c[3])); }
  return out;
};

const variant = (name, rung, description, prepare) => defineVariant({ kernel: 'cubic', name, rung, description, prepare });

export const naive = variant('naive', 'naive', 'sum of c_k x^k with Math.pow, a fresh array per call', ({ x }) => ({
  run: ({ c }) => x.map((v) => c.reduce((s, ck, k) => s + ck * Math.pow(v, k), 0)),
}));

export const unrolled = variant('horner', 'unrolled', "Horner's rule in a typed loop, output buffer reused", ({ x }) => {
  const out = new Float64Array(x.length);
  return { run: ({ c }) => horner(x, c, out) };
});

// The issue's first case: computes its first answer, returns that same array on every later call.
export const rememberFirst = variant('remember-first', 'unrolled', 'returns its first answer forever', ({ x }) => {
  let answer;
  return { run: ({ c }) => (answer ??= horner(x, c, new Float64Array(x.length))) };
});

// A memoize wrapper keyed on the input object, as _.memoize does: right for every distinct object.
export const memoObject = variant('memo-object', 'unrolled', 'memoised on the per-call input object', ({ x }) => {
  const cache = new Map();
  return {
    run: (input) => {
      let hit = cache.get(input);
      if (!hit) cache.set(input, (hit = horner(x, input.c, new Float64Array(x.length))));
      return hit;
    },
  };
});

// Honest for its first calls (validation's), then answers from a cache once it is being timed.
export const rememberLater = variant('remember-later', 'unrolled', 'starts answering from memory after 50 calls', ({ x }) => {
  let calls = 0;
  let answer;
  return {
    run: ({ c }) => {
      if (++calls > 50 && answer) return answer;
      answer = horner(x, c, new Float64Array(x.length));
      return answer;
    },
  };
});

// The issue's second case: changes its static input in place on every call (its own numbers are right).
export const scribbleStatic = variant('scribble-static', 'unrolled', 'uses the static grid as scratch', ({ x }) => {
  const own = x.slice();
  const out = new Float64Array(x.length);
  let calls = 0;
  return { run: ({ c }) => { horner(own, c, out); x[calls++ % x.length] = NaN; return out; } };
});

// Scales its coefficients in place (normalising them, say) and forgets to restore them.
export const scribblePerCall = variant('scribble-percall', 'unrolled', 'scales its per-call input in place', ({ x }) => {
  const out = new Float64Array(x.length);
  return { run: ({ c }) => { horner(x, c, out); for (let k = 0; k < 4; k++) c[k] *= 1.0000001; return out; } };
});

// Leaves its inputs alone while validated, scribbles once timed.
export const scribbleLater = variant('scribble-later', 'unrolled', 'writes into its static input after 50 calls', ({ x }) => {
  const own = x.slice();
  const out = new Float64Array(x.length);
  let calls = 0;
  return { run: ({ c }) => { horner(own, c, out); if (++calls > 50) x[0] = calls; return out; } };
});

// The issue's third case: an asynchronous run (a worker pool, a GPU queue) resolving to the right numbers.
export const later = variant('async', 'unrolled', "Horner's rule, answered through a Promise", ({ x }) => {
  const out = new Float64Array(x.length);
  return { run: ({ c }) => new Promise((resolve) => setImmediate(() => resolve(horner(x, c, out)))) };
});
`;

/** A kernel whose output is its per-call input: a variant that returns it does no work at all. */
const PASSTHROUGH = `import { createRandom, defineKernel, defineVariant } from 'hotbench';

const values = (n, seed) => { const r = createRandom(seed); return Float64Array.from({ length: n }, () => r.next()); };

export const kernel = defineKernel({
  name: 'passthrough', description: 'the per-call values, unchanged',
  sizes: { small: { n: 64 } },
  generate: ({ n }, seed) => ({ static: {}, perCall: values(n, seed) }),
  reference: ({ perCall }) => perCall.slice(),
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: 0, bytes: 16 * n }),
});

export const naive = defineVariant({
  kernel: 'passthrough', name: 'naive', rung: 'naive', description: 'a copy',
  prepare: () => ({ run: (v) => Float64Array.from(v) }),
});

export const view = defineVariant({
  kernel: 'passthrough', name: 'view', rung: 'unrolled', description: 'the input itself',
  prepare: () => ({ run: (v) => v }),
});
`;

interface CellJson {
  kernel: string;
  variant: string;
  validation: { status: string; message?: string; cases: { calls?: number; inputs?: number; failedCall?: number; mutated?: string[] }[] };
  failure?: { kind: string; phase: string; round?: number; message: string };
  stats: { medianNs: number } | null;
  rounds: { async?: boolean; inputs?: number; emptyCall?: { medianNs: number } }[];
  suspect?: string;
}

describe('integrity: a user kernel folder with variants that remember, scribble, wait or do nothing', () => {
  let dir: string;
  let results: string;
  let run: ReturnType<typeof hotbench>;
  let cells: CellJson[];
  const cell = (kernel: string, variant: string) => cells.find((c) => c.kernel === kernel && c.variant === variant)!;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-integrity-'));
    mkdirSync(path.join(dir, 'kernels'));
    writeFileSync(path.join(dir, 'kernels', 'cubic.mjs'), CUBIC);
    writeFileSync(path.join(dir, 'kernels', 'passthrough.mjs'), PASSTHROUGH);
    results = path.join(dir, 'results.json');
    run = hotbench(['run', '--kernels', 'kernels', '--kernel', 'cubic,passthrough', '--rounds', '2', '--time', '40', '--warmup', '20', '--no-progress', '--no-roofline', '--out', results], dir);
    cells = JSON.parse(readFileSync(results, 'utf8')).cells;
  }, 600_000);

  it('runs every variant and exits 1 for the invalid ones', () => {
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(run.code).toBe(1);
    expect(cells).toHaveLength(11);
  });

  it('validates every honest variant on three calls and two distinct inputs, plus the changed-object call', () => {
    for (const name of ['naive', 'horner', 'async']) {
      const c = cell('cubic', name);
      expect(c.validation.status, name).toBe('valid');
      expect(c.validation.cases[0]).toMatchObject({ calls: 4, inputs: 2 });
      expect(c.failure).toBeUndefined();
      expect(c.stats!.medianNs).toBeGreaterThan(0);
    }
  });

  it('finds the variant that returns its first answer in validation, on its second call', () => {
    const c = cell('cubic', 'remember-first');
    expect(c.validation.status).toBe('invalid');
    expect(c.failure).toMatchObject({ kind: 'wrong-output', phase: 'validate' });
    expect(c.validation.cases[0].failedCall).toBe(2);
    expect(c.validation.message).toMatch(/first in call 2 of 4 \(input B\)/);
    expect(c.stats).toBeNull();
  });

  it("finds the variant memoised on its input object by calling it on the same object with other values", () => {
    const c = cell('cubic', 'memo-object');
    expect(c.validation.status).toBe('invalid');
    expect(c.failure).toMatchObject({ kind: 'wrong-output', phase: 'validate' });
    expect(c.validation.message).toMatch(/first in call 4 of 4 \(input A's object holding B's values\)/);
  });

  it('finds the variant that starts remembering once timed: invalid in phase measure, round 1, never ranked', () => {
    const c = cell('cubic', 'remember-later');
    expect(c.validation.status).toBe('invalid');
    expect(c.failure).toMatchObject({ kind: 'wrong-output', phase: 'measure', round: 1 });
    expect(c.validation.message).toMatch(/measured round 1: (the last timed call's output is wrong|answered from memory)/);
    expect(c.stats).toBeNull();
  });

  it('finds the variants that change their static or per-call inputs, naming the input', () => {
    const s = cell('cubic', 'scribble-static');
    expect(s.validation.status).toBe('invalid');
    expect(s.failure).toMatchObject({ kind: 'mutated-input', phase: 'validate' });
    expect(s.validation.cases[0].mutated).toEqual(['static.x']);
    expect(s.validation.message).toMatch(/changed its input static\.x/);
    const p = cell('cubic', 'scribble-percall');
    expect(p.failure).toMatchObject({ kind: 'mutated-input', phase: 'validate' });
    expect(p.validation.cases[0].mutated).toEqual(['perCall.c']);
    const later = cell('cubic', 'scribble-later');
    expect(later.validation.status).toBe('invalid');
    expect(later.failure).toMatchObject({ kind: 'mutated-input', phase: 'measure', round: 1 });
    expect(later.validation.message).toMatch(/measured round 1: changed its input static\.x/);
  });

  it('measures the asynchronous variant to its settling and records it as async', () => {
    const c = cell('cubic', 'async');
    expect(c.rounds.every((r) => r.async === true && r.inputs === 2)).toBe(true);
  });

  it('marks the variant that does no work suspect, in the results file and in the analysis, and does not rank it', () => {
    const view = cell('passthrough', 'view');
    expect(view.validation.status).toBe('valid');
    expect(view.suspect).toMatch(/within the noise of an empty call/);
    expect(cell('passthrough', 'naive').suspect).toBeUndefined();
    const json = hotbench(['report', results, '--format', 'json'], dir);
    expect(json.code).toBe(0);
    const groups = JSON.parse(json.stdout).groups as { kernel: string; variants: { variant: string; rank: number | null; verdict: string; suspect?: string }[] }[];
    const passthrough = groups.find((g) => g.kernel === 'passthrough')!;
    expect(passthrough.variants.find((v) => v.variant === 'view')).toMatchObject({ rank: null, verdict: 'suspect' });
    const cubic = groups.find((g) => g.kernel === 'cubic')!;
    const ranked = cubic.variants.filter((v) => v.rank !== null).map((v) => v.variant).sort();
    expect(ranked).toEqual(['async', 'horner', 'naive']);
  });

  it('names every failure kind, its phase and round, and the suspect in every report format', () => {
    for (const format of ['terminal', 'md', 'json', 'html']) {
      const r = hotbench(['report', results, '--format', format], dir);
      expect(r.code, format).toBe(0);
      const text = r.stdout;
      expect(text, format).toMatch(/mutated-input/);
      expect(text, format).toMatch(/static\.x/);
      expect(text, format).toMatch(/wrong-output/);
      expect(text, format).toMatch(/round 1: (the last timed call|answered from memory)/);
      expect(text, format).toMatch(/round 1: changed its input static\.x/);
      expect(text, format).toMatch(/within the noise of an empty call/);
      if (format !== 'json') expect(text, format).toMatch(/SUSPECT/);
    }
  });
});
