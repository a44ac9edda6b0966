// One profile from start to table: run the program (a kernel variant through the driver, or the
// user's script) under the chosen tool, check that the tool left what it should, turn the CPU profile
// into the hotspot table, and write the record (hotspots.json) and its Markdown (hotspots.md).

import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import { harnessExecArgv, harnessModule } from '../paths.js';
import { displayFile } from '../report/hotspots.js';
import { renderProfileMarkdown } from '../report/markdown.js';
import { writeFileAtomic } from '../results/store.js';
import type { CpuProfile, DriverJob, HotspotTable, DriverSummary, ProfileRecord, ProfileTarget, ProfileTool, SourceMapsByUrl } from '../types.js';
import { computeHotspots, parseCpuProfile } from './cpuprofile.js';
import { DRIVER_FILE, EXIT_FILE, LOG_FILE, MARKDOWN_FILE, PROFILE_FILE, RECORD_FILE, SOURCE_MAPS_FILE } from './layout.js';
import { resolveLocations } from './sourcemaps.js';
import { writeProfileRecord } from './store.js';
import { clinicSamplesToProfile, zeroXStacksToProfile } from './ticks.js';
import { runTool, toolCommand, usesTickProfiler, type ProfiledProgram, type TableSource, type ToolCommand, type ToolOutcome } from './tools.js';

/** Rows of hotspots.md; hotspots.json keeps them all. */
const MARKDOWN_ROWS = 50;

const hookImport = ['--import', pathToFileURL(harnessModule('profile/hook')).href];

/** The driver process that calls one kernel variant for a while (see driver.ts). */
export function kernelProgram(job: Omit<DriverJob, 'summaryFile'>, folder: string): ProfiledProgram {
  const full: DriverJob = { ...job, summaryFile: path.join(folder, DRIVER_FILE) };
  return { nodeArgs: [...harnessExecArgv, ...hookImport], entry: harnessModule('profile/driver'), args: [JSON.stringify(full)] };
}

export const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

/** A user's program; TypeScript runs through tsx, resolved from hotbench's own dependencies. */
export function scriptProgram(script: string, args: readonly string[]): ProfiledProgram {
  const tsx = TYPESCRIPT_FILE.test(script) && harnessExecArgv.length === 0 ? ['--import', import.meta.resolve('tsx')] : [];
  return { nodeArgs: [...harnessExecArgv, ...tsx, ...hookImport], entry: script, args };
}

export interface ProfileRequest {
  readonly tool: ProfileTool;
  readonly target: ProfileTarget;
  readonly program: ProfiledProgram;
  /** Created here; must not exist yet, or be empty. */
  readonly folder: string;
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly command: readonly string[];
  readonly signal?: AbortSignal;
}

function makeFolder(folder: string): void {
  if (existsSync(folder) && readdirSync(folder).length > 0) throw new UserError(`profile: ${folder} already exists and is not empty`);
  mkdirSync(folder, { recursive: true });
}

function filesUnder(folder: string, prefix = ''): string[] {
  return readdirSync(path.join(folder, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const relative = path.join(prefix, entry.name);
      return entry.isDirectory() ? filesUnder(folder, relative) : [relative];
    });
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Every way a profile run can go wrong, as one line: the tool's outcome, the program's, the files. */
function checkFinished(request: ProfileRequest, command: ToolCommand, outcome: ToolOutcome): void {
  const { tool, folder } = request;
  const log = displayFile(path.join(folder, LOG_FILE));
  const said = outcome.lastLine ? `: ${outcome.lastLine}` : '';
  if (outcome.aborted) throw new UserError(`profile: interrupted; what ${tool} wrote so far is in ${displayFile(folder)}`);
  if (outcome.timedOut) throw new UserError(`profile: ${tool} did not finish within ${request.timeoutMs} ms and was stopped (--timeout; output in ${log})`);
  // 0x and clinic exit 0 whatever the program did; the hook says how it ended.
  const exit = readJson<{ pid: number; exitCode: number }>(path.join(folder, EXIT_FILE));
  if (exit && exit.exitCode !== 0) throw new UserError(`profile: the profiled program exited with code ${exit.exitCode}${said} (output in ${log})`);
  if (outcome.code !== 0) {
    const how = outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.code}`;
    throw new UserError(`profile: ${tool} failed (${how})${said} (output in ${log})`);
  }
  if (command.outputDir) {
    const html = existsSync(command.outputDir) ? filesUnder(command.outputDir).filter((f) => f.endsWith('.html')) : [];
    if (html.length === 0) throw new UserError(`profile: ${tool} exited 0 but wrote no HTML report in ${displayFile(command.outputDir)}${said} (output in ${log})`);
  }
}

const TABLE_FILES: Readonly<Record<TableSource, RegExp>> = {
  cpuprofile: new RegExp(`^${PROFILE_FILE.replace('.', '\\.')}$`),
  '0x-stacks': /^0x\/stacks\.\d+\.json$/,
  'clinic-samples': /^clinic\/\d+\.clinic-flame\/\d+\.clinic-flame-samples$/,
};

/** The run's stacks as a CPU profile, and the file (relative to the folder) they came from. */
function readStacks(source: TableSource, folder: string): { readonly file: string; readonly profile: CpuProfile } {
  const file = filesUnder(folder).find((f) => TABLE_FILES[source].test(f));
  if (!file) throw new UserError(`profile: the run left no stacks to make a table of in ${displayFile(folder)} (expected ${TABLE_FILES[source].source}; did the program end by a signal?)`);
  const full = path.join(folder, file);
  const text = readFileSync(full, 'utf8');
  const profile = source === 'cpuprofile' ? parseCpuProfile(text, full) : source === '0x-stacks' ? zeroXStacksToProfile(text, full) : clinicSamplesToProfile(text, full);
  return { file, profile };
}

/** A tick table that is mostly epoll_pwait: the program waited, or (see usesTickProfiler) the samples went astray. */
function strayTicks(table: HotspotTable): string[] {
  const top = table.hotspots[0];
  if (!top || top.kind !== 'native' || !/^epoll_p?wait\b/.test(top.name) || top.selfPercent < 50) return [];
  return [
    `${top.selfPercent.toFixed(0)}% of the ticks are in ${top.name.split('@')[0]} (waiting for I/O). If the program was busy, V8's tick profiler lost track of it, as it does now and then with loader hooks on their own thread (tsx's): run again, or use --tool cpu-prof.`,
  ];
}

export async function runProfile(request: ProfileRequest): Promise<ProfileRecord> {
  const { tool, folder } = request;
  const command = toolCommand(tool, request.program, folder); // a missing tool fails before anything is written
  makeFolder(folder);
  const outcome = await runTool(command, { cwd: request.cwd, timeoutMs: request.timeoutMs, logFile: path.join(folder, LOG_FILE), signal: request.signal });
  checkFinished(request, command, outcome);

  const { file: tableSource, profile } = readStacks(command.table, folder);
  const locations = resolveLocations(profile, readJson<SourceMapsByUrl>(path.join(folder, SOURCE_MAPS_FILE)) ?? {});
  const driver = readJson<DriverSummary>(path.join(folder, DRIVER_FILE));
  const table = computeHotspots(profile, locations);
  const notes = usesTickProfiler(tool) ? strayTicks(table) : [];
  const record: ProfileRecord = {
    createdAt: new Date().toISOString(),
    command: request.command,
    tool,
    target: request.target,
    folder,
    artifacts: [...filesUnder(folder), RECORD_FILE, MARKDOWN_FILE],
    ...(driver ? { driver } : {}),
    tableSource,
    table,
    ...(notes.length > 0 ? { notes } : {}),
  };
  writeProfileRecord(record);
  writeFileAtomic(path.join(folder, MARKDOWN_FILE), renderProfileMarkdown(record, MARKDOWN_ROWS));
  return record;
}
