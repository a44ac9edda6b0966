// The portable bundle (npm run bundle, scripts/bundle.ts) end to end: made from this build, it is
// under 60 MiB, carries no devDependency nor the profilers left out, and, unpacked into an empty
// folder, runs with a PATH that holds no node (a shell alone, and no other environment): targets,
// a quick run of a small matrix (its results file and report), report, and a user's TypeScript kernel.
// The test compresses at xz's fastest preset to keep its time down; npm run bundle uses preset 6
// (the contents are the same, only smaller).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cudaStatus } from '../native/cuda.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const name = `hotbench-${JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version}-linux-x64`;
let work: string;
let tarball: string;
let bundle: string;
/** A machine's bare environment: a folder with a shell on the PATH, and nothing else. */
let bare: NodeJS.ProcessEnv;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'hotbench-bundle-test-'));
  const made = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'bundle.js'), '--out', path.join(work, 'out'), '--level', '1'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  expect(made.status, made.stderr).toBe(0);
  expect(made.stdout).toMatch(new RegExp(`^bundle: .*${name}\\.tar\\.xz \\([\\d.]+ MiB; [\\d.]+ MiB unpacked\\): node ${process.version}, \\d+ npm packages, native x86-64 x86-64-v2 x86-64-v3 x86-64-v4, gpu@cuda `));
  tarball = path.join(work, 'out', `${name}.tar.xz`);
  const unpacked = path.join(work, 'empty');
  mkdirSync(unpacked);
  const untar = spawnSync('tar', ['-xJf', tarball, '-C', unpacked], { encoding: 'utf8' });
  expect(untar.status, untar.stderr).toBe(0);
  bundle = path.join(unpacked, name);
  const tools = path.join(work, 'tools');
  mkdirSync(tools);
  symlinkSync('/bin/sh', path.join(tools, 'sh'));
  bare = { PATH: tools, HOME: path.join(work, 'home') };
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function inBundle(args: string[]) {
  const r = spawnSync(path.join(bundle, 'hotbench'), args, { cwd: work, env: bare, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

describe('the portable bundle', () => {
  it('is one tarball of at most 60 MiB holding the launcher, node, the built harness and every native build', () => {
    expect(statSync(tarball).size).toBeLessThanOrEqual(60 * 2 ** 20);
    expect(readdirSync(path.dirname(tarball))).toEqual([`${name}.tar.xz`]);
    for (const file of ['hotbench', 'node/bin/node', 'BUNDLE.json', 'lib/hotbench/package.json', 'lib/hotbench/dist/bench/cli/main.js', 'lib/hotbench/dist/wasm/legval.simd.wasm', 'lib/hotbench/native/binding/hotbench_x86_64_v4.node']) {
      expect(existsSync(path.join(bundle, file)), file).toBe(true);
    }
    expect(statSync(path.join(bundle, 'hotbench')).mode & 0o111).toBe(0o111);
    // The CUDA addon goes in exactly when this checkout built it.
    expect(existsSync(path.join(bundle, 'lib/hotbench/native/binding/hotbench_cuda.node'))).toBe(existsSync(path.join(root, 'native/binding/hotbench_cuda.node')));
  });

  it('carries the runtime dependencies only: no devDependency, no profiler, no install-time package, no dev scripts or source maps', () => {
    const modules = path.join(bundle, 'lib', 'hotbench', 'node_modules');
    for (const pkg of ['typescript', 'vitest', 'assemblyscript', 'playwright-core', '@types/node', '0x', 'clinic', '@mapbox', 'node-addon-api']) expect(existsSync(path.join(modules, pkg)), pkg).toBe(false);
    for (const pkg of ['ajv', 'tinybench', 'tsx', 'esbuild', 'vega', 'vega-lite']) expect(existsSync(path.join(modules, pkg, 'package.json')), pkg).toBe(true);
    const record = JSON.parse(readFileSync(path.join(bundle, 'BUNDLE.json'), 'utf8'));
    expect(record).toMatchObject({ name, node: process.version, platform: 'linux-x64' });
    expect(record.packages.some((p: string) => /^(typescript|vitest|assemblyscript|playwright-core)@/.test(p))).toBe(false);
    expect(Object.keys(record.leftOut).sort()).toEqual(['0x', '@mapbox/node-pre-gyp', 'clinic', 'node-addon-api']);
    expect(existsSync(path.join(bundle, 'lib/hotbench/dist/scripts'))).toBe(false);
    const listing = spawnSync('tar', ['-tJf', tarball], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }).stdout;
    expect(listing).not.toMatch(/\.js\.map$/m);
  });

  it('runs where no node is on the PATH: targets, a quick matrix with its results file and report, and report', () => {
    expect(spawnSync('sh', ['-c', 'command -v node'], { env: bare }).status).not.toBe(0);

    const targets = inBundle(['targets', '--json']);
    expect(targets.error).toBeUndefined();
    expect(targets.code, targets.stderr).toBe(0);
    const machine = JSON.parse(targets.stdout);
    expect(machine.environment.node).toBe(process.version);
    expect(machine.targets.map((t: { build: string }) => t.build)).toContain('native@x86-64');

    const out = path.join(work, 'results.json');
    const run = inBundle(['run', '--kernel', 'legval,kmeans', '--size', 'tiny', '--variant', 'naive,unrolled,wasm@simd,native@x86-64,gpu', '--rounds', '1', '--time', '20', '--warmup', '5', '--no-progress', '--no-roofline', '--out', out, '--report', path.join(work, 'report.md')]);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const ids = results.cells.map((c: { kernel: string; variant: string; target: string }) => `${c.kernel} ${c.variant}@${c.target}`);
    for (const kernel of ['legval', 'kmeans']) {
      for (const id of ['naive@js', 'unrolled@js', 'wasm@simd', 'native@x86-64']) expect(ids).toContain(`${kernel} ${id}`);
    }
    for (const c of results.cells) expect(c.validation.status, `${c.kernel} ${c.variant}@${c.target}`).toBe('valid');
    const gpu = cudaStatus();
    if (gpu === true) expect(ids).toContain('legval gpu@cuda');
    else expect(results.skipped).toEqual(['legval', 'kmeans'].map((kernel) => ({ kernel, variant: 'gpu', target: 'cuda', reason: gpu })));
    expect(readFileSync(path.join(work, 'report.md'), 'utf8')).toContain('## legval');

    const report = inBundle(['report', out, '--format', 'md']);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('| legval | tiny | native |');
  });

  it('loads a user\'s TypeScript kernel folder (tsx and esbuild are in it)', () => {
    const kernels = path.join(bundle, 'lib', 'hotbench', 'examples', 'my-kernels');
    const r = inBundle(['validate', '--kernels', kernels, '--kernel', 'horner', '--size', 'tiny', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/horner\s+tiny\s+horner@js\s+valid/);
  });
});
