// Profiling: the hotspot table of a hand-made .cpuprofile with known times, exactly; then
// `hotbench profile` end to end through the compiled CLI: a real CPU profile of legval:naive, a
// user's TypeScript script, 0x and clinic leaving their HTML, a run's report showing its profiles, and
// bad input answered with one line and exit 2. No assertion is about how fast anything is.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeHotspots, parseCpuProfile } from '../bench/profile/cpuprofile.js';
import { resolveLocations } from '../bench/profile/sourcemaps.js';
import { clinicSamplesToProfile, zeroXStacksToProfile } from '../bench/profile/ticks.js';
import { telling } from '../bench/profile/tools.js';
import type { Hotspot, ProfileRecord } from '../bench/types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const fixtures = path.join(root, 'test', 'fixtures');

function hotbench(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'hotbench-profile-'));
}

function record(folder: string): ProfileRecord {
  return JSON.parse(readFileSync(path.join(folder, 'hotspots.json'), 'utf8')) as ProfileRecord;
}

function expectOneLineError(r: ReturnType<typeof hotbench>, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^hotbench: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('hotspot table of a .cpuprofile', () => {
  const text = readFileSync(path.join(fixtures, 'hand-made.cpuprofile'), 'utf8');

  it('computes self and total time per function exactly, recursion counted once', () => {
    // Samples last until the next sample (the last one until endTime): 11.5 ms in all. fib recurses
    // (nodes 3 and 4 are one function) and calls the native sqrt; main calls fib and eval'd code.
    const table = computeHotspots(parseCpuProfile(text, 'hand-made.cpuprofile'));
    expect(table.samples).toBe(11);
    expect(table.sampledMs).toBeCloseTo(11.5, 12);
    const rows = table.hotspots.map((h: Hotspot) => [h.name, h.kind, h.location && `${h.location.file}:${h.location.line}`, h.selfMs, h.totalMs, h.selfSamples]);
    expect(rows).toEqual([
      ['fib', 'function', '/app/main.js:10', 5.5, 6.5, 5],
      ['main', 'function', '/app/main.js:1', 1, 8.5, 1],
      ['(anonymous)', 'function', null, 1, 1, 1], // new Function / eval: script 7, no URL
      ['(garbage collector)', 'gc', null, 1, 1, 1],
      ['(idle)', 'idle', null, 1, 1, 1],
      ['(program)', 'program', null, 1, 1, 1],
      ['sqrt', 'native', null, 1, 1, 1],
    ]);
    expect(table.hotspots[0].selfPercent).toBeCloseTo((100 * 5.5) / 11.5, 10);
    expect(table.hotspots[0].totalPercent).toBeCloseTo((100 * 6.5) / 11.5, 10);
    expect(table.hotspots[1].totalPercent).toBeCloseTo((100 * 8.5) / 11.5, 10);
    expect(table.hotspots.reduce((sum, h) => sum + h.selfMs, 0)).toBeCloseTo(table.sampledMs, 12);
  });

  it('names functions by their source-mapped file and line when the profiled process had a map', () => {
    const profile = parseCpuProfile(text, 'x');
    // Generated line 9, column 12 (0-based) ← main.ts line 19, column 2 (0-based).
    const locations = resolveLocations(profile, { 'file:///app/main.js': { version: 3, sources: ['file:///src/main.ts'], names: [], mappings: ';;;;;;;;;YAmBE' } });
    expect(locations).toEqual({ 'file:///app/main.js:9:12': { file: '/src/main.ts', line: 20, column: 3 } });
    const mapped = computeHotspots(profile, locations);
    expect(mapped.hotspots[0]).toMatchObject({ name: 'fib', location: { file: '/src/main.ts', line: 20, column: 3 }, selfMs: 5.5, totalMs: 6.5 });
    expect(mapped.hotspots[1].location).toEqual({ file: '/app/main.js', line: 1, column: 1 }); // no mapping there: as V8 gave it
  });

  it('reads the tick stacks of 0x and clinic flame as the same table, a tick a millisecond', () => {
    // main → fib → fib (recursion) and a C++ frame; 0x's merged tree gives ticks on top per node.
    const zeroX = {
      merged: {
        name: 'all stacks', value: 6, top: 0,
        children: [
          { name: 'main /app/main.js:1:1', value: 5, top: 1, children: [
            { name: 'fib /app/main.js:10:13', value: 4, top: 2, children: [{ name: 'fib /app/main.js:10:13', value: 2, top: 2 }] },
          ] },
          { name: '__write@@GLIBC_2.2.5 [CPP]', value: 1, top: 1 },
        ],
      },
    };
    const clinic = [
      [{ name: 'main /app/main.js:1:1', type: 'JS' }],
      ...Array.from({ length: 2 }, () => [{ name: 'main /app/main.js:1:1', type: 'JS' }, { name: 'fib /app/main.js:10:13', type: 'JS' }]),
      ...Array.from({ length: 2 }, () => [{ name: 'main /app/main.js:1:1', type: 'JS' }, { name: 'fib /app/main.js:10:13', type: 'JS' }, { name: 'fib /app/main.js:10:13', type: 'JS' }]),
      [{ name: '__write@@GLIBC_2.2.5', type: 'CPP' }],
      [],
    ];
    const fromZeroX = computeHotspots(zeroXStacksToProfile(JSON.stringify(zeroX), 'stacks.1.json'));
    const fromClinic = computeHotspots(clinicSamplesToProfile(JSON.stringify(clinic), 'samples'));
    const rows = (t: typeof fromZeroX) => t.hotspots.map((h) => [h.name, h.kind, h.location && `${h.location.file}:${h.location.line}:${h.location.column}`, h.selfMs, h.totalMs]);
    const expected = [
      ['fib', 'function', '/app/main.js:10:13', 4, 4],
      ['main', 'function', '/app/main.js:1:1', 1, 5],
      ['__write@@GLIBC_2.2.5', 'native', null, 1, 1],
    ];
    expect(fromZeroX.sampledMs).toBe(6);
    expect(rows(fromZeroX)).toEqual(expected);
    expect(rows(fromClinic)).toEqual([...expected, ['(program)', 'program', null, 1, 1]]); // an empty stack
    expect(() => zeroXStacksToProfile('[]', 'stacks.2.json')).toThrow(/stacks\.2\.json: not 0x's stacks/);
    expect(() => clinicSamplesToProfile('{}', 's')).toThrow(/s: not clinic flame samples/);
  });

  it('refuses what is not a CPU profile, naming the file', () => {
    expect(() => parseCpuProfile('{', 'a.cpuprofile')).toThrow(/^a\.cpuprofile: not valid JSON/);
    expect(() => parseCpuProfile('{"nodes": []}', 'b.cpuprofile')).toThrow(/b\.cpuprofile: not a V8 CPU profile/);
    const bad = { ...JSON.parse(text), samples: [99, 3, 4, 4, 2, 5, 6, 7, 8, 4, 3].slice(0, 11) };
    expect(() => parseCpuProfile(JSON.stringify(bad), 'c.cpuprofile')).toThrow(/node 99, which is not in the profile/);
  });

  it('picks the telling line of a failed program’s output', () => {
    const crash = 'file:///x.mjs:1\nthrow new Error("boom")\n      ^\n\nError: boom\n    at file:///x.mjs:1:7\n\nNode.js v20.20.2\n';
    expect(telling(crash)).toBe('Error: boom');
    expect(telling('\u001b[31mTypeError: x is not a function\u001b[39m\n')).toBe('TypeError: x is not a function');
    expect(telling('Analysing data\nNo data found.\n')).toBe('No data found.');
  });
});

describe('hotbench profile', () => {
  it('profiles legval:naive with V8’s CPU profiler: the top self time is legval in the naive rung', () => {
    const folder = path.join(tempDir(), 'naive');
    const r = hotbench(['profile', 'legval:naive', '--size', 'tiny', '--duration', '400', '--out', folder]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^legval:naive@js · tiny \(nseries=7 nx=33 deg=3\) · cpu-prof · \d+ samples/);
    expect(r.stdout).toMatch(/^\s*1\s.*\slegval\s+.*variants\/legval\/naive\.ts:\d+$/m);
    for (const file of ['profile.cpuprofile', 'hotspots.json', 'hotspots.md', 'output.log', 'driver.json']) expect(existsSync(path.join(folder, file)), file).toBe(true);

    const profile = record(folder);
    expect(profile.tool).toBe('cpu-prof');
    expect(profile.target).toMatchObject({ kind: 'kernel', kernel: 'legval', variant: 'naive', build: 'js', rung: 'naive', size: { name: 'tiny' } });
    expect(profile.driver?.calls).toBeGreaterThan(0);
    const top = profile.table.hotspots[0];
    expect(top.name).toBe('legval');
    // Source-mapped from dist/ back to the TypeScript the rung is written in.
    expect(top.location?.file).toBe(path.join(root, 'variants', 'legval', 'naive.ts'));
    expect(readFileSync(path.join(root, 'variants', 'legval', 'naive.ts'), 'utf8').split('\n')[top.location!.line - 1]).toMatch(/function legval/);
    expect(readFileSync(path.join(folder, 'hotspots.md'), 'utf8')).toMatch(/\| 1 \| .* \| legval \| variants\/legval\/naive\.ts:\d+ \|/);
  });

  it('profiles a user’s TypeScript program with its arguments: its hot function comes first, at its own line', () => {
    const cwd = tempDir();
    const script = path.join(fixtures, 'hot-script.ts');
    const r = hotbench(['profile', '--script', script, '--', '150'], cwd);
    expect(r.code).toBe(0);
    const [folder] = readdirSync(path.join(cwd, 'reports', 'profiles'));
    expect(folder).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z-hot-script-cpu-prof$/);
    const profile = record(path.join(cwd, 'reports', 'profiles', folder));
    expect(profile.target).toEqual({ kind: 'script', script, args: ['150'] });
    const top = profile.table.hotspots[0];
    expect(top.name).toBe('crunchNumbers');
    expect(top.location?.file).toBe(script);
    expect(readFileSync(script, 'utf8').split('\n')[top.location!.line - 1]).toMatch(/function crunchNumbers/);
    expect(readFileSync(path.join(cwd, 'reports', 'profiles', folder, 'output.log'), 'utf8')).toMatch(/"hot":/); // the program ran to its end
  });

  it('leaves 0x’s flame graph, and clinic’s flame and doctor reports, headless, each with its table', () => {
    const dir = tempDir();
    const expected: Record<string, [html: RegExp, table: RegExp]> = {
      '0x': [/^0x\/flamegraph\.html$/, /^0x\/stacks\.\d+\.json$/],
      'clinic-flame': [/^clinic\/\d+\.clinic-flame\.html$/, /^clinic\/\d+\.clinic-flame\/\d+\.clinic-flame-samples$/],
      'clinic-doctor': [/^clinic\/\d+\.clinic-doctor\.html$/, /^profile\.cpuprofile$/],
    };
    for (const [tool, [html, table]] of Object.entries(expected)) {
      const folder = path.join(dir, tool);
      const r = hotbench(['profile', 'legval', '--size', 'tiny', '--duration', '1000', '--tool', tool, '--out', folder]);
      expect(r.code, `${tool}: ${r.stderr}`).toBe(0);
      const profile = record(folder);
      const page = profile.artifacts.find((a) => html.test(a));
      expect(page, tool).toBeDefined();
      const text = readFileSync(path.join(folder, page!), 'utf8');
      expect(text).toMatch(/<html/i);
      expect(profile.tableSource, tool).toMatch(table);
      // The kernel's own function is in the table, mapped back to its TypeScript source, and (for
      // the flame graphs, drawn from the same stacks) in the page.
      const legval = profile.table.hotspots.find((h) => h.name === 'legval');
      expect(legval?.location?.file, tool).toBe(path.join(root, 'variants', 'legval', 'naive.ts'));
      if (tool !== 'clinic-doctor') expect(text, tool).toContain('legval');
    }
  });

  it('files profiles with a run, and the run’s report shows their tables', () => {
    const dir = tempDir();
    const results = path.join(dir, 'run', 'results.json');
    const run = hotbench(['run', '--kernel', 'legval', '--variant', 'naive', '--size', 'tiny', '--rounds', '1', '--time', '10', '--warmup', '1', '--no-progress', '--out', results]);
    expect(run.code).toBe(0);
    expect(hotbench(['profile', 'legval:naive', '--size', 'tiny', '--duration', '200', '--run', results]).code).toBe(0);
    const elsewhere = path.join(dir, 'elsewhere');
    expect(hotbench(['profile', 'legval:unrolled', '--size', 'tiny', '--duration', '200', '--out', path.join(elsewhere, 'p')]).code).toBe(0);

    const terminal = hotbench(['report', results]);
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).toMatch(/^legval:naive@js · tiny .* · cpu-prof · \d+ samples/m);
    expect(terminal.stdout).not.toMatch(/unrolled@js · tiny .* · cpu-prof/);
    const md = hotbench(['report', results, '--format', 'md', '--profiles', elsewhere]);
    expect(md.stdout).toMatch(/## Profiles/);
    expect(md.stdout).toMatch(/### legval:naive@js · tiny/);
    expect(md.stdout).toMatch(/### legval:unrolled@js · tiny/);
    const json = JSON.parse(hotbench(['report', results, '--format', 'json']).stdout);
    expect(json.profiles).toHaveLength(1);
    expect(json.profiles[0].table.hotspots[0].name).toBe('legval');
  });

  it('answers bad input, a failing program and a hung one with one line and exit 2', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'fail.mjs'), 'throw new TypeError("no good");\n');
    writeFileSync(path.join(dir, 'hang.mjs'), 'setInterval(() => {}, 1000);\n');
    mkdirSync(path.join(dir, 'not-empty'));
    writeFileSync(path.join(dir, 'not-empty', 'x'), '');
    const cases: [string[], RegExp][] = [
      [['profile', 'nope'], /unknown kernel "nope"/],
      [['profile', 'legval:nope'], /unknown variant "nope"/],
      [['profile', 'legval', '--size', 'gigantic'], /unknown size "gigantic"/],
      [['profile', 'legval', '--tool', 'perf'], /unknown tool "perf" \(known: cpu-prof, 0x, clinic-flame, clinic-doctor\)/],
      [['profile', '--script', 'missing.js'], /script missing\.js: no such file/],
      [['profile'], /give one KERNEL\[:VARIANT\] or --script FILE/],
      [['profile', 'legval', '--script', 'fail.mjs'], /not both/],
      [['profile', 'legval', '--duration', 'long'], /--duration needs a number/],
      [['profile', 'legval', '--out', 'not-empty'], /not-empty already exists and is not empty/],
      [['profile', 'legval', '--run', 'missing.json'], /missing\.json: no such file/],
      [['profile', '--script', 'fail.mjs'], /the profiled program exited with code 1: TypeError: no good \(output in .*output\.log\)/],
      [['profile', '--script', 'fail.mjs', '--tool', '0x'], /the profiled program exited with code 1: TypeError: no good/],
      [['profile', '--script', 'hang.mjs', '--timeout', '1500'], /cpu-prof did not finish within 1500 ms and was stopped/],
    ];
    for (const [args, pattern] of cases) expectOneLineError(hotbench(args, dir), pattern);
  });

  it('has help that names every tool', () => {
    const r = hotbench(['profile', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: hotbench profile KERNEL\[:VARIANT\]/);
    for (const tool of ['cpu-prof', '0x', 'clinic-flame', 'clinic-doctor']) expect(r.stdout).toContain(tool);
    expect(hotbench(['--help']).stdout).toMatch(/^\s+profile\s/m);
  });
});
