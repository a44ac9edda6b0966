// The command line end to end, compiled, as a user runs it: exit codes, files written, one-line
// errors, and a user's kernel folder outside the repository (with a variant that is wrong).

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectEnvironment } from '../bench/env/environment.js';
import { constructedRoofline } from './helpers/roofline.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const quick = ['--rounds', '2', '--time', '20', '--warmup', '5', '--no-progress'];

function hotbench(args: string[], cwd = root, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user's study folder outside the repository: the example kernel plus a variant that is wrong. */
function userFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-user-'));
  cpSync(path.join(root, 'examples', 'my-kernels'), path.join(dir, 'kernels'), { recursive: true });
  writeFileSync(
    path.join(dir, 'kernels', 'broken.mjs'),
    `import { defineVariant } from 'hotbench';
export default defineVariant({
  kernel: 'horner', name: 'broken', rung: 'unrolled', description: 'forgets the constant term',
  prepare: ({ x }) => ({ run: ({ coefficients }) => x.map((xi) => coefficients.reduceRight((a, c, k) => (k === 0 ? a * xi : a * xi + c), 0)) }),
});
`,
  );
  writeFileSync(
    path.join(dir, 'kernels', 'elsewhere.mjs'),
    `import { defineVariant } from 'hotbench';
export default defineVariant({
  kernel: 'horner', name: 'quantum', rung: 'native', target: 'qpu', description: 'runs on hardware this machine lacks',
  available: () => 'this machine has no QPU',
  prepare: () => { throw new Error('must never be prepared'); },
});
`,
  );
  return dir;
}

beforeAll(() => {
  expect(readFileSync(cli, 'utf8')).toContain('hotbench'); // built by `npm test` (npm run build)
});

describe('hotbench CLI', () => {
  it('prints help for the tool and every command', () => {
    for (const command of [[], ['run'], ['report'], ['merge'], ['list'], ['validate'], ['targets'], ['profile'], ['compare'], ['gate'], ['roofline']]) {
      const r = hotbench([...command, '--help']);
      expect(r.code, command.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^usage: hotbench/);
    }
  });

  it('answers bad usage with one line and exit 2, never a stack trace', () => {
    const cases: string[][] = [
      ['frobnicate'],
      ['run', '--kernel', 'nope'],
      ['run', '--size', 'gigantic'],
      ['run', '--rounds', 'many'],
      ['run', '--bogus'],
      ['run', '--kernels', '/nonexistent/folder'],
      ['run', '--report', 'report.pdf'], // refused before anything is measured
      ['report'],
      ['report', '/nonexistent/results.json'],
      ['report', 'package.json'],
      ['roofline', '--bogus'],
      ['roofline', '--format', 'xml'],
    ];
    for (const args of cases) {
      const r = hotbench(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^hotbench: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('runs legval, writes a versioned results file, a Markdown and an HTML report, and re-reports from the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-run-'));
    const out = path.join(dir, 'r.json');
    const md = path.join(dir, 'r.md');
    const html = path.join(dir, 'index.html');
    const dispatchFile = path.join(dir, 'dispatch.json');
    const run = hotbench(['run', '--kernel', 'legval', '--size', 'tiny', ...quick, '--out', out, '--report', md, '--report', html, '--dispatch', dispatchFile]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/legval · tiny/);
    // As npm start writes reports/latest/dispatch.json: every valid variant, ranked, for this machine.
    const dispatch = JSON.parse(readFileSync(dispatchFile, 'utf8'));
    expect(dispatch.dispatchVersion).toBe(1);
    const ranked = dispatch.kernels[0].sizes[0].byMachine[collectEnvironment().fingerprint];
    expect(ranked.map((c: { rank: number }) => c.rank)).toEqual(ranked.map((_: unknown, i: number) => i + 1));
    // Every variant but the external ones (the Python peers, where Python is installed): production code cannot call those.
    const inProcess = JSON.parse(readFileSync(out, 'utf8')).cells.filter((c: { external?: unknown }) => !c.external);
    expect(ranked.length).toBe(new Set(inProcess.map((c: { variant: string; target: string }) => `${c.variant}@${c.target}`)).size);

    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.schemaVersion).toBe(1);
    for (const field of ['cpuModel', 'cpuFlags', 'x86Level', 'cores', 'memoryBytes', 'os', 'node', 'v8', 'gitCommit', 'loadAverage', 'harnessVersion']) {
      expect(results.environment).toHaveProperty(field);
    }
    const rungs = new Set(results.cells.filter((c: { external?: unknown }) => !c.external).map((c: { variant: string }) => c.variant));
    expect([...rungs].sort()).toEqual(['naive', 'native', 'precomputed', 'unrolled', 'wasm']);
    // The Python peers, where this machine has Python: external, on the python target.
    for (const cell of results.cells.filter((c: { external?: unknown }) => c.external)) expect(cell.target).toBe('python');
    for (const cell of results.cells) {
      expect(cell).toMatchObject({ kernel: 'legval', size: { name: 'tiny', params: { nseries: 7, nx: 33, deg: 3 } }, elements: 231 });
      expect(cell.validation.status).toBe('valid');
      expect(cell.rounds).toHaveLength(2);
      expect(cell.samples.length).toBe(cell.rounds[0].samples + cell.rounds[1].samples);
      expect(cell.stats.medianNs).toBeGreaterThan(0);
      expect(cell.stats.ciLowNs).toBeLessThanOrEqual(cell.stats.medianNs);
      expect(cell.nsPerElement).toBeCloseTo(cell.stats.medianNs / 231, 6);
      expect(cell.setupNs).toBeGreaterThan(0);
    }
    // The machine's roofline, from the cache (test/helpers/roofline-cache.ts put a constructed one there).
    expect(results.roofline).toEqual(constructedRoofline(collectEnvironment().fingerprint));
    expect(run.stderr).not.toMatch(/probing/);
    const report = readFileSync(md, 'utf8');
    expect(report).toContain('## legval');
    expect(report).toMatch(/speedup vs naive@js/);
    expect(report).toContain('## Rooflines');
    expect(report).toMatch(/### legval · tiny · roofline \(one core: peak 100 GFLOP\/s, bandwidth 20\.0 GB\/s/);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page.match(/<figure class="chart"[^>]*data-chart="speedup"[^>]*><svg/g)).toHaveLength(1); // one group: legval tiny
    expect(page).toContain('<caption>legval · tiny (nseries=7 nx=33 deg=3) · 231 values per call</caption>');

    const again = hotbench(['report', out, '--format', 'md']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('## legval');
    const json = hotbench(['report', out, '--format', 'json']);
    expect(JSON.parse(json.stdout).groups[0].variants.map((v: { rank: number }) => v.rank)).toEqual(results.cells.map((_: unknown, i: number) => i + 1));
  });

  it('runs a user kernel from a folder outside the repo; a wrong variant is invalid and never ranked', () => {
    const dir = userFolder();
    const out = path.join(dir, 'r.json');
    const r = hotbench(['run', '--kernels', path.join(dir, 'kernels'), '--kernel', 'horner', '--size', 'tiny', ...quick, '--out', out], dir);
    expect(r.code).toBe(1); // a variant was invalid: results are written all the same
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const byName = Object.fromEntries(results.cells.map((c: { variant: string }) => [c.variant, c]));
    expect(Object.keys(byName).sort()).toEqual(['broken', 'horner', 'naive']);
    // A build that cannot run here is skipped with its reason, not failed.
    expect(results.skipped).toEqual([{ kernel: 'horner', variant: 'quantum', target: 'qpu', reason: 'this machine has no QPU' }]);
    expect(r.stderr).toContain('skipped horner quantum@qpu: this machine has no QPU');
    // Cold start: load + prepare + first call, measured in the validating process.
    const cold = byName.horner.coldStart;
    expect(cold.totalNs).toBeCloseTo(cold.loadNs + cold.prepareNs + cold.firstCallNs, 0);
    expect(cold.firstCallNs).toBeGreaterThan(0);
    expect(byName.broken.validation.status).toBe('invalid');
    expect(byName.broken.validation.message).toMatch(/values outside tolerance/);
    expect(byName.broken.samples).toEqual([]); // never timed
    expect(byName.horner.validation.status).toBe('valid');
    expect(byName.naive.validation.status).toBe('valid');

    const report = hotbench(['report', out, '--format', 'json']);
    const variants = JSON.parse(report.stdout).groups[0].variants;
    const broken = variants.find((v: { variant: string }) => v.variant === 'broken');
    expect(broken).toMatchObject({ rank: null, verdict: 'invalid', speedup: null });
    expect(variants.find((v: { variant: string }) => v.variant === 'horner').speedup.ratio).toBeGreaterThan(1);
    const text = hotbench(['report', out]);
    expect(text.stdout).toContain('skipped horner quantum@qpu: this machine has no QPU');
    expect(text.stdout).toMatch(/Best speedup over the baseline, per target/);
  });

  it('finds kernels and settings through hotbench.config.json, and lists them', () => {
    const dir = userFolder();
    writeFileSync(path.join(dir, 'hotbench.config.json'), JSON.stringify({ kernels: ['./kernels'], measure: { rounds: 1, timeMs: 10, warmupMs: 1 } }));
    const list = hotbench(['list'], dir);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^horner — one polynomial/m);
    expect(list.stdout).toMatch(/variant broken@js/);
    expect(list.stdout).toMatch(/^legval — /m); // built-ins are still there
    // Sizes a kernel leaves out of the default matrix are marked, with the flag that brings them in.
    expect(list.stdout).toMatch(/^ {2}size desi-bundle +nspec=25 nwave=70 {2}\(opt-in: --size desi-bundle\)$/m);
    expect(list.stdout).toMatch(/^ {2}size small +nspec=3 nwave=30 {2}\(quick\)$/m);

    const out = path.join(dir, 'r.json');
    const run = hotbench(['run', '--kernel', 'horner', '--variant', 'naive,horner', '--size', 'tiny', '--no-progress', '--out', out], dir);
    expect(run.code).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.settings.rounds).toBe(1);
    expect(results.cells.every((c: { rounds: unknown[] }) => c.rounds.length === 1)).toBe(true);
  });

  it('rejects a malformed config with one line', () => {
    const dir = userFolder();
    writeFileSync(path.join(dir, 'hotbench.config.json'), '{"kernels": 3}');
    const r = hotbench(['list'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hotbench\.config\.json: kernels must be an array of folder paths/);
  });

  it('validates without timing and exits 1 when a variant is invalid', () => {
    const dir = userFolder();
    const ok = hotbench(['validate', '--kernel', 'legval', '--quick', '--no-progress']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/legval\s+small\s+unrolled@js\s+valid/);
    const bad = hotbench(['validate', '--kernels', path.join(dir, 'kernels'), '--kernel', 'horner', '--size', 'tiny', '--no-progress'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/horner\s+tiny\s+broken@js\s+invalid/);
  });

  it('lists this machine\'s builds, and skips the ones above a capped x86-64 level', () => {
    const all = JSON.parse(hotbench(['targets', '--json']).stdout);
    expect(all.targets.map((t: { build: string }) => t.build)).toEqual([
      'js', 'wasm@scalar', 'wasm@simd', 'native@x86-64', 'native@x86-64-v2', 'native@x86-64-v3', 'native@x86-64-v4', 'gpu@cuda',
    ]);
    expect(all.environment.x86Level).toMatch(/^x86-64/);

    const capped = { ...process.env, HOTBENCH_MAX_X86_LEVEL: 'x86-64-v2' };
    const text = hotbench(['targets'], root, capped);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/native@x86-64-v2\s+runnable/);
    expect(text.stdout).toMatch(/native@x86-64-v3\s+skipped: this CPU supports up to x86-64-v2 \(capped by HOTBENCH_MAX_X86_LEVEL\)/);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-cap-'));
    const out = path.join(dir, 'r.json');
    const run = hotbench(['run', '--kernel', 'legval', '--variant', 'native', '--size', 'tiny', ...quick, '--out', out], root, capped);
    expect(run.code).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.cells.map((c: { target: string }) => c.target).sort()).toEqual(['x86-64', 'x86-64-v2']);
    expect(results.skipped.map((s: { target: string }) => s.target)).toEqual(['x86-64-v3', 'x86-64-v4']);
    expect(results.environment.x86Level).toBe('x86-64-v2');

    const bad = hotbench(['targets'], root, { ...process.env, HOTBENCH_MAX_X86_LEVEL: 'v9' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('hotbench: HOTBENCH_MAX_X86_LEVEL=v9 is not one of x86-64, x86-64-v2, x86-64-v3, x86-64-v4\n');
  });

  it('names every variant with its target and measures each build\'s cold start', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-targets-'));
    const out = path.join(dir, 'r.json');
    const run = hotbench(['run', '--kernel', 'legval', '--variant', 'naive,wasm,native@x86-64', '--size', 'tiny', ...quick, '--no-roofline', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/roofline/);
    expect(run.stdout).toMatch(/wasm@simd/);
    expect(run.stdout).toMatch(/Best speedup over the baseline, per target/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const ids = results.cells.map((c: { variant: string; target: string }) => `${c.variant}@${c.target}`).sort();
    expect(ids).toEqual(['naive@js', 'native@x86-64', 'wasm@scalar', 'wasm@simd']);
    expect(results).not.toHaveProperty('roofline');
    for (const cell of results.cells) {
      expect(cell.validation.status).toBe('valid');
      expect(cell.coldStart.loadNs).toBeGreaterThan(0);
      expect(cell.coldStart.totalNs).toBeGreaterThanOrEqual(cell.coldStart.firstCallNs);
    }
  });
});
