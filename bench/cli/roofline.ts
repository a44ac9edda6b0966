// hotbench roofline: this machine's roofline (peak GFLOP/s and memory bandwidth of one core, per
// native build), from the cache or measured and cached. `run` and `report` come here for it too.

import os from 'node:os';
import { NATIVE_LEVELS, nativeStatus } from '../../native/index.js';
import { lastLevelCacheBytes } from '../env/cpu.js';
import { collectEnvironment } from '../env/environment.js';
import { UserError } from '../errors.js';
import { layoutTable } from '../report/terminal.js';
import { renderJson } from '../report/render.js';
import { ceilingTable, roofLine } from '../report/table.js';
import { cacheDir, CACHE_DIR_VARIABLE } from '../env/cache-dir.js';
import { readCachedRoofline, rooflineCacheFile } from '../roofline/cache.js';
import { defaultProbeSettings, probeLevel } from '../roofline/probe.js';
import { obtainRoofline, type Obtained, type RooflineEvent } from '../roofline/roofline.js';
import type { MachineRoofline } from '../types.js';
import { parse, text } from './args.js';

export const rooflineHelp = `usage: hotbench roofline [--refresh] [--format terminal|json]

Measures this machine's roofline with the native addon, once per native build (x86-64 … x86-64-v4)
this CPU can run, each in a child process of its own, on ONE core (the kernels are
single-threaded, so one core's roof is the one that bounds them):
  peak        independent chains acc = acc·m + a in the build's widest vectors: FMA on v3 and v4
              (an FMA counts 2 flops), a multiply and an add (2 flops) on x86-64 and v2
  triad       a[i] = b[i] + s·c[i] over three arrays of 4 × the last-level cache (24 bytes per element)
  store       a[i] = s over one such array (8 bytes per element)
Each figure is the best of several passes, as STREAM reports. The machine's roof is its best peak
and its best triad bandwidth over the builds. The result is cached per machine fingerprint in
$${CACHE_DIR_VARIABLE}, else $XDG_CACHE_HOME/hotbench, else ~/.cache/hotbench, as
roofline-<fingerprint>.json, and used from there unless --refresh. 'hotbench run' copies it into
its results file (measuring it once if none is cached) and reports give every cell's GFLOP/s, GB/s
and percent of the roof.

options:
  --refresh           measure again even if this machine's roofline is cached
  --format F          terminal | json (default terminal)

exit status: 0 roofline shown; 1 no native build could be measured; 2 bad usage.`;

/** The cache file of this machine, from the environment (the CLI's business). */
function cacheFile(fingerprint: string): string {
  return rooflineCacheFile(cacheDir(process.env, os.homedir()), fingerprint);
}

function describe(event: RooflineEvent): string {
  switch (event.kind) {
    case 'cache-problem':
      return `roofline: ignoring the cache ${event.file}: ${event.problem}`;
    case 'probing':
      return `roofline: probing native@${event.target} (one core) …`;
    case 'probed':
      return `roofline: native@${event.ceiling.target}: peak ${event.ceiling.peakGflops.toFixed(1)} GFLOP/s, triad ${event.ceiling.triadGBps.toFixed(1)} GB/s, store ${event.ceiling.storeGBps.toFixed(1)} GB/s`;
    case 'probe-failed':
      return `roofline: native@${event.target} failed: ${event.message}${event.keptCached ? ' (keeping its cached figures)' : ''}`;
    case 'cache-write-failed':
      return `roofline: could not write the cache ${event.file}: ${event.message}`;
  }
}

/** This machine's roofline: cached, or measured now (and cached); progress on stderr. */
export async function machineRoofline(fingerprint: string, refresh: boolean, announce?: () => void): Promise<Obtained & { file: string }> {
  const file = cacheFile(fingerprint);
  const settings = defaultProbeSettings(lastLevelCacheBytes());
  let announced = false;
  const obtained = await obtainRoofline({
    fingerprint,
    file,
    refresh,
    builds: NATIVE_LEVELS.map((target) => ({ target, status: nativeStatus(target) })),
    arrayBytes: settings.arrayBytes,
    probe: (target) => probeLevel(target, settings),
    now: () => new Date(),
    onEvent: (event) => {
      if (!announced && event.kind === 'probing') {
        announced = true;
        announce?.();
      }
      process.stderr.write(`${describe(event)}\n`);
    },
  });
  return { ...obtained, file };
}

/** The cached roofline of `fingerprint`, if there is a sound one (for reports of older results). */
export function cachedRoofline(fingerprint: string): MachineRoofline | null {
  const cached = readCachedRoofline(cacheFile(fingerprint), fingerprint);
  return cached.status === 'ok' ? cached.roofline : null;
}

export async function rooflineCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('roofline', argv, { refresh: { type: 'boolean' }, format: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${rooflineHelp}\n`);
    return 0;
  }
  const format = text(values.format) ?? 'terminal';
  if (format !== 'terminal' && format !== 'json') throw new UserError(`roofline: unknown format ${JSON.stringify(format)} (known: terminal, json)`);
  const { fingerprint, cpuModel } = collectEnvironment();
  const obtained = await machineRoofline(fingerprint, Boolean(values.refresh));
  const { roofline, from, file } = obtained;
  if (!roofline) {
    process.stderr.write('hotbench: roofline: no native build could be measured on this machine (npm run build:native?)\n');
    return 1;
  }
  if (format === 'json') {
    process.stdout.write(renderJson({ ...roofline, source: from, file }));
    return 0;
  }
  const lines = [
    layoutTable(ceilingTable(roofline)),
    '',
    `machine roof (${cpuModel}), ${roofLine(roofline)}`,
    `${from === 'cache' ? 'from the cache' : 'measured now, cached'}: ${file}${from === 'cache' ? ' (--refresh to measure again)' : ''}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
