// Profiling: tools, profile folders and hotspot tables.

import type { Rung } from './kernel.js';
import type { SizeRef } from './results.js';
import type { DefinitionRef } from './harness.js';

/** The profilers `hotbench profile` drives. */
export type ProfileTool = 'cpu-prof' | '0x' | 'clinic-flame' | 'clinic-doctor';

/** A frame of a V8 CPU profile (`.cpuprofile`, the Profiler domain of the inspector protocol). */
export interface CpuProfileCallFrame {
  readonly functionName: string;
  readonly scriptId: string;
  /** A file:// URL, `node:…` for Node's own modules, or empty for natives and V8's pseudo-frames. */
  readonly url: string;
  /** 0-based, as V8 counts. */
  readonly lineNumber: number;
  readonly columnNumber: number;
}

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: CpuProfileCallFrame;
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/** The contents of a `.cpuprofile` file. */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  /** Microseconds. */
  readonly startTime: number;
  readonly endTime: number;
  /** The node on top of the stack at each sample. */
  readonly samples: readonly number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  readonly timeDeltas: readonly number[];
}

/** A place in a source file, 1-based as people and editors count; 0 where V8 gave no position. */
export interface SourceLocation {
  /** An absolute path, or a URL when the code does not come from a file (`node:internal/…`). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * The source maps (v3 objects, sources made absolute) the profiled process held, by the URL of the
 * script they map: tsc's .js.map files, and tsx's maps of TypeScript, which exist only in memory.
 */
export type SourceMapsByUrl = Readonly<Record<string, object>>;

/**
 * Where the generated code's positions in a profile came from in the sources, through the source
 * maps: `url:line:column` of a call frame (V8's 0-based numbers) → the original location.
 */
export type SourceLocations = Readonly<Record<string, SourceLocation>>;

/**
 * function: JavaScript code (without a location when it comes from eval or new Function); native:
 * code without a script (a builtin, a native addon); program:
 * V8's own work outside JavaScript (parsing, compiling, the runtime); gc: the garbage collector;
 * idle: the thread waited (I/O, timers).
 */
export type HotspotKind = 'function' | 'native' | 'program' | 'gc' | 'idle';

/** One function of a profile with its time. A function is its name, file and line. */
export interface Hotspot {
  readonly name: string;
  readonly kind: HotspotKind;
  /** Null for V8's pseudo-frames, natives, and code made by eval or new Function. */
  readonly location: SourceLocation | null;
  /** Time with the function on top of the stack, ms. */
  readonly selfMs: number;
  /** Time with the function anywhere on the stack, counted once per sample however deep it recurses, ms. */
  readonly totalMs: number;
  /** Of the profile's sampled time. */
  readonly selfPercent: number;
  readonly totalPercent: number;
  /** Samples with the function on top of the stack. */
  readonly selfSamples: number;
}

/** A profile reduced to functions by self time, highest first. */
export interface HotspotTable {
  readonly samples: number;
  /** Time covered by the samples, ms: what the percentages are of. */
  readonly sampledMs: number;
  readonly hotspots: readonly Hotspot[];
}

/** What was profiled: a variant of a kernel at a size, or a user's program. */
export type ProfileTarget =
  | {
      readonly kind: 'kernel';
      readonly kernel: string;
      /** The variant's name; with `build` it identifies the variant (`naive@js`). */
      readonly variant: string;
      readonly build: string;
      readonly rung: Rung;
      readonly size: SizeRef;
      readonly seed: number;
    }
  | { readonly kind: 'script'; readonly script: string; readonly args: readonly string[] };

/** How the variant driver used its time in the profiled process. */
export interface DriverSummary {
  readonly calls: number;
  readonly runMs: number;
  readonly setupMs: number;
}

/** A profile folder's record (`hotspots.json`): what ran under which tool, its files and its table. */
export interface ProfileRecord {
  readonly createdAt: string;
  /** The command line that produced the profile. */
  readonly command: readonly string[];
  readonly tool: ProfileTool;
  readonly target: ProfileTarget;
  /** The profile folder, as it was given or found. */
  readonly folder: string;
  /** Files in the folder, relative to it: the tool's own (HTML, logs) and the .cpuprofile. */
  readonly artifacts: readonly string[];
  /** Present when a kernel variant was profiled. */
  readonly driver?: DriverSummary;
  /**
   * What the table was computed from, relative to the folder: profile.cpuprofile (V8's CPU profiler,
   * timed samples), or the tool's own stacks (V8's tick profiler, under 0x and clinic flame; a tick
   * counts as 1 ms).
   */
  readonly tableSource: string;
  readonly table: HotspotTable;
  /** What a person should know before trusting the table, one line each. */
  readonly notes?: readonly string[];
}

/** What `hotbench profile` asks the driver process to do: call one variant for a while. */
export interface DriverJob {
  readonly kernel: DefinitionRef;
  readonly variant: DefinitionRef;
  readonly size: string;
  readonly seed: number;
  readonly durationMs: number;
  /**
   * Hand the event loop a turn this often (ms), so samplers that run on it (clinic doctor's) see the
   * process; null: never (under V8's tick profiler, whose samples turns of the event loop can send
   * astray when loader hooks run on their own thread).
   */
  readonly yieldEveryMs: number | null;
  /** Where the driver writes its DriverSummary (JSON). */
  readonly summaryFile: string;
}
