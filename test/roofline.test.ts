// The roofline: where analysis places a cell under its machine's roof (constructed numbers), the
// cache (where it lives, what it trusts, when it measures), the native probes (finite, positive,
// the shapes each build should have; no timing thresholds) and `hotbench roofline` end to end.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NATIVE_LEVELS, nativeStatus } from '../native/index.js';
import { analyze, rooflinePosition } from '../bench/analysis/analyze.js';
import { lastLevelCacheBytes, parseCacheSize } from '../bench/env/cpu.js';
import { collectEnvironment } from '../bench/env/environment.js';
import { renderMarkdown } from '../bench/report/markdown.js';
import { renderTerminal } from '../bench/report/terminal.js';
import { readResults, writeResults } from '../bench/results/store.js';
import { cacheDir } from '../bench/env/cache-dir.js';
import { readCachedRoofline, rooflineCacheFile, writeCachedRoofline } from '../bench/roofline/cache.js';
import { ceilingFromFigures, defaultProbeSettings, probeLevel, type ProbeFigures } from '../bench/roofline/probe.js';
import { machineRoofline, obtainRoofline, type BuildStatus, type ObtainOptions } from '../bench/roofline/roofline.js';
import type { RooflineCeiling } from '../bench/types.js';
import { cell, environment, results } from './helpers/results.js';
import { ceiling, constructedRoofline } from './helpers/roofline.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const MiB = 2 ** 20;

function temp(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `hotbench-${prefix}-`));
}

describe('roofline position (analysis)', () => {
  // Peak 100 GFLOP/s, bandwidth 20 GB/s: the ridge is at 5 flop/byte.
  const roofline = constructedRoofline('machine-a');

  it('the machine roof is the best peak and the best triad over the builds', () => {
    expect(roofline.peakGflops).toBe(100);
    expect(roofline.bandwidthGBps).toBe(20);
    expect(() => machineRoofline({ ...roofline, ceilings: [] })).toThrow(/at least one/);
  });

  it('below the ridge a cell is memory-bound: attainable = intensity × bandwidth', () => {
    // 2000 flops and 16000 bytes in 1000 ns: 2 GFLOP/s, 16 GB/s, 0.125 flop/byte → 2.5 GFLOP/s attainable.
    const p = rooflinePosition({ flops: 2000, bytes: 16000 }, 1000, roofline)!;
    expect(p.intensity).toBe(0.125);
    expect(p.attainableGflops).toBeCloseTo(2.5, 12);
    expect(p.percentOfRoof).toBeCloseTo(80, 10); // = 16 GB/s of 20
    expect(p.bound).toBe('memory');
  });

  it('above the ridge a cell is compute-bound: attainable = peak', () => {
    // 1e6 flops, 1e4 bytes (100 flop/byte) in 20 µs: 50 GFLOP/s of 100.
    const p = rooflinePosition({ flops: 1e6, bytes: 1e4 }, 20_000, roofline)!;
    expect(p).toEqual({ intensity: 100, attainableGflops: 100, percentOfRoof: 50, bound: 'compute' });
    // No bytes at all: infinitely intense, bounded by the peak.
    expect(rooflinePosition({ flops: 1e6, bytes: 0 }, 20_000, roofline)).toEqual({ intensity: Infinity, attainableGflops: 100, percentOfRoof: 50, bound: 'compute' });
  });

  it('gives no position to a kernel that counts no flops, or to an unmeasured cell', () => {
    expect(rooflinePosition({ flops: 0, bytes: 800 }, 100, roofline)).toBeNull();
    expect(rooflinePosition({ flops: 10, bytes: 800 }, 0, roofline)).toBeNull();
  });

  it('analysis places every measured cell under its own machine\'s roofline, and lists the rooflines', () => {
    const other = { ...environment, fingerprint: 'machine-b' };
    const a = { ...results([cell('naive', 10_000), cell('fast', 1000), cell('gone', null)]), roofline };
    const b = results([cell('naive', 10_000), cell('fast', 1000)], other); // no roofline
    const analysis = analyze([{ source: 'a.json', results: a }, { source: 'b.json', results: b }]);
    expect(analysis.rooflines).toEqual([roofline]);
    const [ga, gb] = analysis.groups;
    const fast = ga.variants.find((v) => v.variant === 'fast')!;
    // cell(): 2000 flops and 16000 bytes per call; the median is near 1000 ns.
    expect(fast.roof!.intensity).toBe(0.125);
    expect(fast.roof!.bound).toBe('memory');
    expect(fast.roof!.percentOfRoof).toBeCloseTo((100 * fast.gflops!) / 2.5, 10);
    expect(fast.roof!.percentOfRoof).toBeGreaterThan(75);
    expect(fast.roof!.percentOfRoof).toBeLessThan(85);
    expect(ga.variants.find((v) => v.variant === 'gone')!.roof).toBeNull();
    expect(gb.variants.every((v) => v.roof === null)).toBe(true);

    const terminal = renderTerminal(analysis);
    expect(terminal).toMatch(/k · small · roofline \(one core: peak 100 GFLOP\/s, bandwidth 20\.0 GB\/s, ridge 5\.00 flop\/byte\)/);
    expect(terminal).toMatch(/fast@js\s+[12]\.\d\d\s+1\d\.\d\s+0\.125\s+2\.50\s+\d\d\.\d%\s+memory/);
    const md = renderMarkdown(analysis);
    expect(md).toContain('## Rooflines');
    expect(md).toMatch(/\| native@x86-64-v4 \| 100 \| 19\.0 \| 9\.50 \| 12 chains of 512-bit FMA \|/);
  });

  it('a results file keeps its roofline through the schema; a malformed one is refused', () => {
    const dir = temp('roofline-schema');
    const file = path.join(dir, 'r.json');
    writeResults(file, { ...results([cell('naive', 1000)]), roofline });
    expect(readResults(file).roofline).toEqual(roofline);
    writeFileSync(file, JSON.stringify({ ...results([cell('naive', 1000)]), roofline: { ...roofline, ceilings: [{ target: 'x86-64' }] } }));
    expect(() => readResults(file)).toThrow(/roofline\/ceilings\/0/);
  });
});

describe('roofline cache', () => {
  it('lives in $HOTBENCH_CACHE_DIR, else $XDG_CACHE_HOME/hotbench, else ~/.cache/hotbench', () => {
    expect(cacheDir({ HOTBENCH_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/x/hotbench');
    expect(cacheDir({}, '/home/u')).toBe('/home/u/.cache/hotbench');
    expect(rooflineCacheFile('/c', 'abc')).toBe('/c/roofline-abc.json');
  });

  it('reads back what it wrote; a missing, corrupt or foreign file is not trusted', () => {
    const dir = temp('roofline-cache');
    const file = rooflineCacheFile(dir, 'm1');
    expect(readCachedRoofline(file, 'm1')).toEqual({ status: 'missing' });
    writeCachedRoofline(file, constructedRoofline('m1'));
    expect(readCachedRoofline(file, 'm1')).toEqual({ status: 'ok', roofline: constructedRoofline('m1') });
    expect(readCachedRoofline(file, 'm2')).toMatchObject({ status: 'corrupt', problem: expect.stringMatching(/machine m1, not m2/) });
    writeFileSync(file, '{"fingerprint": "m1"');
    expect(readCachedRoofline(file, 'm1')).toMatchObject({ status: 'corrupt', problem: expect.stringMatching(/not valid JSON/) });
    writeFileSync(file, '{"fingerprint": "m1"}');
    expect(readCachedRoofline(file, 'm1')).toMatchObject({ status: 'corrupt', problem: expect.stringMatching(/not a roofline/) });
  });

  /** obtainRoofline with a stand-in probe that records which builds it measured. */
  function harness(dir: string, builds: BuildStatus[], failing: Set<string> = new Set()) {
    const probed: string[] = [];
    let clock = 0;
    const options = (refresh: boolean): ObtainOptions => ({
      fingerprint: 'm',
      file: rooflineCacheFile(dir, 'm'),
      refresh,
      builds,
      arrayBytes: 64 * MiB,
      now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)),
      probe: async (target): Promise<RooflineCeiling> => {
        probed.push(target);
        if (failing.has(target)) throw new Error(`${target} crashed`);
        return ceiling(target, 10 * (probed.length + 1), 5 * (probed.length + 1));
      },
    });
    return { probed, options };
  }

  const allRunnable: BuildStatus[] = ['x86-64', 'x86-64-v2', 'x86-64-v3'].map((target) => ({ target, status: true }));

  it('measures every runnable build once and caches it; then serves the cache until --refresh', async () => {
    const dir = temp('roofline-obtain');
    const builds = [...allRunnable, { target: 'x86-64-v4', status: 'this CPU supports up to x86-64-v3' }];
    const { probed, options } = harness(dir, builds);
    const first = await obtainRoofline(options(false));
    expect(first.from).toBe('measured');
    expect(probed).toEqual(['x86-64', 'x86-64-v2', 'x86-64-v3']);
    expect(first.roofline!.ceilings.map((c) => c.target)).toEqual(['x86-64', 'x86-64-v2', 'x86-64-v3']);
    expect(first.roofline!.skipped).toEqual([{ target: 'x86-64-v4', reason: 'this CPU supports up to x86-64-v3' }]);
    expect(first.roofline!.peakGflops).toBe(40);
    expect(first.roofline!.bandwidthGBps).toBe(20);
    expect(readCachedRoofline(options(false).file, 'm')).toEqual({ status: 'ok', roofline: first.roofline });

    const second = await obtainRoofline(options(false));
    expect(second).toEqual({ roofline: first.roofline, from: 'cache', measured: [] });
    expect(probed).toHaveLength(3);

    const refreshed = await obtainRoofline(options(true));
    expect(refreshed.from).toBe('measured');
    expect(probed).toHaveLength(6);
    expect(refreshed.roofline!.peakGflops).toBe(70);
    expect(refreshed.roofline!.measuredAt).not.toBe(first.roofline!.measuredAt);
  });

  it('measures only the builds the cache lacks (a cache made under HOTBENCH_MAX_X86_LEVEL)', async () => {
    const dir = temp('roofline-partial');
    const capped = harness(dir, [...allRunnable.slice(0, 2), { target: 'x86-64-v3', status: 'capped' }]);
    await obtainRoofline(capped.options(false));
    const uncapped = harness(dir, allRunnable);
    const r = await obtainRoofline(uncapped.options(false));
    expect(uncapped.probed).toEqual(['x86-64-v3']);
    expect(r.roofline!.ceilings.map((c) => c.target)).toEqual(['x86-64', 'x86-64-v2', 'x86-64-v3']);
    expect(r.roofline!.skipped).toEqual([]);
  });

  it('a build whose probe fails keeps its cached figures, or is listed as skipped with the reason', async () => {
    const dir = temp('roofline-fail');
    const good = harness(dir, allRunnable);
    const before = (await obtainRoofline(good.options(false))).roofline!;
    const bad = harness(dir, [...allRunnable, { target: 'x86-64-v4', status: true }], new Set(['x86-64-v2', 'x86-64-v4']));
    const after = (await obtainRoofline(bad.options(true))).roofline!;
    expect(after.ceilings.find((c) => c.target === 'x86-64-v2')).toEqual(before.ceilings.find((c) => c.target === 'x86-64-v2'));
    expect(after.skipped).toEqual([{ target: 'x86-64-v4', reason: 'the probe failed: x86-64-v4 crashed' }]);
    expect(readCachedRoofline(rooflineCacheFile(dir, 'm'), 'm')).toEqual({ status: 'ok', roofline: after });

    // Every probe failing on refresh: the cache's figures stand, and the cache is left as it was.
    const allFail = harness(dir, allRunnable, new Set(allRunnable.map((b) => b.target)));
    const kept = await obtainRoofline(allFail.options(true));
    expect(kept).toMatchObject({ from: 'cache', measured: [] });
    expect(kept.roofline!.ceilings).toEqual(after.ceilings.filter((c) => c.target !== 'x86-64-v4'));
    expect(readCachedRoofline(rooflineCacheFile(dir, 'm'), 'm')).toEqual({ status: 'ok', roofline: after });

    const nothing = harness(temp('roofline-none'), allRunnable, new Set(allRunnable.map((b) => b.target)));
    const none = await obtainRoofline(nothing.options(false));
    expect(none.roofline).toBeNull();
    expect(readCachedRoofline(nothing.options(false).file, 'm')).toEqual({ status: 'missing' });
  });

  it('an unwritable cache costs the roofline nothing but its caching', async () => {
    const blocker = path.join(temp('roofline-blocked'), 'a-file');
    writeFileSync(blocker, '');
    const events: string[] = [];
    const r = await obtainRoofline({
      fingerprint: 'm',
      file: path.join(blocker, 'roofline-m.json'), // a folder that is a file: the write fails
      refresh: false,
      builds: [{ target: 'x86-64', status: true }],
      arrayBytes: 64 * MiB,
      now: () => new Date(0),
      probe: async (target) => ceiling(target, 10, 5),
      onEvent: (e) => events.push(e.kind),
    });
    expect(r.roofline!.peakGflops).toBe(10);
    expect(events).toEqual(['probing', 'probed', 'cache-write-failed']);
  });
});

describe('roofline probes', () => {
  it('sizes the bandwidth arrays from the last-level cache, as sysfs gives it', () => {
    expect(parseCacheSize('32768K')).toBe(32 * MiB);
    expect(parseCacheSize('1M')).toBe(MiB);
    expect(parseCacheSize('lots')).toBeNull();
    const sysfs = temp('sysfs');
    for (const [index, level, type, size] of [['index0', '1', 'Data', '48K'], ['index1', '1', 'Instruction', '32K'], ['index2', '2', 'Unified', '1024K'], ['index3', '3', 'Unified', '32768K']]) {
      mkdirSync(path.join(sysfs, index));
      writeFileSync(path.join(sysfs, index, 'level'), `${level}\n`);
      writeFileSync(path.join(sysfs, index, 'type'), `${type}\n`);
      writeFileSync(path.join(sysfs, index, 'size'), `${size}\n`);
    }
    expect(lastLevelCacheBytes(sysfs)).toBe(32 * MiB);
    expect(lastLevelCacheBytes(path.join(sysfs, 'nowhere'))).toBeNull();
    expect(defaultProbeSettings(32 * MiB).arrayBytes).toBe(128 * MiB); // 4 × L3
    expect(defaultProbeSettings(2 * MiB).arrayBytes).toBe(32 * MiB); // at least 32 MiB
    expect(defaultProbeSettings(null).arrayBytes).toBe(128 * MiB);
  });

  it('turns best times into GB/s and GFLOP/s: 24 bytes per triad element, 8 per store, and refuses nonsense', () => {
    const figures: ProbeFigures = {
      level: 'x86-64-v3',
      bandwidth: { triadSeconds: 0.024, storeSeconds: 0.004, checksum: 1 },
      peak: { flopsPerRep: 5e8, bestSeconds: 0.01, chains: 12, vectorBits: 256, fma: true, checksum: 1 },
    };
    // 1e6 elements: 24 MB in 24 ms = 1 GB/s; 8 MB in 4 ms = 2 GB/s; 5e8 flops in 10 ms = 50 GFLOP/s.
    expect(ceilingFromFigures(figures, 8e6)).toEqual({ target: 'x86-64-v3', peakGflops: 50, triadGBps: 1, storeGBps: 2, vectorBits: 256, fma: true, chains: 12 });
    expect(() => ceilingFromFigures({ ...figures, bandwidth: { ...figures.bandwidth, triadSeconds: 0 } }, 8e6)).toThrow(/triad time/);
    expect(() => ceilingFromFigures({ ...figures, peak: { ...figures.peak, checksum: NaN } }, 8e6)).toThrow(/checksum/);
  });

  const runnable = NATIVE_LEVELS.filter((level) => nativeStatus(level) === true);
  const expected: Record<string, { vectorBits: number; fma: boolean }> = {
    'x86-64': { vectorBits: 128, fma: false },
    'x86-64-v2': { vectorBits: 128, fma: false },
    'x86-64-v3': { vectorBits: 256, fma: true },
    'x86-64-v4': { vectorBits: 512, fma: true },
  };
  it.each(runnable)('native@%s gives finite positive figures in its own widest vectors', async (level) => {
    // Small and short: this checks the probe's shape, not the machine.
    const c = await probeLevel(level, { arrayBytes: 8 * MiB, passes: 2, minRepSeconds: 0.001, reps: 2, timeoutMs: 60_000 });
    expect(c).toMatchObject({ target: level, ...expected[level] });
    for (const figure of [c.peakGflops, c.triadGBps, c.storeGBps]) {
      expect(Number.isFinite(figure)).toBe(true);
      expect(figure).toBeGreaterThan(0);
    }
    expect(c.chains).toBeGreaterThanOrEqual(8);
  });
});

describe('hotbench roofline', () => {
  function hotbench(args: string[], env: NodeJS.ProcessEnv) {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, env, encoding: 'utf8', timeout: 180_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('measures and caches on the first call, reads the cache on the second, measures again with --refresh', () => {
    const dir = temp('roofline-cli');
    const env = { ...process.env, HOTBENCH_CACHE_DIR: dir };
    const fingerprint = collectEnvironment().fingerprint;
    const file = rooflineCacheFile(dir, fingerprint);

    const first = hotbench(['roofline'], env);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/probing native@x86-64 /);
    expect(first.stdout).toMatch(/Roofline of machine [0-9a-f]{16}, one core/);
    expect(first.stdout).toContain(`measured now, cached: ${file}`);
    const cached = readCachedRoofline(file, fingerprint);
    expect(cached.status).toBe('ok');
    const roofline = (cached as { roofline: ReturnType<typeof constructedRoofline> }).roofline;
    expect(roofline.ceilings.map((c) => c.target)).toEqual(NATIVE_LEVELS.filter((l) => nativeStatus(l) === true));
    const text = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;

    const second = hotbench(['roofline', '--format', 'json'], env);
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/probing/);
    expect(JSON.parse(second.stdout)).toEqual({ ...roofline, source: 'cache', file });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(statSync(file).mtimeMs).toBe(mtime);

    // A run copies the cached roofline into its results; a report of an older file without one borrows it.
    const out = path.join(dir, 'r.json');
    const run = hotbench(['run', '--kernel', 'legval', '--variant', 'native@x86-64', '--size', 'tiny', '--rounds', '1', '--time', '20', '--warmup', '5', '--no-progress', '--out', out], env);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/probing/);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.roofline).toEqual(roofline);
    const { roofline: _dropped, ...older } = written;
    writeFileSync(out, JSON.stringify(older));
    const report = JSON.parse(hotbench(['report', out, '--format', 'json'], env).stdout);
    expect(report.rooflines).toEqual([roofline]);
    expect(report.groups[0].variants[0].roof.bound).toBe('memory');
    const elsewhere = JSON.parse(hotbench(['report', out, '--format', 'json'], { ...process.env, HOTBENCH_CACHE_DIR: temp('roofline-empty') }).stdout);
    expect(elsewhere.rooflines).toEqual([]);
    expect(elsewhere.groups[0].variants[0].roof).toBeNull();

    const refreshed = hotbench(['roofline', '--refresh'], env);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stderr).toMatch(/probing native@x86-64 /);
    const again = readCachedRoofline(file, fingerprint) as { roofline: typeof roofline };
    expect(again.roofline.measuredAt).not.toBe(roofline.measuredAt);
  });

  it('ignores a corrupt cache file, says so, and replaces it', () => {
    const dir = temp('roofline-corrupt');
    const fingerprint = collectEnvironment().fingerprint;
    const file = rooflineCacheFile(dir, fingerprint);
    writeFileSync(file, 'not json');
    const r = hotbench(['roofline', '--format', 'json'], { ...process.env, HOTBENCH_CACHE_DIR: dir, HOTBENCH_MAX_X86_LEVEL: 'x86-64' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ignoring the cache .*not valid JSON/);
    expect(JSON.parse(r.stdout).source).toBe('measured');
    expect(readCachedRoofline(file, fingerprint).status).toBe('ok');
  });
});
