// Results that cannot be true. A valid variant can still be measured doing less than its kernel
// asks: an answer looked up instead of computed, a call the JIT removed, a work model that counts
// bytes never moved. Two checks catch what no honest variant can do:
// - it moved more bytes per second than the machine's memory allows, for data too large to stay in
//   its last-level cache (the roofline's bandwidth, with a margin);
// - it took no longer per call than an empty call in the same loop, within that loop's noise.
// A suspect variant is shown with the reason and never ranked. The same rule applies to every
// results file analysis reads (older ones included), and `run` records its finding in the file.

import type { Cell, Environment, MachineRoofline } from '../types.js';

/**
 * How far above the measured bandwidth roof a result may land before it cannot be true: the roof is
 * one core's best triad or store pass, while a kernel may stream better (legval's native rung
 * moved 27 GB/s under a 16.7 GB/s triad roof on this project's VM), and a roof measured on a busy
 * machine reads low (the same VM read 11 GB/s at load 5). An answer read from memory instead of
 * computed lands orders of magnitude above it, not four times.
 */
export const ROOF_MARGIN = 4;

/**
 * The empty call's noise: its samples' spread (this many median absolute deviations), the timer's
 * resolution spread over a batch, or this share of the empty call itself (the same loop measured at
 * another moment differs by a few percent), whichever is largest. A call that costs no more than
 * an empty one plus that noise did no measurable work; one multiply-add more is already measurable.
 */
export const EMPTY_CALL_MADS = 3;
export const EMPTY_CALL_SHARE = 0.1;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const gb = (bytesPerNs: number): string => `${bytesPerNs.toPrecision(3)} GB/s`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 24 ? 1 : 0)} MiB`;
const ns = (value: number): string => `${value.toPrecision(3)} ns`;

/**
 * Why `cell` moved more bytes per second than `roofline` allows, or null. The roof is one core's: a
 * parallel cell's p workers may together move up to p times it (an upper bound: a socket's
 * bandwidth grows less than that with its cores).
 */
function beyondTheRoof(cell: Cell, roofline: MachineRoofline, environment: Environment): string | null {
  if (!cell.stats || !(cell.work.bytes > 0)) return null;
  // Without sysfs's word on the cache, the bandwidth probes' arrays (at least 4 × the cache) bound it.
  const cacheBytes = environment.lastLevelCacheBytes ?? roofline.arrayBytes / 4;
  if (!(cell.work.bytes > cacheBytes)) return null;
  const workers = cell.workers?.count ?? 1;
  const roof = Math.max(roofline.bandwidthGBps, ...roofline.ceilings.map((c) => c.storeGBps)) * workers;
  const achieved = cell.work.bytes / cell.stats.medianNs;
  if (!(achieved > roof * ROOF_MARGIN)) return null;
  const whose = workers > 1 ? `${workers} workers × one core's memory bandwidth` : "this machine's memory bandwidth";
  return `moves ${gb(achieved)} by its work model, ${(achieved / roof).toFixed(1)}x ${whose} (${gb(roof)}) for ${mib(cell.work.bytes)} per call, more than its last-level cache (${mib(cacheBytes)}) holds`;
}

/** Why `cell` is no slower than an empty call in the same loop, or null. */
function noSlowerThanEmpty(cell: Cell): string | null {
  if (!cell.stats) return null;
  const floors = cell.rounds
    .filter((r) => r.emptyCall && r.samples > 0)
    .map((r) => {
      const { medianNs, madNs } = r.emptyCall!;
      return medianNs + Math.max(EMPTY_CALL_MADS * madNs, EMPTY_CALL_SHARE * medianNs, r.timer.resolutionNs / Math.max(r.batch, 1));
    });
  if (floors.length === 0) return null;
  const floor = median(floors);
  if (!(cell.stats.medianNs <= floor)) return null;
  const empty = median(cell.rounds.filter((r) => r.emptyCall).map((r) => r.emptyCall!.medianNs));
  return `${ns(cell.stats.medianNs)} per call is within the noise of an empty call in the same loop (${ns(empty)}, noise up to ${ns(floor)}): no measurable work`;
}

/**
 * Why a valid, measured cell's result cannot be true, in one line, or null when nothing says so.
 * `roofline` is its machine's, when known.
 */
export function suspicion(cell: Cell, roofline: MachineRoofline | null, environment: Environment): string | null {
  if (cell.validation.status !== 'valid' || !cell.stats) return null;
  const reasons = [noSlowerThanEmpty(cell), roofline ? beyondTheRoof(cell, roofline, environment) : null].filter((r): r is string => r !== null);
  return reasons.length ? reasons.join('; ') : null;
}
