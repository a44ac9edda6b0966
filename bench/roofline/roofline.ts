// A machine's roofline: from the cache when it holds every build this machine can run, else
// measured (build by build, each in its own process) and cached. The machine's roof is the best
// over its builds: it is what the machine can do, whichever build a variant uses.

import type { MachineRoofline, RooflineCeiling } from '../types.js';
import { readCachedRoofline, writeCachedRoofline } from './cache.js';

/** The roofline of `ceilings` (at least one): the highest peak and the highest triad bandwidth. */
export function machineRoofline(fields: Omit<MachineRoofline, 'peakGflops' | 'bandwidthGBps'>): MachineRoofline {
  if (fields.ceilings.length === 0) throw new Error('a roofline needs at least one measured build');
  return {
    ...fields,
    peakGflops: Math.max(...fields.ceilings.map((c) => c.peakGflops)),
    bandwidthGBps: Math.max(...fields.ceilings.map((c) => c.triadGBps)),
  };
}

/** A native build and whether this machine can run it (true) or why not. */
export interface BuildStatus {
  readonly target: string;
  readonly status: true | string;
}

export type RooflineEvent =
  | { readonly kind: 'cache-problem'; readonly file: string; readonly problem: string }
  | { readonly kind: 'probing'; readonly target: string }
  | { readonly kind: 'probed'; readonly ceiling: RooflineCeiling }
  | { readonly kind: 'probe-failed'; readonly target: string; readonly message: string; readonly keptCached: boolean }
  | { readonly kind: 'cache-write-failed'; readonly file: string; readonly message: string };

export interface ObtainOptions {
  readonly fingerprint: string;
  /** The cache file of this machine. */
  readonly file: string;
  /** Measure every runnable build again, whatever the cache holds. */
  readonly refresh: boolean;
  /** The native builds, in order, with whether this machine can run each. */
  readonly builds: readonly BuildStatus[];
  /** Bytes per bandwidth array, recorded with the roofline. */
  readonly arrayBytes: number;
  /** Measures one build (probe.ts's probeLevel in use; a stand-in in tests). */
  readonly probe: (target: string) => Promise<RooflineCeiling>;
  readonly now: () => Date;
  readonly onEvent?: (event: RooflineEvent) => void;
}

export interface Obtained {
  /** Null when no build could be measured (and nothing was cached). */
  readonly roofline: MachineRoofline | null;
  readonly from: 'cache' | 'measured';
  /** Builds measured now (empty when it all came from the cache). */
  readonly measured: readonly string[];
}

export async function obtainRoofline(options: ObtainOptions): Promise<Obtained> {
  const { fingerprint, file, builds, onEvent } = options;
  const cached = readCachedRoofline(file, fingerprint);
  if (cached.status === 'corrupt') onEvent?.({ kind: 'cache-problem', file, problem: cached.problem });
  const old = cached.status === 'ok' ? cached.roofline : null;
  const runnable = builds.filter((b) => b.status === true).map((b) => b.target);
  const known = new Map((old?.ceilings ?? []).map((c) => [c.target, c]));
  // A cache made under HOTBENCH_MAX_X86_LEVEL lacks the wider builds: those are measured and added.
  const toMeasure = options.refresh ? runnable : runnable.filter((t) => !known.has(t));
  if (old && toMeasure.length === 0) return { roofline: old, from: 'cache', measured: [] };

  const failures = new Map<string, string>();
  const measured: string[] = [];
  for (const target of toMeasure) {
    onEvent?.({ kind: 'probing', target });
    try {
      const ceiling = await options.probe(target);
      known.set(target, ceiling);
      measured.push(target);
      onEvent?.({ kind: 'probed', ceiling });
    } catch (error) {
      const message = (error as Error).message;
      // A build that fails now keeps what the cache measured before: nothing cached is lost.
      if (!known.has(target)) failures.set(target, `the probe failed: ${message}`);
      onEvent?.({ kind: 'probe-failed', target, message, keptCached: known.has(target) });
    }
  }
  const ceilings = builds.map((b) => known.get(b.target)).filter((c): c is RooflineCeiling => c !== undefined);
  const skipped = builds
    .filter((b) => !known.has(b.target))
    .map((b) => ({ target: b.target, reason: b.status === true ? (failures.get(b.target) ?? 'not measured') : b.status }));
  if (ceilings.length === 0) return { roofline: null, from: 'measured', measured };
  const roofline = machineRoofline({
    fingerprint,
    measuredAt: measured.length > 0 ? options.now().toISOString() : (old?.measuredAt ?? options.now().toISOString()),
    ceilings,
    arrayBytes: measured.length > 0 ? options.arrayBytes : (old?.arrayBytes ?? options.arrayBytes),
    skipped,
  });
  if (measured.length === 0) return { roofline, from: 'cache', measured }; // every probe failed: the cache's figures stand
  try {
    writeCachedRoofline(file, roofline);
  } catch (error) {
    // An unwritable cache costs the next run a measurement, not this one its roofline.
    onEvent?.({ kind: 'cache-write-failed', file, message: (error as Error).message });
  }
  return { roofline, from: 'measured', measured };
}
