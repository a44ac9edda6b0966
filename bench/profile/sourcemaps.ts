// A profile's generated positions mapped back to the sources, with the source maps the profiled
// process held (see hook.ts). Pure: maps in, locations out.

import { SourceMap, type SourceMapPayload } from 'node:module';
import type { CpuProfile, SourceLocation, SourceLocations, SourceMapsByUrl } from '../types.js';
import { frameKey, urlToFile } from './cpuprofile.js';

export function resolveLocations(profile: CpuProfile, maps: SourceMapsByUrl): SourceLocations {
  const parsed = new Map<string, SourceMap>();
  const locations: Record<string, SourceLocation> = {};
  for (const { callFrame } of profile.nodes) {
    const payload = maps[callFrame.url];
    const key = frameKey(callFrame);
    if (!payload || key in locations || callFrame.lineNumber < 0) continue;
    let map = parsed.get(callFrame.url);
    if (!map) parsed.set(callFrame.url, (map = new SourceMap(payload as SourceMapPayload)));
    const entry = map.findEntry(callFrame.lineNumber, Math.max(0, callFrame.columnNumber)) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalSource && entry.originalLine !== undefined && entry.originalColumn !== undefined) {
      locations[key] = { file: urlToFile(entry.originalSource), line: entry.originalLine + 1, column: entry.originalColumn + 1 };
    }
  }
  return locations;
}
