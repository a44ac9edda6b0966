// The published package as a user gets it: `npm pack` of this build, installed into an empty project
// (from the npm registry, or npm's cache), then what a new user does first: the installed size and
// packages, `hotbench init`, a strict `tsc` of the kernel folder it wrote (no skipLibCheck, so any
// error in hotbench's or a dependency's declarations would show), `hotbench run --quick` of it, an
// HTML report without the optional chart packages, and a profiler that is not installed.
//
// The pack uses --ignore-scripts: `prepare` would rebuild dist/ and `prepack` the addons under the
// other test files that are loading them. So the tarball holds this checkout's build (which `npm
// test` has just made, and `npm ci` the addons of), not a clean one; a release packs without the flag.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; peerDependencies: Record<string, string> };
/** The budget for a plain install (hotbench and everything it pulls in). */
const INSTALL_BUDGET_BYTES = 40 * 1024 * 1024;

let work: string;
let project: string;
let tarball: string;

function npm(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', [...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
}

function hotbench(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(path.join(project, 'node_modules', '.bin', 'hotbench'), [...args], { cwd: project, encoding: 'utf8', timeout: 300_000 });
}

/** Bytes under `dir`, each file once (npm may hard-link). */
function treeBytes(dir: string): number {
  let bytes = 0;
  const seen = new Set<number>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const stat = statSync(full);
        if (!seen.has(stat.ino)) bytes += stat.size;
        seen.add(stat.ino);
      }
    }
  };
  walk(dir);
  return bytes;
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'hotbench-package-test-'));
  const packed = npm(['pack', '--ignore-scripts', '--pack-destination', work], root);
  expect(packed.status, packed.stderr).toBe(0);
  tarball = path.join(work, `hotbench-${manifest.version}.tgz`);
  expect(existsSync(tarball)).toBe(true);
  project = path.join(work, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'a-study', private: true, type: 'module' })}\n`);
  const installed = npm(['install', '--prefer-offline', tarball], project);
  expect(installed.status, installed.stderr).toBe(0);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package in an empty project', () => {
  it('installs within the size budget, without the optional peers', () => {
    const modules = path.join(project, 'node_modules');
    expect(treeBytes(modules)).toBeLessThanOrEqual(INSTALL_BUDGET_BYTES);
    for (const peer of Object.keys(manifest.peerDependencies)) expect(existsSync(path.join(modules, peer)), `${peer} installed`).toBe(false);
    for (const dependency of Object.keys(manifest.dependencies)) expect(existsSync(path.join(modules, dependency)), `${dependency} missing`).toBe(true);
  });

  it('ships the native builds and the WebAssembly builds, and no build debris', () => {
    const pkg = path.join(project, 'node_modules', 'hotbench');
    for (const level of ['', '_v2', '_v3', '_v4']) expect(existsSync(path.join(pkg, 'native', 'binding', `hotbench_x86_64${level}.node`))).toBe(true);
    expect(readdirSync(path.join(pkg, 'dist', 'wasm')).filter((f) => f.endsWith('.wasm')).length).toBeGreaterThan(0);
    expect(existsSync(path.join(pkg, 'native', 'cuda', 'build'))).toBe(false);
    expect(existsSync(path.join(pkg, 'build'))).toBe(false);
  });

  it('init writes a study, refuses to overwrite it, and the kernel folder passes a strict tsc', () => {
    const init = hotbench(['init']);
    expect(init.status, init.stderr).toBe(0);
    for (const file of ['hotbench.config.json', 'kernels/smooth/kernel.ts', 'kernels/smooth/naive.ts', 'kernels/smooth/loop.ts']) expect(existsSync(path.join(project, file)), file).toBe(true);
    const config = readFileSync(path.join(project, 'hotbench.config.json'), 'utf8');
    const again = hotbench(['init']);
    expect(again.status).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/already exist.*nothing written/);
    expect(readFileSync(path.join(project, 'hotbench.config.json'), 'utf8')).toBe(config);

    // The user's tsc: strict, no skipLibCheck, NodeNext resolution of 'hotbench' through its exports.
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] }, include: ['kernels'] })}\n`,
    );
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
  }, 180_000);

  it('runs the study: both variants valid, and ranked', () => {
    const out = path.join(project, 'results.json');
    const run = hotbench(['run', '--quick', '--rounds', '2', '--time', '60', '--warmup', '30', '--no-progress', '--out', out, '--report', path.join(project, 'report.html')]);
    expect(run.status, run.stderr).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { cells: { kernel: string; variant: string; size: { name: string }; validation: { status: string }; stats: unknown }[] };
    // "builtIns": false: the user's kernel only, both variants at both quick sizes, valid and timed.
    const cells = results.cells.map((c) => `${c.kernel} ${c.size.name} ${c.variant} ${c.validation.status}`).sort();
    expect(cells).toEqual(['smooth small loop valid', 'smooth small naive valid', 'smooth tiny loop valid', 'smooth tiny naive valid']);
    for (const cell of results.cells) expect(cell.stats).not.toBeNull();
    // vega and vega-lite are not installed: the page keeps its tables and says how to get the charts.
    const html = readFileSync(path.join(project, 'report.html'), 'utf8');
    expect(html).toContain('<table>');
    expect(html).not.toContain('<svg');
    expect(html).toContain('npm install vega vega-lite');
  }, 300_000);

  it('says how to get a profiler that is not installed: one line, exit 2', () => {
    for (const [tool, pkg] of [['clinic-flame', 'clinic'], ['0x', '0x']]) {
      const profile = hotbench(['profile', 'legval', '--size', 'tiny', '--tool', tool]);
      expect(profile.status).toBe(2);
      expect(profile.stderr.trim().split('\n')).toHaveLength(1);
      expect(profile.stderr).toContain(`npm install ${pkg}`);
    }
  });
});
