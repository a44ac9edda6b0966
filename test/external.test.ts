// External variants end to end with the compiled CLI, through a tiny external program that is not
// Python (test/fixtures/external/double-peer.mjs, plain Node): a right one is validated and measured
// with the harness's own checks (its samples, rounds and last output recorded like any variant's),
// and every way a program can misbehave (garbage reply, death, a signal, a hang, wrong output in
// validation or only while timed, inputs changed, a raised error, samples too short for its clock)
// fails its own cell with the child's failure kinds. The wire format is checked bit for bit. The
// Python peers are checked where Python, numpy and numba are installed, and skipped with the reason
// where they are not. No timing is asserted.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, ProtocolError } from '../bench/external/wire.js';
import { findPython } from '../bench/external/python.js';
import { analyze } from '../bench/analysis/analyze.js';
import { renderMarkdown } from '../bench/report/markdown.js';
import { renderTerminal } from '../bench/report/terminal.js';
import { EXTERNAL_PROTOCOL, type Cell } from '../bench/types.js';
import { cell, results } from './helpers/results.js';
import { planCells } from '../bench/measure/plan.js';
import { defineKernel, defineVariant } from '../bench/spec/define.js';
import { defineExternalVariant } from '../bench/spec/external.js';
import type { Registry } from '../bench/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const peerScript = path.join(root, 'test', 'fixtures', 'external', 'double-peer.mjs');
const quick = ['--rounds', '2', '--time', '20', '--warmup', '5', '--no-progress'];

function hotbench(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const KERNEL = `import { defineKernel, defineVariant, defineExternalVariant } from 'hotbench';
export const kernel = defineKernel({
  name: 'doubler', description: 'doubles its input',
  sizes: { tiny: { n: 8 }, small: { n: 64 } },
  generate: ({ n }, seed) => ({ static: {}, perCall: { x: Float64Array.from({ length: n }, (_, i) => i + 1 + seed) } }),
  perCall: ({ n }, seed) => ({ x: Float64Array.from({ length: n }, (_, i) => i * 3 + seed) }),
  reference: ({ perCall: { x } }) => x.map((v) => 2 * v),
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: n, bytes: 16 * n }),
});
export const naive = defineVariant({
  kernel: 'doubler', name: 'naive', rung: 'naive', description: 'in JavaScript',
  prepare: () => ({ run: ({ x }) => x.map((v) => v + v) }),
});
const peer = (mode, extra = {}) => defineExternalVariant({
  kernel: 'doubler', name: mode, rung: 'external', target: 'node', description: 'the test peer, ' + mode, peer: true,
  program: { command: process.execPath, args: [${JSON.stringify(peerScript)}, mode] }, ...extra,
});
export const peers = [${['ok', 'garbage', 'die', 'segv', 'hang', 'wrong', 'wrong-timed', 'mutate', 'threw', 'unbatched'].map((m) => `peer('${m}')`).join(', ')}];
export const small = peer('ok-small', { sizes: ['small'], program: { command: process.execPath, args: [${JSON.stringify(peerScript)}, 'ok'] } });
export const missing = defineExternalVariant({
  kernel: 'doubler', name: 'missing', rung: 'external', target: 'c', description: 'a program that is not installed',
  program: { command: 'hotbench-no-such-program' },
});
`;

interface CellJson {
  variant: string;
  target: string;
  rung: string;
  size: { name: string };
  validation: { status: string; message?: string; cases: { calls?: number; inputs?: number }[] };
  stats: { medianNs: number } | null;
  samples: number[];
  rounds: { batch: number; samples: number; inputs?: number; timer: { overheadNs: number } }[];
  failure?: { kind: string; phase: string; message: string; signal?: string; exitCode?: number };
  external?: { protocol: string; peer: boolean; command: string[]; runtime: Record<string, string> };
}

function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-external-test-'));
  mkdirSync(path.join(dir, 'kernels'));
  writeFileSync(path.join(dir, 'kernels', 'doubler.mjs'), KERNEL);
  return dir;
}

beforeAll(() => {
  expect(existsSync(cli)).toBe(true); // built by `npm test`
});

describe('the wire format', () => {
  it('carries typed arrays bit for bit, numbers in the manifest and objects of them', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-wire-'));
    const value = { x: Float64Array.of(1.5, -0, NaN, Number.MIN_VALUE), labels: Int32Array.of(-1, 7), inertia: 2.25, nested: { y: Uint8Array.of(255) } };
    const wire = encodeValue(value, 'v', dir);
    expect(wire).toMatchObject({ kind: 'object', fields: { x: { kind: 'array', dtype: 'f64', shape: [4], file: 'v.x.f64' }, inertia: 2.25 } });
    expect(readFileSync(path.join(dir, 'v.x.f64')).byteLength).toBe(32);
    const back = decodeValue(JSON.parse(JSON.stringify(wire)), dir, 'v') as typeof value;
    expect(Object.is(back.x[1], -0)).toBe(true);
    expect(Array.from(back.x)).toEqual([1.5, -0, NaN, Number.MIN_VALUE]);
    expect(back.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(back.labels)).toEqual([-1, 7]);
    expect(Array.from(back.nested.y)).toEqual([255]);
  });

  it('refuses a malformed descriptor with what is wrong', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-wire-'));
    writeFileSync(path.join(dir, 'a.f64'), Buffer.alloc(12));
    expect(() => decodeValue({ kind: 'array', dtype: 'f64', shape: [2], file: 'a.f64' }, dir, 'out')).toThrow(/holds 12 bytes.*needs 16/);
    expect(() => decodeValue({ kind: 'array', dtype: 'f128', shape: [1], file: 'a.f64' }, dir, 'out')).toThrow(ProtocolError);
    expect(() => decodeValue({ kind: 'array', dtype: 'f64', shape: [1], file: '../etc/passwd' }, dir, 'out')).toThrow(/plain file name/);
    expect(() => decodeValue('text', dir, 'out')).toThrow(ProtocolError);
  });
});

describe('the ladder against its peers, in analysis and reports', () => {
  const external = (peer: boolean): Partial<Cell> => ({ external: { protocol: EXTERNAL_PROTOCOL, peer, command: ['python3'], env: {}, runtime: {} } });

  it('holds the fastest own rung against the fastest peer, peer time over ours, round by round', () => {
    const analysis = analyze([
      {
        source: 'r.json',
        results: results([
          cell('naive', 9000),
          cell('native', 1000),
          cell('numpy', 3000, { ...external(true), target: 'python' }),
          cell('numba', 5000, { ...external(true), target: 'python' }),
          // An external variant that is not a peer (a user's C program) is neither side.
          cell('c', 500, { ...external(false), target: 'cc' }),
        ]),
      },
    ]);
    const peers = analysis.groups[0].peers!;
    expect(peers).toMatchObject({ best: 'native@js', bestPeer: 'numpy@python', verdict: 'faster' });
    expect(peers.ratio.ratio).toBeGreaterThan(2.8);
    expect(peers.ratio.ratio).toBeLessThan(3.2);
    expect(peers.ratio.ciLow).toBeLessThanOrEqual(peers.ratio.ratio);
    expect(analysis.groups[0].variants.find((v) => v.variant === 'numpy')!.external).toEqual({ peer: true });
    expect(renderTerminal(analysis)).toMatch(/best hotbench rung against the best peer: native@js vs numpy@python: 3\.\d\dx \[[\d.]+, [\d.]+\] \(93\.75% CI over rounds\), peer time \/ hotbench time, hotbench faster/);
    expect(renderMarkdown(analysis)).toMatch(/best hotbench rung against the best peer: native@js vs numpy@python/);
  });

  it('says the peer is faster when it is, and gives no line without a ranked peer', () => {
    const slower = analyze([{ source: 'r.json', results: results([cell('naive', 9000), cell('numpy', 3000, { ...external(true), target: 'python' })]) }]);
    expect(slower.groups[0].peers).toMatchObject({ best: 'naive@js', bestPeer: 'numpy@python', verdict: 'slower' });
    expect(slower.groups[0].peers!.ratio.ratio).toBeLessThan(0.4);
    const none = analyze([{ source: 'r.json', results: results([cell('naive', 9000), cell('numpy', null, { ...external(true), target: 'python', validation: { status: 'failed', maxAbsError: NaN, maxRelError: NaN, maxUlp: NaN, cases: [] } })]) }]);
    expect(none.groups[0].peers).toBeUndefined();
    expect(renderTerminal(none)).not.toMatch(/best peer/);
  });
});

describe('planning external variants', () => {
  const kernel = defineKernel({
    name: 'doubler',
    description: 'doubles',
    sizes: { tiny: { n: 4 }, small: { n: 8 } },
    generate: ({ n }) => ({ static: {}, perCall: { x: new Float64Array(n) } }),
    reference: ({ perCall: { x } }: { perCall: { x: Float64Array } }) => x.map((v) => 2 * v),
    tolerance: { abs: 0, rel: 0, ulp: 0 },
    elements: ({ n }) => n,
    work: ({ n }) => ({ flops: n, bytes: 16 * n }),
  });
  const naive = defineVariant({ kernel: 'doubler', name: 'naive', rung: 'naive', description: 'js', prepare: () => ({ run: () => new Float64Array(0) }) });
  const peer = defineExternalVariant({ kernel: 'doubler', name: 'ok', rung: 'external', target: 'node', description: 'a program', sizes: ['small'], program: { command: process.execPath } });
  const located = <D>(definition: D) => ({ definition, ref: { file: 'none', exportName: 'none' }, builtIn: false });
  const registry = { kernels: new Map([['doubler', located(kernel)]]), variants: new Map([['doubler', [located(naive), located(peer)]]]) } as unknown as Registry;
  const ids = (plan: ReturnType<typeof planCells>) => plan.cells.map((c) => `${c.size}: ${c.variants.map((v) => v.definition.name).join(' ')}`);

  it('measures a variant at its own sizes only, and the gate leaves external variants out unless named', () => {
    expect(ids(planCells(registry, {}))).toEqual(['tiny: naive', 'small: naive ok']);
    expect(planCells(registry, {}).skipped).toEqual([expect.objectContaining({ variant: 'ok', size: 'tiny' })]);
    expect(ids(planCells(registry, {}, true, { external: false }))).toEqual(['tiny: naive', 'small: naive']);
    expect(ids(planCells(registry, { variants: ['ok@node'], sizes: ['small'] }, true, { external: false }))).toEqual(['small: ok']);
  });
});

describe('external variants end to end (a Node program, no Python)', () => {
  it('validates and measures a right program; classifies every misbehaving one; skips what cannot run', () => {
    const dir = folder();
    const out = path.join(dir, 'r.json');
    const r = hotbench(['run', '--kernels', 'kernels', '--kernel', 'doubler', '--size', 'tiny,small', ...quick, '--timeout', '8000', '--out', out], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const cells: CellJson[] = results.cells;
    const at = (size: string) => Object.fromEntries(cells.filter((c) => c.size.name === size).map((c) => [c.variant, c]));
    const tiny = at('tiny');

    const ok = tiny.ok;
    expect(ok.validation.status).toBe('valid');
    expect(ok.validation.cases[0]).toMatchObject({ calls: 3, inputs: 2 });
    expect(ok.failure).toBeUndefined();
    expect(ok.rounds).toHaveLength(2);
    expect(ok.stats!.medianNs).toBeGreaterThan(0);
    expect(ok.samples.length).toBe(ok.rounds.reduce((n, round) => n + round.samples, 0));
    for (const round of ok.rounds) {
      expect(round.inputs).toBe(2);
      expect(round.batch).toBeGreaterThanOrEqual(1);
      expect(round.timer.overheadNs).toBe(50);
    }
    expect(ok.external).toMatchObject({ protocol: 'hotbench-external/1', peer: true, command: [process.execPath, peerScript, 'ok'], runtime: { node: process.version } });
    expect(tiny.naive.external).toBeUndefined();
    // Every report gives the cell's ladder against its best peer.
    expect(r.stdout).toMatch(/best hotbench rung against the best peer: naive@js vs [a-z-]+@node: [0-9.]+x \[/);

    const expected: Record<string, { kind: string; phase: string; message: RegExp }> = {
      garbage: { kind: 'crashed', phase: 'validate', message: /protocol error: reply.json is not JSON/ },
      die: { kind: 'crashed', phase: 'validate', message: /external program exited with code 3: double-peer: giving up/ },
      segv: { kind: 'crashed', phase: 'validate', message: /killed by SIGSEGV/ },
      hang: { kind: 'timeout', phase: 'validate', message: /timed out after 8000 ms/ },
      wrong: { kind: 'wrong-output', phase: 'validate', message: /values outside tolerance/ },
      'wrong-timed': { kind: 'wrong-output', phase: 'measure', message: /round 1: the last timed call's output is wrong/ },
      mutate: { kind: 'mutated-input', phase: 'validate', message: /changed its input perCall.x/ },
      threw: { kind: 'threw', phase: 'validate', message: /variant threw double-peer raised/ },
      unbatched: { kind: 'crashed', phase: 'measure', message: /protocol error: the median sample .* is shorter than 100 readings/ },
    };
    for (const [name, want] of Object.entries(expected)) {
      const c = tiny[name];
      expect(c.failure, name).toMatchObject({ kind: want.kind, phase: want.phase });
      expect(c.failure!.message, name).toMatch(want.message);
      expect(c.stats, name).toBeNull();
    }
    expect(tiny.segv.failure!.signal).toBe('SIGSEGV');
    expect(tiny['wrong-timed'].validation.status).toBe('invalid');

    // Measured at its own sizes only; skipped elsewhere with the reason; a missing program is a skip.
    expect(tiny['ok-small']).toBeUndefined();
    expect(at('small')['ok-small'].validation.status).toBe('valid');
    expect(results.skipped).toContainEqual(expect.objectContaining({ variant: 'ok-small', size: 'tiny', reason: expect.stringMatching(/measured at small only/) }));
    expect(results.skipped).toContainEqual(expect.objectContaining({ variant: 'missing', reason: expect.stringMatching(/hotbench-no-such-program is not installed/) }));
  });
});

// The example's small C program (examples/external/legval.c), compiled here: skipped without a compiler.
const cc = spawnSync('cc', ['--version'], { encoding: 'utf8' });
const ccWhy = cc.status === 0 ? null : 'no C compiler (cc) on the PATH';

describe.skipIf(ccWhy !== null)(`a compiled C program as an external variant${ccWhy ? ` (skipped: ${ccWhy})` : ''}`, () => {
  it('validates and measures legval through examples/external/legval.c', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-external-c-'));
    mkdirSync(path.join(dir, 'kernels'));
    const source = readFileSync(path.join(root, 'examples', 'external', 'legval.c'), 'utf8');
    writeFileSync(path.join(dir, 'legval.c'), source);
    const built = spawnSync('cc', ['-O2', '-o', path.join(dir, 'kernels', 'legval-c'), path.join(dir, 'legval.c'), '-lm'], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    writeFileSync(
      path.join(dir, 'kernels', 'c.mjs'),
      `import { defineExternalVariant } from 'hotbench';
export const c = defineExternalVariant({ kernel: 'legval', name: 'c', rung: 'c', target: 'cc', description: 'legval.c', peer: true,
  program: { command: ${JSON.stringify(path.join(dir, 'kernels', 'legval-c'))} } });`,
    );
    const out = path.join(dir, 'r.json');
    const r = hotbench(['run', '--kernels', 'kernels', '--kernel', 'legval', '--size', 'tiny', '--variant', 'c@cc,unrolled', ...quick, '--no-roofline', '--out', out], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const cell = (JSON.parse(readFileSync(out, 'utf8')).cells as CellJson[]).find((x) => x.variant === 'c')!;
    expect(cell.validation.status).toBe('valid');
    expect(cell.validation.cases.length).toBeGreaterThan(1); // the cell and legval's edge cases
    expect(cell.rounds).toHaveLength(2);
    expect(cell.stats!.medianNs).toBeGreaterThan(0);
    expect(cell.external!.runtime.compiler).toEqual(expect.any(String));
  });
});

// The shipped Python peers, where this machine has what they need.
const python = findPython();
const pythonWhy = typeof python === 'string' ? python : !python.modules.numpy ? `${python.executable} has no numpy` : !python.modules.numba ? `${python.executable} has no numba` : null;

describe.skipIf(pythonWhy !== null)(`the Python peers${pythonWhy ? ` (skipped: ${pythonWhy})` : ''}`, () => {
  it('every peer is valid at tiny; a measured one records its interpreter, versions and one thread', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-peers-test-'));
    const v = hotbench(['validate', '--kernel', 'legval,ghspots,kmeans', '--size', 'tiny', '--variant', 'numpy@python,numba@python,numpy-scalar@python,numpy-series@python,sklearn@python', '--no-progress'], dir);
    expect(v.stderr).not.toMatch(/internal error/);
    const rows = v.stdout.split('\n').filter((line) => line.includes('@python'));
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) expect(row).toMatch(/ valid /);
    expect(v.code).toBe(0);

    const out = path.join(dir, 'r.json');
    const r = hotbench(['run', '--kernel', 'legval', '--size', 'tiny', '--variant', 'numba@python,naive', '--rounds', '1', '--time', '10', '--warmup', '5', '--no-progress', '--no-roofline', '--out', out], dir);
    expect(r.code).toBe(0);
    const cell = (JSON.parse(readFileSync(out, 'utf8')).cells as CellJson[]).find((c) => c.variant === 'numba')!;
    expect(cell.rung).toBe('numba');
    expect(cell.stats!.medianNs).toBeGreaterThan(0);
    expect(cell.external!.runtime).toMatchObject({ numba: expect.any(String), numpy: expect.any(String), OPENBLAS_NUM_THREADS: '1', NUMBA_NUM_THREADS: '1' });
    // The report holds the ladder against its best peer.
    expect(r.stdout).toMatch(/best hotbench rung against the best peer/);
  });
});
