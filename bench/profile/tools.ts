// The profilers, and how each one is started: always `node <tool's own bin> …` with an argument
// array (no shell), the profiled program after `--`, stdin closed, output to a log file, no browser,
// a time limit that kills the whole process group, and an AbortSignal for the caller's Ctrl+C.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { ProfileTool } from '../types.js';
import { CPU_PROFILE_VARIABLE, PROFILE_DIR_VARIABLE } from './layout.js';

export const PROFILE_TOOLS: readonly ProfileTool[] = ['cpu-prof', '0x', 'clinic-flame', 'clinic-doctor'];

/**
 * Whether the tool samples with V8's tick profiler (`--prof`). Its samples go astray now and then
 * (to the main thread's epoll_pwait) in a process whose loader hooks run on their own thread (tsx,
 * hotbench's kernel loading) and whose event loop turns; a busy loop that does not yield is safe.
 */
export function usesTickProfiler(tool: ProfileTool): boolean {
  return tool === '0x' || tool === 'clinic-flame';
}

export function isProfileTool(name: string): name is ProfileTool {
  return (PROFILE_TOOLS as readonly string[]).includes(name);
}

/** The node process to profile: its node flags, its entry module and the entry's arguments. */
export interface ProfiledProgram {
  readonly nodeArgs: readonly string[];
  readonly entry: string;
  readonly args: readonly string[];
}

/**
 * What a run's hotspot table is computed from: the CPU profile the hook records, or, under 0x and
 * clinic flame, the stacks of V8's tick profiler they use (the CPU profiler cannot run beside it:
 * the tick profiler then records almost nothing).
 */
export type TableSource = 'cpuprofile' | '0x-stacks' | 'clinic-samples';

export interface ToolCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly table: TableSource;
  /** The folder (within the profile folder) the tool writes its own files to, when it has one. */
  readonly outputDir?: string;
}

const requireHere = createRequire(import.meta.url);

/** The path of an npm package's command, or a UserError saying how to install it. */
function packageBin(tool: ProfileTool, pkg: string, command: string): string {
  let manifestPath: string;
  try {
    manifestPath = requireHere.resolve(`${pkg}/package.json`);
  } catch {
    throw new UserError(`profile: --tool ${tool} needs the npm package ${pkg}, which is not installed (npm install ${pkg})`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[command];
  const file = bin === undefined ? undefined : path.resolve(path.dirname(manifestPath), bin);
  if (!file || !existsSync(file)) throw new UserError(`profile: the ${pkg} package installed at ${path.dirname(manifestPath)} has no ${command} command`);
  return file;
}

/** How `tool` runs `program`, writing into `folder`. */
export function toolCommand(tool: ProfileTool, program: ProfiledProgram, folder: string): ToolCommand {
  const node = process.execPath;
  const target = [...program.nodeArgs, program.entry, ...program.args];
  const env = { [PROFILE_DIR_VARIABLE]: folder };
  const withCpuProfile = { ...env, [CPU_PROFILE_VARIABLE]: '1' };
  // Without NO_INSIGHT clinic asks for permission to collect statistics; with stdout not a terminal
  // it cannot ask, and silently writes nothing. NO_UPDATE_NOTIFIER: no registry check.
  const clinicEnv = { NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' };
  const clinic = (sub: string, outputDir: string) => [packageBin(tool, 'clinic', 'clinic'), sub, '--open=false', '--dest', outputDir, '--', node, ...target];
  const outputDir = path.join(folder, tool === '0x' ? '0x' : 'clinic');
  switch (tool) {
    case 'cpu-prof':
      return { file: node, args: target, env: withCpuProfile, table: 'cpuprofile' };
    case '0x':
      // --tree-debug: the stacks behind the flame graph, for the table.
      return { file: node, args: [packageBin(tool, '0x', '0x'), '--quiet', '--tree-debug', '--output-dir', outputDir, '--', node, ...target], env, table: '0x-stacks', outputDir };
    case 'clinic-flame':
      return { file: node, args: clinic('flame', outputDir), env: { ...env, ...clinicEnv }, table: 'clinic-samples', outputDir };
    case 'clinic-doctor':
      // Doctor samples the event loop, CPU and memory itself, not the stacks: the hook can profile.
      return { file: node, args: clinic('doctor', outputDir), env: { ...withCpuProfile, ...clinicEnv }, table: 'cpuprofile', outputDir };
  }
}

export interface ToolOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** The line of the output that best says what went wrong (see `telling`), for a one-line error. */
  readonly lastLine: string;
}

export interface ToolRunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  /** Everything the tool and the program write (stdout and stderr) goes here. */
  readonly logFile: string;
  readonly signal?: AbortSignal;
}

/**
 * The line of a tool's output that best explains a failure: the last error message (`TypeError: …`),
 * else the last line that is not Node's version banner. Colours are removed.
 */
export function telling(output: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  const latestFirst = lines.reverse();
  const error = latestFirst.find((l) => /^(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception)\b.*:/.test(l));
  return error ?? latestFirst.find((l) => !/^Node\.js v\d/.test(l)) ?? '';
}

/** Runs a tool to its end, or kills its process group at the time limit or on abort. */
export function runTool(command: ToolCommand, options: ToolRunOptions): Promise<ToolOutcome> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(options.logFile);
    let tail = '';
    let timedOut = false;
    let aborted = false;
    // Its own process group, so a timeout ends the profiled grandchild too, not only the tool.
    const child = spawn(command.file, command.args, {
      cwd: options.cwd,
      env: { ...process.env, ...command.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      log.end();
      reject(new UserError(`profile: could not start ${command.file}: ${error.message}`));
    });
    let finished = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      child.stdout.destroy();
      child.stderr.destroy();
      // eslint-disable-next-line no-control-regex
      const outcome: ToolOutcome = { code, signal, timedOut, aborted, lastLine: telling(tail) };
      log.end(() => resolve(outcome));
    };
    // Normally 'close' follows 'exit' once the output is read; but an orphaned grandchild may hold
    // the pipes open after the tool is gone, so 'exit' alone ends the wait a moment later.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      setTimeout(() => finish(code, signal), 1000).unref();
      child.on('close', () => finish(code, signal));
    });
  });
}
