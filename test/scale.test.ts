// hotbench scale end to end with the compiled CLI: bad input gets one line and exit 2 (p = 0, not a
// number, p above the cores, weak mode without a growing parameter, --workers on a serial-only
// selection); weak mode grows the kernel's parameter with p; --oversubscribe is marked; a parallel
// variant whose worker is killed, throws or hangs mid-call fails at that p with the kind recorded,
// the other p and variants are kept, and no process of the run is left behind. No timing is
// asserted anywhere.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const quick = ['--rounds', '2', '--time', '10', '--warmup', '2', '--no-progress', '--no-roofline'];
const cores = os.cpus().length;

/** Every process the CLI starts inherits this variable: any still running afterwards was leaked. */
const RUN_TAG = 'HOTBENCH_TEST_SCALE_RUN';

function hotbench(args: string[], cwd = root, tag = randomBytes(6).toString('hex')) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env: { ...process.env, [RUN_TAG]: tag }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, tag };
}

/** Processes (pids) still alive whose environment carries `tag`. */
function survivors(tag: string): number[] {
  if (!existsSync('/proc')) return [];
  const needle = `${RUN_TAG}=${tag}\0`;
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface CellJson {
  variant: string;
  target: string;
  size: { name: string; params: Record<string, number> };
  validation: { status: string; message?: string };
  stats: { medianNs: number } | null;
  workers?: { count: number; mode: string; backend: string | null; oversubscribed: boolean };
  failure?: { kind: string; phase: string; message: string };
}

const readResults = (file: string): { schemaVersion: number; scaling: { mode: string; workers: number[]; grows?: Record<string, string> }; cells: CellJson[] } =>
  JSON.parse(readFileSync(file, 'utf8'));

/**
 * A kernel of n values whose reference doubles them, with a serial variant and parallel ones on the
 * public pools: `pool` (processes) and `threaded` (worker_threads). FAULT, in a worker of rank 1
 * (so only p >= 2), on its third call: `kill` SIGKILLs its process, `throw` throws, `hang` loops.
 */
const KERNEL = `import { fileURLToPath } from 'node:url';
import { defineKernel, defineVariant, ProcessPool, ThreadPool, shardRows } from 'hotbench';
const self = fileURLToPath(import.meta.url);
const FAULT = process.env.SCALE_TEST_FAULT ?? '';
export const kernel = defineKernel({
  name: 'twice', description: 'doubles its input', grows: 'n',
  sizes: { tiny: { n: 64 }, small: { n: 256 } },
  generate: ({ n }, seed) => ({ static: {}, perCall: { x: Float64Array.from({ length: n }, (_, i) => i + seed % 7) } }),
  reference: ({ perCall: { x } }) => x.map((v) => 2 * v),
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: n, bytes: 16 * n }),
});
function fault(rank, calls) {
  if (rank !== 1 || calls !== 3) return;
  if (FAULT === 'kill') process.kill(process.pid, 'SIGKILL');
  if (FAULT === 'throw') throw new Error('worker blew up');
  if (FAULT === 'hang') for (;;) {}
}
export const poolHandler = (init, { rank }) => {
  let calls = 0;
  return (x) => { fault(rank, ++calls); return x.map((v) => 2 * v); };
};
export const threadStep = ({ input, output, shards }, { rank }) => {
  const { start, end } = shards[rank];
  let calls = 0;
  return () => { fault(rank, ++calls); for (let i = start; i < end; i++) output[i] = 2 * input[i]; };
};
export const naive = defineVariant({
  kernel: 'twice', name: 'naive', rung: 'naive', description: 'a map',
  prepare: () => ({ run: ({ x }) => x.map((v) => 2 * v) }),
});
export const pool = defineVariant({
  kernel: 'twice', name: 'pool', rung: 'processes', description: 'child processes', parallel: { backend: 'processes' },
  prepare: async (_s, { n }, { workers }) => {
    const shards = shardRows(n, workers);
    const p = await ProcessPool.start({ workers, module: self, exportName: 'poolHandler', init: () => null });
    const out = new Float64Array(n);
    return {
      run: async ({ x }) => {
        const parts = await p.call((rank) => x.slice(shards[rank].start, shards[rank].end));
        parts.forEach((part, rank) => out.set(part, shards[rank].start));
        return out;
      },
      dispose: () => p.close(),
    };
  },
});
export const threaded = defineVariant({
  kernel: 'twice', name: 'threaded', rung: 'threads', description: 'worker threads', parallel: { backend: 'threads' },
  prepare: async (_s, { n }, { workers }) => {
    const input = new Float64Array(new SharedArrayBuffer(8 * n));
    const output = new Float64Array(new SharedArrayBuffer(8 * n));
    const p = await ThreadPool.start({ workers, module: self, exportName: 'threadStep', data: () => ({ input, output, shards: shardRows(n, workers) }) });
    return {
      run: async ({ x }) => { input.set(x); await p.call(); return output; },
      dispose: () => p.close(),
    };
  },
});
`;

/** A kernel without a growing parameter, with one parallel variant. */
const FIXED = `import { defineKernel, defineVariant } from 'hotbench';
export const kernel = defineKernel({
  name: 'fixed', description: 'copies its input',
  sizes: { tiny: { n: 8 } },
  generate: ({ n }, seed) => ({ static: {}, perCall: { x: Float64Array.from({ length: n }, (_, i) => i * seed) } }),
  reference: ({ perCall: { x } }) => x.slice(),
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: 0, bytes: 16 * n }),
});
export const naive = defineVariant({ kernel: 'fixed', name: 'naive', rung: 'naive', description: 'slice', prepare: () => ({ run: ({ x }) => x.slice() }) });
export const par = defineVariant({ kernel: 'fixed', name: 'par', rung: 'threads', description: 'pretends', parallel: { backend: 'threads' }, prepare: () => ({ run: ({ x }) => x.slice() }) });
`;

function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-scale-'));
  mkdirSync(path.join(dir, 'kernels'));
  writeFileSync(path.join(dir, 'kernels', 'twice.mjs'), KERNEL);
  writeFileSync(path.join(dir, 'kernels', 'fixed.mjs'), FIXED);
  return dir;
}

beforeAll(() => {
  expect(existsSync(cli)).toBe(true); // built by `npm test`
});

describe('hotbench scale: bad input', () => {
  const oneLine = (r: { stderr: string }) => expect(r.stderr.trim().split('\n')).toHaveLength(1);
  it.each([
    [['scale', '--workers', '0'], /--workers needs whole numbers >= 1, got "0"/],
    [['scale', '--workers', 'two'], /--workers needs whole numbers >= 1, got "two"/],
    [['scale', '--workers', '1,2.5'], /--workers needs whole numbers >= 1, got "2.5"/],
    [['run', '--workers', ''], /--workers needs a list/],
    [['scale', '--mode', 'sideways'], /--mode must be strong or weak/],
    [['run', '--mode', 'weak'], /--mode, --oversubscribe and --cores need --workers/],
    [['scale', '--cores', '0'], /--cores needs a whole number >= 1, got "0"/],
    [['scale', '--kernel', 'kmeans', '--workers', `1,${cores + 1}`], new RegExp(`${cores + 1} workers is more than this machine's ${cores} cores: pass --oversubscribe`)],
    [['run', '--workers', '1,2', '--kernel', 'kmeans', '--variant', 'naive'], /the selection has no parallel variant to scale/],
    [['run', '--kernel', 'kmeans', '--variant', 'native-threads'], /is parallel: measure it with hotbench scale/],
    [['scale', '--shard', '1/2'], /--shard cannot split a scaling run/],
  ])('%j → exit 2, one line', (args, message) => {
    const r = hotbench(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    oneLine(r);
  });

  it('weak mode on a kernel without a growing parameter → exit 2, one line', () => {
    const dir = folder();
    const r = hotbench(['scale', '--kernels', 'kernels', '--kernel', 'fixed', '--mode', 'weak', '--workers', '1'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/weak scaling needs kernel fixed to name the size parameter that grows/);
    oneLine(r);
  });

  it('--help says what it does', () => {
    const r = hotbench(['scale', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--workers', '--mode strong|weak', '--oversubscribe', 'exit status']) expect(r.stdout).toContain(flag);
  });
});

describe('hotbench scale: runs', () => {
  it('weak mode grows n with p, the serial variant stays at the base size, the file is schema version 2', () => {
    const dir = folder();
    const out = path.join(dir, 'weak.json');
    const r = hotbench(['scale', '--kernels', 'kernels', '--kernel', 'twice', '--size', 'tiny', '--variant', 'naive,threaded', '--workers', '1,2', '--mode', 'weak', ...quick, '--out', out], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const results = readResults(out);
    expect(results.schemaVersion).toBe(2);
    expect(results.scaling).toMatchObject({ mode: 'weak', workers: [1, 2], grows: { twice: 'n' } });
    const n = Object.fromEntries(results.cells.map((c) => [`${c.variant} ${c.workers!.count}`, c.size.params.n]));
    expect(n).toEqual({ 'naive 1': 64, 'threaded 1': 64, 'threaded 2': 128 });
    expect(results.cells.find((c) => c.variant === 'naive')!.workers).toMatchObject({ backend: null, mode: 'weak' });
    expect(r.stdout).toMatch(/weak scaling \(n × p\)/);
    expect(r.stdout).toMatch(/backends side by side/);
    // report re-reads the file; a plain run's file (version 1) and this one analyse together.
    const again = hotbench(['report', out, '--format', 'md'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/## Parallel scaling/);
    expect(again.stdout).toMatch(/Gustafson/);
  });

  it('--oversubscribe measures p above the cores and every report marks it', () => {
    const dir = folder();
    const out = path.join(dir, 'over.json');
    const p = cores + 1;
    const r = hotbench(['scale', '--kernels', 'kernels', '--kernel', 'twice', '--size', 'tiny', '--variant', 'threaded', '--workers', `1,${p}`, '--oversubscribe', ...quick, '--out', out, '--report', path.join(dir, 'over.md'), '--report', path.join(dir, 'over.html')], dir);
    expect(r.code).toBe(0);
    const over = readResults(out).cells.find((c) => c.workers!.count === p)!;
    expect(over.workers!.oversubscribed).toBe(true);
    expect(r.stdout).toMatch(/OVERSUBSCRIBED/);
    expect(r.stdout).toMatch(new RegExp(`\\b${p}\\*`));
    expect(readFileSync(path.join(dir, 'over.md'), 'utf8')).toMatch(/OVERSUBSCRIBED/);
    expect(readFileSync(path.join(dir, 'over.html'), 'utf8')).toMatch(/OVERSUBSCRIBED/);
  });

  // Each fault hits rank 1's worker on its third call: validation's calls at p = 2. p = 1 and the
  // serial variant are unaffected.
  it.each([
    ['is killed', 'kill', 'pool', 'signal', /worker 2 of 2: process killed by SIGKILL/],
    ['throws', 'throw', 'pool', 'threw', /worker 2 of 2 threw: Error: worker blew up/],
    ['throws', 'throw', 'threaded', 'threw', /thread 2 of 2 threw: Error: worker blew up/],
    ['hangs', 'hang', 'pool', 'timeout', /timed out after 8000 ms/],
  ])('a worker that %s mid-call (%s, %s) fails that p as %s; the rest is kept; nothing is left running', (_what, fault, variant, kind, message) => {
    const dir = folder();
    const out = path.join(dir, 'fault.json');
    const r = spawnSync(process.execPath, [cli, 'scale', '--kernels', 'kernels', '--kernel', 'twice', '--size', 'tiny', '--variant', `naive,${variant}`, '--workers', '1,2', ...quick, '--timeout', '8000', '--out', out], {
      cwd: dir,
      env: { ...process.env, SCALE_TEST_FAULT: fault, [RUN_TAG]: `fault-${fault}-${variant}` },
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(1);
    const cells = readResults(out).cells;
    const at = (name: string, p: number) => cells.find((c) => c.variant === name && c.workers!.count === p)!;
    expect(at('naive', 1).validation.status).toBe('valid');
    expect(at(variant, 1).validation.status).toBe('valid');
    expect(at(variant, 1).stats!.medianNs).toBeGreaterThan(0);
    const failed = at(variant, 2);
    expect(failed.failure).toMatchObject({ kind, phase: 'validate' });
    expect(failed.failure!.message).toMatch(message);
    expect(failed.stats).toBeNull();
    expect(r.stdout).toMatch(new RegExp(`${variant}@js p=2: ${kind} while validated`));
    expect(survivors(`fault-${fault}-${variant}`)).toEqual([]);
  });
});
