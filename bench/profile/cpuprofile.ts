// A V8 CPU profile (.cpuprofile) reduced to a hotspot table: time per function, self and total.
// Pure: text in, table out, no I/O.
//
// A sample's time is the interval from it to the next sample (the last one: to the profile's end),
// as Chrome DevTools counts it. Self time goes to the function on top of the stack; total time to
// every distinct function on the stack, once per sample, so recursion is never counted twice.
// A function is its name, file and line (after source maps, when the profiled process had them).

import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { CpuProfile, CpuProfileCallFrame, Hotspot, HotspotKind, HotspotTable, SourceLocation, SourceLocations } from '../types.js';

/** V8's pseudo-frames: not functions, but where the time went all the same. */
const PSEUDO_FRAMES: Readonly<Record<string, HotspotKind>> = {
  '(program)': 'program',
  '(garbage collector)': 'gc',
  '(idle)': 'idle',
};
const ROOT = '(root)';

/** The key source maps are recorded under: the frame's generated position, as V8 numbers it. */
export function frameKey(frame: Pick<CpuProfileCallFrame, 'url' | 'lineNumber' | 'columnNumber'>): string {
  return `${frame.url}:${frame.lineNumber}:${frame.columnNumber}`;
}

/** A profile URL as a file path where it is one, else unchanged (`node:internal/…`). */
export function urlToFile(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Parses and checks a .cpuprofile; a file that is not one is a UserError naming `source`. */
export function parseCpuProfile(text: string, source: string): CpuProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const p = data as Partial<Record<keyof CpuProfile, unknown>> | null;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.nodes) || !isNumberArray(p.samples) || !isNumberArray(p.timeDeltas)) {
    throw new UserError(`${source}: not a V8 CPU profile (needs nodes, samples and timeDeltas)`);
  }
  if (typeof p.startTime !== 'number' || typeof p.endTime !== 'number') throw new UserError(`${source}: not a V8 CPU profile (no startTime/endTime)`);
  if (p.samples.length !== p.timeDeltas.length) throw new UserError(`${source}: samples and timeDeltas differ in length`);
  const ids = new Set<number>();
  for (const node of p.nodes as unknown[]) {
    const n = node as { id?: unknown; callFrame?: Partial<Record<keyof CpuProfileCallFrame, unknown>>; children?: unknown } | null;
    const frame = n?.callFrame;
    if (
      typeof n?.id !== 'number' || typeof frame !== 'object' || frame === null ||
      typeof frame.functionName !== 'string' || typeof frame.url !== 'string' ||
      typeof frame.lineNumber !== 'number' || typeof frame.columnNumber !== 'number' ||
      (n.children !== undefined && !isNumberArray(n.children))
    ) {
      throw new UserError(`${source}: malformed profile node ${JSON.stringify(n?.id ?? null)}`);
    }
    ids.add(n.id);
  }
  for (const id of p.samples) if (!ids.has(id)) throw new UserError(`${source}: a sample names node ${id}, which is not in the profile`);
  return data as CpuProfile;
}

interface FunctionInfo {
  readonly key: string;
  readonly name: string;
  readonly kind: HotspotKind;
  readonly location: SourceLocation | null;
}

function describeFrame(frame: CpuProfileCallFrame, locations: SourceLocations): FunctionInfo {
  const pseudo = PSEUDO_FRAMES[frame.functionName];
  if (pseudo && frame.url === '') return { key: frame.functionName, name: frame.functionName, kind: pseudo, location: null };
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') {
    // Script 0 is V8's natives (builtins, the runtime); other code without a URL came from eval or
    // new Function: JavaScript all the same, told apart by its script and line.
    if (frame.scriptId === '0' || !frame.scriptId) return { key: `${name}\u0000native`, name, kind: 'native', location: null };
    return { key: `${name}\u0000eval ${frame.scriptId}\u0000${frame.lineNumber}`, name, kind: 'function', location: null };
  }
  // V8 numbers from 0, and gives -1 where it has no position (a module's top level at times).
  const location = locations[frameKey(frame)] ?? {
    file: urlToFile(frame.url),
    line: Math.max(0, frame.lineNumber + 1),
    column: Math.max(0, frame.columnNumber + 1),
  };
  // Identity is name, file and line: the same function seen at two columns (inlined, re-parsed)
  // is one function; two anonymous functions on one line are one row, which a person can live with.
  return { key: `${name}\u0000${location.file}\u0000${location.line}`, name, kind: 'function', location };
}

/**
 * The hotspot table of a profile: every function with its self and total time, highest self time
 * first (ties: higher total time, then name). `(root)` is left out: it is on every stack.
 */
export function computeHotspots(profile: CpuProfile, locations: SourceLocations = {}): HotspotTable {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Time per node: each sample lasts until the next one; the last until the profile's end.
  const nodeUs = new Map<number, number>();
  const nodeSamples = new Map<number, number>();
  let t = profile.startTime;
  const times = profile.timeDeltas.map((delta) => (t += Math.max(0, delta)));
  let sampledUs = 0;
  profile.samples.forEach((id, i) => {
    const duration = Math.max(0, (i + 1 < times.length ? times[i + 1] : Math.max(profile.endTime, times[i])) - times[i]);
    nodeUs.set(id, (nodeUs.get(id) ?? 0) + duration);
    nodeSamples.set(id, (nodeSamples.get(id) ?? 0) + 1);
    sampledUs += duration;
  });

  const functions = new Map<number, FunctionInfo>();
  for (const node of profile.nodes) functions.set(node.id, describeFrame(node.callFrame, locations));

  const rows = new Map<string, { info: FunctionInfo; selfUs: number; totalUs: number; selfSamples: number }>();
  const rowOf = (info: FunctionInfo) => {
    let row = rows.get(info.key);
    if (!row) rows.set(info.key, (row = { info, selfUs: 0, totalUs: 0, selfSamples: 0 }));
    return row;
  };
  for (const [id, us] of nodeUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName !== ROOT || node.callFrame.url !== '') {
      const top = rowOf(functions.get(id)!);
      top.selfUs += us;
      top.selfSamples += nodeSamples.get(id) ?? 0;
    }
    // Every distinct function on this node's stack gets the node's time once.
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.functionName === ROOT && frame.url === '') continue;
      const info = functions.get(at)!;
      if (onStack.has(info.key)) continue;
      onStack.add(info.key);
      rowOf(info).totalUs += us;
    }
  }

  const percent = (us: number) => (sampledUs > 0 ? (100 * us) / sampledUs : 0);
  const hotspots: Hotspot[] = [...rows.values()]
    .map(({ info, selfUs, totalUs, selfSamples }) => ({
      name: info.name,
      kind: info.kind,
      location: info.location,
      selfMs: selfUs / 1000,
      totalMs: totalUs / 1000,
      selfPercent: percent(selfUs),
      totalPercent: percent(totalUs),
      selfSamples,
    }))
    .sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs || a.name.localeCompare(b.name));
  return { samples: profile.samples.length, sampledMs: sampledUs / 1000, hotspots };
}
