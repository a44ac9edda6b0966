// The GPU rung on a machine without a GPU (this one, and CI): the gpu@cuda variants exist for every
// kernel, are skipped with the reason this machine actually has (no toolkit at install, or no
// driver), in runs, results files and every report; the addon, where it was built, answers the
// missing driver with errors rather than crashes; the build script never fails an install for want
// of a toolkit; device-only times, where a results file has them, are shown beside the wall time.
// On a machine with a GPU the skip tests do not apply and the variants are validated instead.

import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze, deviceNsPerCall } from '../bench/analysis/analyze.js';
import { renderReport } from '../bench/report/render.js';
import { resultsProblem } from '../bench/results/schema.js';
import { variantId } from '../bench/spec/define.js';
import type { Cell } from '../bench/types.js';
import { validateVariant } from '../bench/validate/validate.js';
import ghspots from '../kernels/ghspots/index.js';
import kmeans from '../kernels/kmeans/index.js';
import legval from '../kernels/legval/index.js';
import { cudaBinaryPath, cudaBuildRecord, cudaStatus } from '../native/cuda.js';
import ghspotsGpu from '../variants/ghspots/gpu.js';
import kmeansGpu from '../variants/kmeans/gpu.js';
import legvalGpu from '../variants/legval/gpu.js';
import { cell, invalid as invalidValidation, results } from './helpers/results.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const quick = ['--rounds', '1', '--time', '20', '--warmup', '5', '--no-progress', '--no-roofline'];

function hotbench(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether this machine has an NVIDIA driver, seen without the addon: the library or the kernel module. */
function hasDriver(): boolean {
  const ldconfig = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  return existsSync('/proc/driver/nvidia/version') || (ldconfig.status === 0 && /\blibcuda\.so\.1\b/.test(ldconfig.stdout));
}

const built = existsSync(cudaBinaryPath);
const driver = hasDriver();
/** The reason this machine must give, known without asking the addon; null where a GPU may run it. */
const expectedReason: RegExp | null = !built
  ? new RegExp(`^not built: ${cudaBuildRecord()?.reason ? escapeRegExp(cudaBuildRecord()!.reason!) : '.*hotbench_cuda.node is missing'}`)
  : !driver
    ? /^no NVIDIA driver \(libcuda\.so\.1\) on this machine$/
    : null;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const gpuVariants = [legvalGpu, ghspotsGpu, kmeansGpu];

describe('gpu@cuda variants', () => {
  it('exist for legval, ghspots and kmeans as rung gpu, target cuda, available exactly when the addon can run', () => {
    expect(gpuVariants.map((v) => [v.kernel, variantId(v.name, v.target!), v.rung])).toEqual([
      ['legval', 'gpu@cuda', 'gpu'],
      ['ghspots', 'gpu@cuda', 'gpu'],
      ['kmeans', 'gpu@cuda', 'gpu'],
    ]);
    for (const v of gpuVariants) expect(v.available!()).toBe(cudaStatus());
  });

  it.runIf(expectedReason !== null)('are skipped here for the reason this machine has: not built, or no driver', () => {
    expect(cudaStatus()).toMatch(expectedReason!);
  });

  it.runIf(expectedReason !== null)('refuse to prepare with that reason, rather than crash', async () => {
    const params = legval.sizes.tiny;
    await expect(async () => legvalGpu.prepare(legval.generate(params, 1).static, params)).rejects.toThrow(/^gpu@cuda: /);
  });

  it.runIf(built && !driver)('the built addon loads without a driver and answers with errors, not crashes', async () => {
    const { createRequire } = await import('node:module');
    const addon = createRequire(import.meta.url)(cudaBinaryPath);
    expect(addon.devices()).toMatchObject({ runtimeVersion: expect.any(Number), driverVersion: 0, devices: [] });
    expect(() => new addon.Legval(new Float64Array(4), 2, 3)).toThrow(/cudaErrorInsufficientDriver|driver/);
    expect(() => new addon.Kmeans(new Float64Array(6), 3, 2, 2)).toThrow(/driver/);
    expect(() => addon.bandwidth(1024, 1)).toThrow(/driver/);
    expect(() => new addon.Legval(new Float32Array(4), 2, 3)).toThrow(/^new Legval\(x: Float64Array, nseries: number, deg: number\)$/);
    expect(() => new addon.Kmeans(new Float64Array(5), 3, 2, 2)).toThrow(/x must hold n \* d values/);
  });

  it.runIf(cudaStatus() === true)('are valid on the small cell and every edge case (a machine with a GPU)', async () => {
    for (const [kernel, variant] of [[legval, legvalGpu], [ghspots, ghspotsGpu], [kmeans, kmeansGpu]] as const) {
      const params = kernel.sizes.small;
      const validation = await validateVariant(kernel as never, variant as never, { name: 'cell', params, inputs: (kernel.generate as (p: unknown, s: number) => never)(params, 42) });
      expect(validation.message).toBeUndefined();
      expect(validation.status).toBe('valid');
    }
  });
});

describe.runIf(expectedReason !== null)('a run without a GPU', () => {
  it('lists gpu@cuda as skipped, with the reason, in the terminal, the results file and the Markdown and HTML reports', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-gpu-'));
    const out = path.join(dir, 'r.json');
    const r = hotbench(['run', '--kernel', 'legval,ghspots,kmeans', '--variant', 'naive,gpu', '--size', 'tiny', ...quick, '--out', out, '--report', path.join(dir, 'r.md'), '--report', path.join(dir, 'r.html')]);
    expect(r.code, r.stderr).toBe(0);
    const reason = cudaStatus() as string;
    for (const kernel of ['legval', 'ghspots', 'kmeans']) expect(r.stdout).toContain(`skipped ${kernel} gpu@cuda: ${reason}`);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.skipped).toEqual(['legval', 'ghspots', 'kmeans'].map((kernel) => ({ kernel, variant: 'gpu', target: 'cuda', reason })));
    expect(written.cells.map((c: Cell) => variantId(c.variant, c.target))).toEqual(['naive@js', 'naive@js', 'naive@js']);
    expect(readFileSync(path.join(dir, 'r.md'), 'utf8')).toContain(`- skipped legval gpu@cuda: ${reason}`);
    expect(readFileSync(path.join(dir, 'r.html'), 'utf8')).toContain(`skipped kmeans gpu@cuda: ${reason}`);
    // Reports re-analysed from the file say the same.
    expect(hotbench(['report', out]).stdout).toContain(`skipped ghspots gpu@cuda: ${reason}`);
  });

  it('hotbench targets says there is no usable GPU and why, in text and JSON', () => {
    const reason = cudaStatus() as string;
    const text = hotbench(['targets']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`gpu          none: ${reason}\n`);
    expect(text.stdout).toMatch(new RegExp(`\\n  gpu@cuda +skipped: ${escapeRegExp(reason)}\\n`));
    const json = JSON.parse(hotbench(['targets', '--json', '--bandwidth']).stdout);
    expect(json.gpu).toMatchObject({ status: reason, devices: [] });
    expect(json.targets.at(-1)).toEqual({ build: 'gpu@cuda', status: reason });
    expect(json.bandwidth).toEqual({ skipped: `not measured: ${reason}` });
  });
});

describe('device-only times in reports', () => {
  const withDevice = (perRound: (number | undefined)[]): Cell => {
    const base = cell('gpu', 5000, { rung: 'gpu', target: 'cuda' }, 3, { rounds: perRound.length, perRound: 20, noise: 0.01 });
    return { ...base, rounds: base.rounds.map((r, i) => (perRound[i] === undefined ? r : { ...r, deviceNsPerCall: perRound[i] })) };
  };

  it('is the median over the rounds that recorded one, and null for a cell that has none', () => {
    expect(deviceNsPerCall(withDevice([1000, 1300, 1100]))).toBe(1100);
    expect(deviceNsPerCall(withDevice([1000, undefined, 1200]))).toBe(1100);
    expect(deviceNsPerCall(cell('naive', 9000))).toBeNull();
  });

  it('is a column beside the wall time only in groups that have one, with its legend, in every format', async () => {
    const file = results([cell('naive', 9000), withDevice([1000, 1300, 1100])]);
    expect(resultsProblem(JSON.parse(JSON.stringify(file)))).toBeNull();
    const analysis = analyze([{ source: 'r.json', results: file }]);
    const terminal = await renderReport(analysis, 'terminal');
    expect(terminal).toMatch(/median\/call +CI( [0-9.]+%)? +device-only +ns\/value/);
    expect(terminal).toMatch(/gpu@cuda +[45]\.\d\d µs +±[\d.]+% +1\.10 µs/);
    expect(terminal).toMatch(/naive@js +(8\.9\d|9\.\d\d) µs +±[\d.]+% +– /);
    expect(terminal).toContain('device-only: a GPU rung\'s kernels per call');
    expect(await renderReport(analysis, 'md')).toMatch(/\| device-only \|[^\n]*\n[^\n]*\n(?:[^\n]*\n)*\| 1 \| gpu@cuda \| [45]\.\d\d µs \| ±[\d.]+% \| 1\.10 µs \|/);
    expect(await renderReport(analysis, 'md')).toContain('- device-only: a GPU rung\'s time in its kernels per call (CUDA events)');
    expect(await renderReport(analysis, 'html')).toContain('<th class="num">device-only</th>');

    const plain = await renderReport(analyze([{ source: 'r.json', results: results([cell('naive', 9000), cell('unrolled', 3000)]) }]), 'terminal');
    expect(plain).not.toContain('device-only');
  });

  it('is checked by the results file\'s schema: a number or absent', () => {
    const file = JSON.parse(JSON.stringify(results([withDevice([1000])])));
    file.cells[0].rounds[0].deviceNsPerCall = 'fast';
    expect(resultsProblem(file)).toMatch(/\/cells\/0\/rounds\/0\/deviceNsPerCall: must be number/);
  });
});

describe('scripts/build-cuda.mjs', () => {
  /** A copy of what the script needs, so that its outcome is recorded there and not in this checkout. */
  function checkout(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-build-cuda-'));
    mkdirSync(path.join(dir, 'scripts'));
    cpSync(path.join(root, 'scripts', 'build-cuda.mjs'), path.join(dir, 'scripts', 'build-cuda.mjs'));
    cpSync(path.join(root, 'native', 'cuda'), path.join(dir, 'native', 'cuda'), { recursive: true, filter: (f) => !f.includes(`${path.sep}build`) });
    return dir;
  }
  const build = (dir: string, env: NodeJS.ProcessEnv, args: string[] = ['--optional']) =>
    spawnSync(process.execPath, [path.join(dir, 'scripts', 'build-cuda.mjs'), ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  const record = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'native', 'binding', 'hotbench_cuda.json'), 'utf8'));

  it('without a toolkit: one line, exit 0, and the reason recorded for the variants to give', () => {
    const dir = checkout();
    const empty = mkdtempSync(path.join(os.tmpdir(), 'hotbench-no-cuda-'));
    const r = build(dir, { CUDA_HOME: empty });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`build-cuda: the gpu@cuda rung is not built: $CUDA_HOME is ${empty}, but ${empty}/bin/nvcc does not exist\n`);
    expect(record(dir)).toMatchObject({ built: false, reason: `$CUDA_HOME is ${empty}, but ${empty}/bin/nvcc does not exist` });
    const skipped = build(dir, { HOTBENCH_SKIP_CUDA: '1' });
    expect(skipped.status).toBe(0);
    expect(record(dir).reason).toBe('HOTBENCH_SKIP_CUDA=1 was set when hotbench was installed');
  });

  it('with a toolkit that fails: exit 0 under npm install (--optional), exit 1 when asked to build', () => {
    const dir = checkout();
    const toolkit = mkdtempSync(path.join(os.tmpdir(), 'hotbench-bad-cuda-'));
    mkdirSync(path.join(toolkit, 'bin'));
    mkdirSync(path.join(toolkit, 'include'));
    mkdirSync(path.join(toolkit, 'lib64'));
    writeFileSync(path.join(toolkit, 'include', 'cuda_runtime.h'), '');
    writeFileSync(path.join(toolkit, 'lib64', 'libcudart_static.a'), '');
    writeFileSync(path.join(toolkit, 'bin', 'nvcc'), '#!/bin/sh\necho "nvcc: broken" >&2\nexit 1\n');
    chmodSync(path.join(toolkit, 'bin', 'nvcc'), 0o755);
    const optional = build(dir, { CUDA_HOME: toolkit });
    expect(optional.status).toBe(0);
    expect(optional.stderr).toMatch(/^build-cuda: .*nvcc --version failed: nvcc: broken \(the gpu@cuda rung is skipped; npm run build:cuda to retry\)\n$/);
    expect(record(dir)).toMatchObject({ built: false, reason: expect.stringContaining('nvcc --version failed') });
    const asked = build(dir, { CUDA_HOME: toolkit }, []);
    expect(asked.status).toBe(1);
    expect(existsSync(path.join(dir, 'native', 'binding', 'hotbench_cuda.node'))).toBe(false);
  });
});

describe('scripts/gpu-check-summary.mjs (the GPU check\'s verdict)', () => {
  const summary = (resultsFile: object, targetsFile: object) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-gpu-summary-'));
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify(resultsFile));
    writeFileSync(path.join(dir, 't.json'), JSON.stringify(targetsFile));
    return spawnSync(process.execPath, [path.join(root, 'scripts', 'gpu-check-summary.mjs'), path.join(dir, 'r.json'), path.join(dir, 't.json')], { encoding: 'utf8' });
  };
  const gb = 1e9;
  const targetsFile = {
    gpu: { status: true, devices: [{ name: 'NVIDIA H200', memoryBytes: 141e9, computeCapability: '9.0' }], driver: '580.95.05', driverCuda: '13.0' },
    bandwidth: { hostToDevicePinned: 50 * gb, deviceToHostPinned: 50 * gb, hostToDevicePageable: 20 * gb, deviceToHostPageable: 20 * gb, deviceToDevice: 4000 * gb },
  };
  /** A gpu@cuda cell of legval at desi size whose calls took `wallNs`, `deviceNs` of it in the kernels. */
  const legvalDesi = (wallNs: number, deviceNs: number, overrides: Partial<Cell> = {}): Cell => {
    const base = cell('gpu', wallNs, { kernel: 'legval', rung: 'gpu', target: 'cuda', size: { name: 'desi', params: { nseries: 1425, nx: 2326, deg: 3 } }, ...overrides }, 4, { rounds: 3, perRound: 20, noise: 0.001 });
    return { ...base, rounds: base.rounds.map((r) => ({ ...r, deviceNsPerCall: deviceNs })) };
  };
  // legval desi moves 45.6 kB up and 26.5 MB down: 0.531 ms at 50 GB/s.
  const floorNs = ((8 * 1425 * 4) / (50 * gb) + (8 * 1425 * 2326) / (50 * gb)) * 1e9;

  it('judges device-only against CuPy (1.5x) and the call against the link (1.2x): OK, and MISS when beyond', () => {
    const ok = summary(results([legvalDesi(1.1 * floorNs, 40_000)]), targetsFile);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/legval desi +valid .*device OK \(<= 1\.5x CuPy\); transfers OK \(<= 1\.2x link\)/);
    expect(ok.stdout).toContain('link: host->device pinned 50.0 GB/s');
    const slow = summary(results([legvalDesi(1.5 * floorNs, 80_000)]), targetsFile);
    expect(slow.status).toBe(0); // a missed target is the finding, not an error
    expect(slow.stdout).toMatch(/device MISS \(> 1\.5x CuPy\); transfers MISS \(> 1\.2x link\)/);
  });

  it('fails when a gpu@cuda cell is skipped, invalid, or missing', () => {
    const skipped = { ...results([]), skipped: [{ kernel: 'legval', variant: 'gpu', target: 'cuda', reason: 'no NVIDIA driver' }] };
    const r = summary(skipped, targetsFile);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('SKIPPED legval gpu@cuda: no NVIDIA driver');
    const wrong = summary(results([legvalDesi(floorNs, 40_000, { validation: { ...invalidValidation }, stats: null })]), targetsFile);
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toMatch(/legval desi +INVALID/);
    expect(wrong.stdout).toContain('gpu-check: FAILED');
  });
});
