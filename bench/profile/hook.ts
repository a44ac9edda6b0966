// Preloaded (`node --import`) into the process `hotbench profile` profiles, whatever tool runs it.
// It records a V8 CPU profile with the inspector's Profiler (the same sampler as `node --cpu-prof`)
// and, at exit, resolves the profile's positions through the source maps the process holds: tsc's
// .js.map files, and tsx's maps of TypeScript, which exist only in this process's memory. It writes
// profile.cpuprofile (raw, for DevTools or speedscope), profile.locations.json and how the process
// ended (profile.exit.json) into the folder named by HOTBENCH_PROFILE_DIR; without that variable it does nothing. The variable is removed at
// once, so processes the program starts (which inherit --import) do not overwrite the profile. The
// driver of kernel variants restarts the profile once its start-up is done (see PROFILE_RESTART).

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';
import path from 'node:path';
import type { CpuProfile, SourceLocation, SourceLocations } from '../types.js';
import { frameKey, urlToFile } from './cpuprofile.js';
import { EXIT_FILE, LOCATIONS_FILE, PROFILE_DIR_VARIABLE, PROFILE_FILE, PROFILE_RESTART } from './layout.js';
/** Sampling interval, µs: that of `node --cpu-prof`. */
const SAMPLING_INTERVAL_US = 1000;

function originalLocation(url: string, line: number, column: number): SourceLocation | undefined {
  const map = findSourceMap(url) ?? findSourceMap(urlToFile(url));
  const entry = map?.findEntry(line, column) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  return { file: urlToFile(entry.originalSource), line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

function sourceLocations(profile: CpuProfile): SourceLocations {
  const locations: Record<string, SourceLocation> = {};
  for (const { callFrame } of profile.nodes) {
    if (!callFrame.url.startsWith('file:')) continue;
    const key = frameKey(callFrame);
    if (key in locations) continue;
    const found = originalLocation(callFrame.url, callFrame.lineNumber, callFrame.columnNumber);
    if (found) locations[key] = found;
  }
  return locations;
}

const folder = process.env[PROFILE_DIR_VARIABLE];
if (folder) {
  delete process.env[PROFILE_DIR_VARIABLE];
  // Modules loaded from here on keep their source maps where findSourceMap can see them.
  process.setSourceMapsEnabled(true);
  const session = new Session();
  session.connect();
  // An in-process session answers synchronously, so the profiler is running when this returns, and
  // the profile is in hand inside the synchronous 'exit' handler.
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  session.post('Profiler.start');
  (globalThis as Record<symbol, unknown>)[PROFILE_RESTART] = function restartProfile(): void {
    session.post('Profiler.stop');
    session.post('Profiler.start');
  };
  process.on('exit', (exitCode) => {
    // 0x and clinic exit 0 whatever the program did: say how it ended.
    writeFileSync(path.join(folder, EXIT_FILE), JSON.stringify({ pid: process.pid, exitCode }));
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      const profile = result.profile as unknown as CpuProfile;
      writeFileSync(path.join(folder, PROFILE_FILE), JSON.stringify(profile));
      writeFileSync(path.join(folder, LOCATIONS_FILE), JSON.stringify(sourceLocations(profile)));
    });
    session.disconnect();
  });
}
