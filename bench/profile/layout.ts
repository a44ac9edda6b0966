// What a profile folder holds, by name, and the handshake with the profiled process. Shared by the
// hook, the driver, its parent and the readers; no code here, so loading it into a profiled process
// does nothing.

/** The environment variable that tells the hook in the profiled process where to write. */
export const PROFILE_DIR_VARIABLE = 'HOTBENCH_PROFILE_DIR';
/** Set to 1, it tells the hook to run V8's CPU profiler (not with 0x and clinic flame: see tools.ts). */
export const CPU_PROFILE_VARIABLE = 'HOTBENCH_PROFILE_CPU';
/** The V8 CPU profile, raw (DevTools, speedscope), when the hook ran the CPU profiler. */
export const PROFILE_FILE = 'profile.cpuprofile';
/** The source maps the profiled process held, by script URL (SourceMapsByUrl). */
export const SOURCE_MAPS_FILE = 'profile.sourcemaps.json';
/** The profiled process's pid and exit code ({ pid, exitCode }): the tools do not all pass it on. */
export const EXIT_FILE = 'profile.exit.json';
/** What the tool and the profiled program printed. */
export const LOG_FILE = 'output.log';
/** The driver's DriverSummary, when a kernel variant was profiled. */
export const DRIVER_FILE = 'driver.json';
/** The ProfileRecord, hotspot table included. */
export const RECORD_FILE = 'hotspots.json';
/** The hotspot table for people. */
export const MARKDOWN_FILE = 'hotspots.md';
/** Where `hotbench profile --run FILE` puts profiles: this folder beside the results file. */
export const PROFILES_BESIDE_RESULTS = 'profiles';
/**
 * The hook in the profiled process puts a function under this global key that throws away what was
 * sampled so far and starts again: the driver calls it once the harness's own start-up is done.
 */
export const PROFILE_RESTART = Symbol.for('hotbench.profile.restart');
