// Preloaded (`node --import`) into the process `hotbench profile` profiles, whatever tool runs it,
// when HOTBENCH_PROFILE_DIR names the profile folder (otherwise it does nothing). The variable is
// removed at once, so processes the program starts (which inherit --import) leave the folder alone.
//
// - With HOTBENCH_PROFILE_CPU=1 it records a V8 CPU profile with the inspector's Profiler (the
//   sampler behind `node --cpu-prof`) and writes profile.cpuprofile at exit. Not under 0x or clinic
//   flame: V8's tick profiler they use records almost nothing while the CPU profiler runs. The driver
//   of kernel variants restarts the profile once its start-up is done (see PROFILE_RESTART).
// - Always, at exit: how the process ended (profile.exit.json; 0x and clinic do not pass it on), and
//   the source maps it holds for its scripts (profile.sourcemaps.json): tsc's, and tsx's maps of
//   TypeScript, which exist only in this process's memory. The parent maps positions with them.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';
import path from 'node:path';
import type { CpuProfile } from '../types.js';
import { urlToFile } from './cpuprofile.js';
import { CPU_PROFILE_VARIABLE, EXIT_FILE, PROFILE_DIR_VARIABLE, PROFILE_FILE, PROFILE_RESTART, SOURCE_MAPS_FILE } from './layout.js';

/** Sampling interval, µs: that of `node --cpu-prof`. */
const SAMPLING_INTERVAL_US = 1000;

/** The source maps of the given scripts that this process holds. */
function sourceMaps(urls: Iterable<string>): Record<string, object> {
  const maps: Record<string, object> = {};
  for (const url of new Set(urls)) {
    if (!url.startsWith('file:')) continue;
    const map = findSourceMap(url) ?? findSourceMap(urlToFile(url));
    if (map) maps[url] = map.payload;
  }
  return maps;
}

const folder = process.env[PROFILE_DIR_VARIABLE];
const cpuProfile = process.env[CPU_PROFILE_VARIABLE] === '1';
if (folder) {
  delete process.env[PROFILE_DIR_VARIABLE];
  delete process.env[CPU_PROFILE_VARIABLE];
  // Modules loaded from here on keep their source maps where findSourceMap can see them.
  process.setSourceMapsEnabled(true);
  const session = new Session();
  session.connect();
  // An in-process session answers synchronously: the profiler is running when this returns, and
  // everything below is in hand inside the synchronous 'exit' handler.
  if (cpuProfile) {
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    session.post('Profiler.start');
    (globalThis as Record<symbol, unknown>)[PROFILE_RESTART] = function restartProfile(): void {
      session.post('Profiler.stop');
      session.post('Profiler.start');
    };
  }
  process.on('exit', (exitCode) => {
    writeFileSync(path.join(folder, EXIT_FILE), JSON.stringify({ pid: process.pid, exitCode }));
    let urls: string[] = [];
    if (cpuProfile) {
      session.post('Profiler.stop', (error, result) => {
        if (error || !result) return;
        const profile = result.profile as unknown as CpuProfile;
        writeFileSync(path.join(folder, PROFILE_FILE), JSON.stringify(profile));
        urls = profile.nodes.map((node) => node.callFrame.url);
      });
    } else {
      // The scripts still alive, without having run a sampler: best-effort coverage lists them.
      session.post('Profiler.enable');
      session.post('Profiler.getBestEffortCoverage', (error, result) => {
        if (!error && result) urls = result.result.map((script) => script.url);
      });
    }
    writeFileSync(path.join(folder, SOURCE_MAPS_FILE), JSON.stringify(sourceMaps(urls)));
    session.disconnect();
  });
}
