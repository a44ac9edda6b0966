// A constructed machine roofline with round numbers: 100 GFLOP/s peak (v4), 20 GB/s triad (v2). It
// has every level, so that no test's `run` finds a level missing from the cache and measures it.

import { machineRoofline } from '../../bench/roofline/roofline.js';
import type { MachineRoofline, RooflineCeiling } from '../../bench/types.js';

export function ceiling(target: string, peakGflops: number, triadGBps: number, storeGBps = triadGBps / 2): RooflineCeiling {
  const wide = target === 'x86-64-v3' || target === 'x86-64-v4';
  return { target, peakGflops, triadGBps, storeGBps, vectorBits: target === 'x86-64-v4' ? 512 : wide ? 256 : 128, fma: wide, chains: 12 };
}

export function constructedRoofline(fingerprint: string): MachineRoofline {
  return machineRoofline({
    fingerprint,
    measuredAt: '2026-11-21T00:00:00.000Z',
    ceilings: [ceiling('x86-64', 25, 15), ceiling('x86-64-v2', 25, 20), ceiling('x86-64-v3', 50, 18), ceiling('x86-64-v4', 100, 19)],
    arrayBytes: 128 * 2 ** 20,
    skipped: [],
  });
}

/** A two-build roofline with hand-set roofs (peak 80 GFLOP/s, bandwidth 12 GB/s), for chart tests that check every roof point. */
export function twoBuildRoofline(fingerprint: string): MachineRoofline {
  return {
    fingerprint,
    measuredAt: '2026-11-21T00:00:00.000Z',
    ceilings: [ceiling('x86-64', 20, 10, 8), ceiling('x86-64-v3', 80, 12, 9)],
    peakGflops: 80,
    bandwidthGBps: 12,
    arrayBytes: 128 * 2 ** 20,
    skipped: [],
  };
}
