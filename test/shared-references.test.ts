// Shared references (bench/validate/shared-references.ts, bench/measure/reference-store.ts): the
// harness computes a cell's references once and its children read them, but only for the very
// inputs they drew themselves. End to end with the compiled CLI and user kernels whose reference
// leaves a mark in a file each time it runs, so that who computed what can be counted; and a kernel
// whose generate ignores its seed (Math.random) must still be checked against its own inputs. An
// external variant's exchange, prepared in the harness, reads the same file.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checksumInputs } from '../bench/validate/checksum.js';
import { recallReferences, saveReferences } from '../bench/validate/shared-references.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');

/** A kernel whose reference appends its pid to MARKS; `random` makes generate ignore the seed. */
function kernelModule(name: string, random: boolean): string {
  return `import { appendFileSync } from 'node:fs';
import { createRandom, defineKernel, defineVariant } from 'hotbench';

const draw = (n, seed) => {
  const r = createRandom(seed);
  return Float64Array.from({ length: n }, () => ${random ? 'Math.random()' : 'r.uniform(-1, 1)'});
};

export const kernel = defineKernel({
  name: '${name}', description: 'y = 3x + 1',
  sizes: { small: { n: 5000 } }, quickSizes: ['small'],
  generate: ({ n }, seed) => ({ static: {}, perCall: { x: draw(n, seed) } }),
  perCall: ({ n }, seed) => ({ x: draw(n, seed) }),
  reference: ({ perCall: { x } }) => {
    appendFileSync(process.env.MARKS, process.pid + '\\n');
    return x.map((v) => 3 * v + 1);
  },
  tolerance: { abs: 1e-15, rel: 1e-14, ulp: 2 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: 2 * n, bytes: 16 * n }),
});

export const naive = defineVariant({ kernel: '${name}', name: 'naive', rung: 'naive', description: 'map',
  prepare: () => ({ run: ({ x }) => x.map((v) => 3 * v + 1) }) });
export const loop = defineVariant({ kernel: '${name}', name: 'loop', rung: 'unrolled', description: 'a loop, output reused',
  prepare: (_s, { n }) => { const y = new Float64Array(n); return { run: ({ x }) => { for (let i = 0; i < n; i++) y[i] = 3 * x[i] + 1; return y; } }; } });
`;
}

/** A doubling kernel whose reference marks MARKS, a naive variant, and the external test peer. */
function doublerWithPeer(name: string): string {
  const peer = path.join(root, 'test', 'fixtures', 'external', 'double-peer.mjs');
  return `import { appendFileSync } from 'node:fs';
import { createRandom, defineExternalVariant, defineKernel, defineVariant } from 'hotbench';

const draw = (n, seed) => { const r = createRandom(seed); return Float64Array.from({ length: n }, () => r.uniform(-1, 1)); };
export const kernel = defineKernel({
  name: '${name}', description: 'y = 2x',
  sizes: { small: { n: 5000 } }, quickSizes: ['small'],
  generate: ({ n }, seed) => ({ static: {}, perCall: { x: draw(n, seed) } }),
  perCall: ({ n }, seed) => ({ x: draw(n, seed) }),
  reference: ({ perCall: { x } }) => { appendFileSync(process.env.MARKS, process.pid + '\\n'); return x.map((v) => 2 * v); },
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: n, bytes: 16 * n }),
});
export const naive = defineVariant({ kernel: '${name}', name: 'naive', rung: 'naive', description: 'map',
  prepare: () => ({ run: ({ x }) => x.map((v) => 2 * v) }) });
export const peer = defineExternalVariant({ kernel: '${name}', name: 'peer', rung: 'external', target: 'node', description: 'the test peer',
  program: { command: process.execPath, args: [${JSON.stringify(peer)}, 'ok'] } });
`;
}

function runKernel(name: string, random: boolean, module = kernelModule(name, random)) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'hotbench-shared-refs-'));
  const dir = path.join(work, 'kernels');
  mkdirSync(dir);
  writeFileSync(path.join(dir, `${name}.mjs`), module);
  const marks = path.join(work, 'marks.txt');
  const out = path.join(work, 'results.json');
  const r = spawnSync(process.execPath, [cli, 'run', '--kernels', dir, '--kernel', name, '--rounds', '3', '--time', '30', '--warmup', '10', '--no-progress', '--no-roofline', '--out', out], {
    cwd: work,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, MARKS: marks },
  });
  const pids = existsSync(marks) ? readFileSync(marks, 'utf8').trim().split('\n') : [];
  const results = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { cells: { variant: string; validation: { status: string }; rounds: unknown[] }[] }) : null;
  return { status: r.status, stderr: r.stderr, pids, results };
}

describe('shared references', () => {
  it('a file holds the references of the inputs it was computed for, and of no others', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'hotbench-shared-refs-'));
    const file = path.join(work, 'refs.v8');
    const statics = { grid: Float64Array.of(1, 2, 3) };
    const perCall = [{ x: Float64Array.of(4, 5) }, { x: Float64Array.of(6, 7) }];
    const sums = [checksumInputs('static', statics), ...perCall.map((p) => checksumInputs('perCall', p))];
    const expected = [Float64Array.of(1, 2), { icov: Float64Array.of(3), x: Float64Array.of(4) }];
    saveReferences(file, sums, expected);
    const recalled = recallReferences(file, sums);
    expect(recalled).toEqual(expected);
    expect(recalled![0]).toBeInstanceOf(Float64Array);

    const other = [sums[0], sums[1], checksumInputs('perCall', { x: Float64Array.of(6, 7.5) })];
    expect(recallReferences(file, other)).toBeNull();
    expect(recallReferences(file, sums.slice(0, 2))).toBeNull();
    expect(recallReferences(path.join(work, 'missing.v8'), sums)).toBeNull();
    writeFileSync(path.join(work, 'garbage.v8'), 'not a references file');
    expect(recallReferences(path.join(work, 'garbage.v8'), sums)).toBeNull();
  });

  it('the harness computes a cell\'s references once; no child computes them again', () => {
    const { status, stderr, pids, results } = runKernel('affine', false);
    expect(status, stderr).toBe(0);
    expect(results!.cells.map((c) => `${c.variant} ${c.validation.status} ${c.rounds.length}`).sort()).toEqual(['loop valid 3', 'naive valid 3']);
    // Two per-call inputs (A, B), each referenced once, in one process (the harness's).
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(1);
  }, 300_000);

  it('an external variant\'s exchange, prepared in the harness, reads the same references', () => {
    const { status, stderr, pids, results } = runKernel('twice', false, doublerWithPeer('twice'));
    expect(status, stderr).toBe(0);
    expect(results!.cells.map((c) => `${c.variant} ${c.validation.status} ${c.rounds.length}`).sort()).toEqual(['naive valid 3', 'peer valid 3']);
    // A and B once, in the harness: neither the child nor the external exchange computes them again.
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(1);
  }, 300_000);

  it('a kernel whose inputs do not follow the seed gets references of its own inputs in every child', () => {
    const { status, stderr, pids, results } = runKernel('noisy', true);
    expect(status, stderr).toBe(0);
    // Valid and measured: no child was checked against the harness's references of other inputs.
    expect(results!.cells.map((c) => `${c.variant} ${c.validation.status} ${c.rounds.length}`).sort()).toEqual(['loop valid 3', 'naive valid 3']);
    // The harness's pass, then every child (2 validations, 2 × 3 rounds) computing its own.
    expect(new Set(pids).size).toBe(1 + 2 + 2 * 3);
  }, 300_000);
});
