// Shipping the winner: a dispatch file built from results, and the runtime that picks from it on
// the machine it runs on. The choice here; the fallbacks down the ranking under x86-64 level caps
// (v4 → v3 → wasm SIMD → TypeScript, in child processes: the cap is read once per process); a file
// whose winner was measured on another machine; verification catching a variant that became wrong;
// bad files and bad names answered with one clear error. No timing is asserted.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDispatch, sizeRanges } from '../bench/dispatch/build.js';
import { Dispatch, DispatchError, loadDispatch, readDispatchFile, thisHost } from '../bench/dispatch/runtime.js';
import { readCpuInfo } from '../bench/env/cpu.js';
import { toJson } from '../bench/results/store.js';
import { discover } from '../bench/spec/registry.js';
import type { Cell, Environment, KernelInfo, Registry } from '../bench/types.js';
import type { DispatchFile } from '../bench/types/dispatch.js';
import legval from '../kernels/legval/index.js';
import { cell, environment, results } from './helpers/results.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');

function hotbench(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const legvalInfo: KernelInfo = { name: 'legval', description: 'legval', baseline: 'naive', tolerance: legval.tolerance };
const small = { name: 'small', params: legval.sizes.small };
const desi = { name: 'desi', params: legval.sizes.desi };

/** A legval cell of a built-in variant measured at `centerNs` per call. */
function legvalCell(name: string, target: string, centerNs: number, size = small): Cell {
  return { ...cell(`${name}@${target}`, centerNs), kernel: 'legval', variant: name, rung: name, target, size };
}

/** The ranking the tests pick from: v4 fastest, then v3, wasm SIMD, unrolled TypeScript; naive is the baseline. */
const LADDER: [string, string, number][] = [
  ['native', 'x86-64-v4', 1_000],
  ['native', 'x86-64-v3', 2_000],
  ['wasm', 'simd', 4_000],
  ['unrolled', 'js', 8_000],
  ['naive', 'js', 500_000],
];

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'hotbench-dispatch-'));

describe('dispatch', () => {
  let registry: Registry;
  let dir: string;
  let file: string;
  const here: Environment = { ...environment, fingerprint: thisHost().fingerprint, cpuModel: thisHost().cpuModel, x86Level: readCpuInfo().detectedX86Level };

  beforeAll(async () => {
    registry = await discover();
    dir = tmp();
    file = path.join(dir, 'dispatch.json');
    const run = results([...LADDER.map(([n, t, ns]) => legvalCell(n, t, ns)), ...LADDER.map(([n, t, ns]) => legvalCell(n, t, ns * 100, desi))], here, [legvalInfo]);
    writeFileSync(file, toJson(buildDispatch([{ source: 'here.json', results: run }], registry, file, ['test'])));
  });

  it('writes every measured size with the ranges it stands for, and the ranked variants per machine with their modules', () => {
    const d = readDispatchFile(file);
    const k = d.kernels.find((x) => x.name === 'legval')!;
    expect(k.sizes.map((s) => s.name)).toEqual(['small', 'desi']);
    const smallSize = k.sizes[0];
    expect(smallSize.byMachine[here.fingerprint].map((c) => c.id)).toEqual(['native@x86-64-v4', 'native@x86-64-v3', 'wasm@simd', 'unrolled@js', 'naive@js']);
    expect(smallSize.byMachine[here.fingerprint][0].ref).toMatchObject({ builtIn: true, file: 'variants/legval/native' });
    // nseries 100 and 1425: small stands for nseries up to their geometric midpoint.
    expect(smallSize.ranges.nseries[0]).toBe(0);
    expect(smallSize.ranges.nseries[1]).toBeCloseTo(Math.sqrt(100 * 1425), 9);
    expect(sizeRanges({ n: 10 }, [{ n: 10 }])).toEqual({ n: [0, null] });
  });

  it('chooses the fastest variant this machine can run, at the nearest size, and explains it', async () => {
    const choice = await loadDispatch(file).choose('legval', { nseries: 120, nx: 480, deg: 3 });
    expect(choice.size).toBe('small');
    expect(choice.match).toBe('fingerprint');
    const expected = LADDER.map(([n, t]) => registry.variants.get('legval')!.find((v) => v.definition.name === n && (v.definition.target ?? 'js') === t)!).find((v) => (v.definition.available?.() ?? true) === true)!;
    expect(choice.chosen).toBe(`${expected.definition.name}@${expected.definition.target ?? 'js'}`);
    const big = await loadDispatch(file).choose('legval', { nseries: 1500, nx: 2000, deg: 3 });
    expect(big.size).toBe('desi');
  });

  it('prepares the choice and runs it on the kernel\'s own inputs, right', async () => {
    const params = legval.sizes.small;
    const inputs = legval.generate(params, 5);
    const k = await loadDispatch(file).kernel('legval', params, inputs.static, { verify: true });
    const out = await k.run(inputs.perCall);
    const expected = legval.reference(inputs, params) as Float64Array;
    expect((out as Float64Array).length).toBe(expected.length);
    expect(k.explain()).toMatch(/^legval \(nseries=100 nx=500 deg=3\): /);
    k.dispose();
  });

  it('falls back down the ranking under x86-64 level caps: v4, v3, wasm SIMD, then TypeScript', () => {
    const host = readCpuInfo().detectedX86Level;
    const explain = (cap: string | undefined, extra: string[] = []) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (cap === undefined) delete env.HOTBENCH_MAX_X86_LEVEL;
      else env.HOTBENCH_MAX_X86_LEVEL = cap;
      const r = hotbench(['dispatch', '--explain', file, '--kernel', 'legval', '--params', 'nseries=100,nx=500,deg=3', ...extra], env);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n')[0];
    };
    if (host === 'x86-64-v4') expect(explain(undefined)).toMatch(/: native@x86-64-v4$/);
    if (host === 'x86-64-v4' || host === 'x86-64-v3') expect(explain('x86-64-v3')).toMatch(/: native@x86-64-v3$/);
    const capped = hotbench(['dispatch', '--explain', file, '--kernel', 'legval', '--params', 'nseries=100,nx=500,deg=3'], { ...process.env, HOTBENCH_MAX_X86_LEVEL: 'x86-64-v2' });
    expect(capped.stdout.split('\n')[0]).toMatch(/: wasm@simd$/);
    expect(capped.stdout).toMatch(/native@x86-64-v4 .*unavailable: .*x86-64-v2/);
    expect(explain('x86-64-v2', ['--exclude', 'wasm'])).toMatch(/: unrolled@js$/);
  });

  it('picks from a machine measured elsewhere when this one is not in the file, and says how it matched', async () => {
    const other: Environment = { ...environment, fingerprint: 'elsewhere', cpuModel: 'Another CPU', x86Level: 'x86-64-v2' };
    const run = results([legvalCell('unrolled', 'js', 5_000), legvalCell('naive', 'js', 100_000)], other, [legvalInfo]);
    const f = path.join(tmp(), 'dispatch.json');
    writeFileSync(f, toJson(buildDispatch([{ source: 'other.json', results: run }], registry, f, ['test'])));
    const choice = await loadDispatch(f).choose('legval', legval.sizes.small);
    expect(choice.chosen).toBe('unrolled@js');
    expect(choice.machine.fingerprint).toBe('elsewhere');
    expect(choice.match).toBe('nearest');
    // Two machines: the one with this machine's CPU model wins over the other.
    const mine = results([legvalCell('naive', 'js', 100_000)], { ...other, fingerprint: 'same-model', cpuModel: thisHost().cpuModel }, [legvalInfo]);
    const d = buildDispatch([{ source: 'other.json', results: run }, { source: 'mine.json', results: mine }], registry, f, ['test']);
    const both = await new Dispatch(d, f).choose('legval', legval.sizes.small);
    expect(both).toMatchObject({ chosen: 'naive@js', match: 'cpu model' });
  });

  it('answers a missing, corrupt or foreign file, an unknown kernel and bad parameters with one DispatchError', async () => {
    const d = tmp();
    const write = (name: string, text: string) => {
      const f = path.join(d, name);
      writeFileSync(f, text);
      return f;
    };
    expect(() => loadDispatch(path.join(d, 'none.json'))).toThrow(/none\.json: no such file/);
    expect(() => loadDispatch(write('trunc.json', readFileSync(file, 'utf8').slice(0, 200)))).toThrow(/not valid JSON/);
    expect(() => loadDispatch(write('results.json', JSON.stringify(results([]))))).toThrow(/not a hotbench dispatch file/);
    expect(() => loadDispatch(write('v9.json', JSON.stringify({ ...readDispatchFile(file), dispatchVersion: 9 })))).toThrow(/dispatch version 9 is not supported/);
    const broken = { ...readDispatchFile(file), kernels: [{ name: 'legval' }] };
    expect(() => loadDispatch(write('broken.json', JSON.stringify(broken)))).toThrow(/not a valid dispatch file: \/kernels\/0/);
    await expect(loadDispatch(file).choose('nope', {})).rejects.toThrow(/unknown kernel "nope"/);
    await expect(loadDispatch(file).choose('legval', { n: 3 })).rejects.toThrow(DispatchError);
    const none: DispatchFile = { ...readDispatchFile(file), kernels: [{ ...readDispatchFile(file).kernels[0], sizes: readDispatchFile(file).kernels[0].sizes.map((s) => ({ ...s, byMachine: {} })) }] };
    await expect(new Dispatch(none, file).choose('legval', legval.sizes.small)).rejects.toThrow(/no valid variant was measured/);
    for (const args of [['--explain', write('bad.json', '{')], ['--explain', file, '--kernel', 'nope', '--params', 'n=1'], ['--explain', file, '--kernel', 'legval', '--params', 'nseries=x']]) {
      const r = hotbench(['dispatch', ...args, ...(args.length === 2 ? ['--kernel', 'legval', '--params', 'n=1'] : [])]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('dispatch verification of a user variant that became wrong', () => {
  it('catches the wrong output on first use and falls back to the next variant, saying so', async () => {
    const dir = tmp();
    const kernels = path.join(dir, 'kernels');
    mkdirSync(kernels);
    writeFileSync(
      path.join(kernels, 'twice.mjs'),
      `import { defineKernel, defineVariant } from 'hotbench';
export const kernel = defineKernel({
  name: 'twice', description: 'doubles', sizes: { small: { n: 8 } },
  generate: ({ n }, seed) => ({ static: {}, perCall: { x: Float64Array.from({ length: n }, (_, i) => i + seed) } }),
  reference: ({ perCall: { x } }) => x.map((v) => 2 * v),
  tolerance: { abs: 0, rel: 0, ulp: 0 }, elements: ({ n }) => n, work: ({ n }) => ({ flops: n, bytes: 16 * n }),
});
export const slow = defineVariant({ kernel: 'twice', name: 'naive', rung: 'naive', description: 'a map', prepare: () => ({ run: ({ x }) => x.map((v) => v + v) }) });
`,
    );
    const fastFile = path.join(kernels, 'fast.mjs');
    writeFileSync(fastFile, `import { defineVariant } from 'hotbench';
export default defineVariant({ kernel: 'twice', name: 'fast', rung: 'unrolled', description: 'a loop', prepare: () => ({ run: ({ x }) => { const o = new Float64Array(x.length); for (let i = 0; i < x.length; i++) o[i] = 2 * x[i]; return o; } }) });
`);
    const registry = await discover([kernels]);
    const info: KernelInfo = { name: 'twice', description: 'doubles', baseline: 'naive', tolerance: { abs: 0, rel: 0, ulp: 0 } };
    const mk = (variant: string, ns: number): Cell => ({ ...cell(variant, ns), kernel: 'twice', variant, rung: variant, size: { name: 'small', params: { n: 8 } } });
    const f = path.join(dir, 'dispatch.json');
    writeFileSync(f, toJson(buildDispatch([{ source: 'r.json', results: results([mk('fast', 10), mk('naive', 100)], environment, [info]) }], registry, f, ['test'])));
    expect(readDispatchFile(f).kernels[0].sizes[0].byMachine[environment.fingerprint][0].ref).toEqual({ builtIn: false, file: 'kernels/fast.mjs', exportName: 'default' });

    // Shipped with the project, whose fast variant was edited after the run and now forgets to
    // double (another folder: this process has the first version's module cached).
    const shipped = tmp();
    cpSync(dir, shipped, { recursive: true });
    const shippedFast = path.join(shipped, 'kernels', 'fast.mjs');
    writeFileSync(shippedFast, readFileSync(fastFile, 'utf8').replace('o[i] = 2 * x[i]', 'o[i] = x[i]'));
    const shippedDispatch = path.join(shipped, 'dispatch.json');
    const perCall = { x: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8) };
    const unchecked = await loadDispatch(shippedDispatch).kernel('twice', { n: 8 }, {});
    expect(Array.from((await unchecked.run(perCall)) as Float64Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]); // what verify is for
    const checked = await loadDispatch(shippedDispatch).kernel('twice', { n: 8 }, {}, { verify: true });
    expect(Array.from((await checked.run(perCall)) as Float64Array)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(checked.choice.chosen).toBe('naive@js');
    expect(checked.choice.steps.map((s) => [s.id, s.outcome])).toEqual([['fast@js', 'failed verification'], ['naive@js', 'chosen']]);
    expect(checked.explain()).toMatch(/fast@js .*failed verification: 8 of 8 values outside the tolerance/);
  });
});
