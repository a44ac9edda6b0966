// Runs one job in a fresh child process and turns every way it can end into a ChildReply: a reply,
// a timeout, a crash, a signal or running out of memory. The parent never throws because a variant
// misbehaved; a failed reply carries the failure's kind, derived here from how the process ended.
// Only how the process starts varies (forked; an MPI variant's under the MPI launcher; an external
// variant's program, with the job in a folder of files: bench/external/exchange.ts); the job and the
// reply are the same every way (channel.ts).

import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { prepareExchange, type PreparedExchange } from '../external/exchange.js';
import { KernelFault } from '../validate/validate.js';
import os from 'node:os';
import path from 'node:path';
import { harnessExecArgv, harnessModule } from '../paths.js';
import { CHANNEL_ENV, JOB_FILE_ENV, readMessage, REPLY_FILE_ENV, writeMessage } from './channel.js';
import { drawLayoutShift, LAYOUT_ENV, LAYOUT_PAD_ENV, layoutEnvironment, NO_LAYOUT_SHIFT_ENV } from './layout.js';
import { launcherArgs, mpiLauncher, rankSignal } from './launcher.js';
import { killTagged, newProcessTag, PROCESS_TAG_ENV } from './process-sweep.js';
import type { ChildFailure, ChildHarness, ChildJob, ChildReply, ExternalSpec } from '../types.js';

/** This hotbench's own child entry (from source, started through tsx). */
export const ownHarness: ChildHarness = {
  entry: harnessModule('measure/child'),
  execArgv: harnessExecArgv,
};

/** The child entry of a compiled build of hotbench, from its dist/ folder (the gate's base, say). */
export function compiledHarness(dist: string): ChildHarness {
  return { entry: path.join(dist, 'bench', 'measure', 'child.js'), execArgv: [] };
}

/** Bounds on one child process. */
export interface ChildLimits {
  /** Killed (SIGKILL) after this long, ms. */
  readonly timeoutMs: number;
  /** V8's old-space limit, MiB (`--max-old-space-size`); none when absent. */
  readonly maxHeapMb?: number;
}

/** Signals a process raises on itself when it crashes (native code, abort, V8's fatal errors). */
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTRAP', 'SIGSYS']);
/** What V8 prints when a heap limit is reached. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|allocation failed - process out of memory|Invalid array length|Array buffer allocation failed/i;

/** How a child that sent no reply ended: its exit code or signal, and the last lines it printed. */
export function classifyExit(code: number | null, signal: NodeJS.Signals | null, stderr: string): ChildFailure {
  const lines = stderr.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const lastLine = lines.pop();
  const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
  const base = { ...(signal ? { signal } : {}), ...(code !== null ? { exitCode: code } : {}) };
  if (OUT_OF_MEMORY.test(stderr)) {
    const oom = [...lines, lastLine ?? ''].find((l) => OUT_OF_MEMORY.test(l)) ?? lastLine;
    return { kind: 'out-of-memory', message: `child process ran out of memory (${how}): ${oom}`, ...base };
  }
  const message = `child process ${how}${lastLine ? `: ${lastLine}` : ''}`;
  // 128 + n is how a shell reports death by signal n; Node reports a fatal abort the same way at times.
  if ((signal && CRASH_SIGNALS.has(signal)) || code === 134 || code === 139) return { kind: 'crashed', message, ...base };
  if (signal) return { kind: 'signal', message, ...base };
  return { kind: 'crashed', message, ...base };
}

/**
 * How a job's process is started besides the harness's own defaults: an MPI variant's under the MPI
 * launcher with one rank per worker; a parallel job's processes tagged, so that none outlives it.
 */
export interface ChildStart {
  /** Start under the MPI launcher (bench/measure/launcher.ts) with this many ranks. */
  readonly mpiRanks?: number;
  /** More workers than cores (--oversubscribe). */
  readonly oversubscribe?: boolean;
  /** Tag the job's processes and end any still running when it is over (process-sweep.ts). */
  readonly sweep?: boolean;
  /** An external variant: its program is started instead of a child of the harness. */
  readonly external?: ExternalSpec;
}

/** The child's environment: the parent's, its layout shift (unless turned off), and `extra`. */
function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const layout = process.env[NO_LAYOUT_SHIFT_ENV] === '1' ? {} : layoutEnvironment(drawLayoutShift());
  return { ...process.env, ...layout, ...extra };
}

/**
 * Runs `job` in a fresh child process of `harness` (by default this hotbench's own), its layout
 * shifted at random (layout.ts) unless HOTBENCH_NO_LAYOUT_SHIFT=1: forked, with the job and reply
 * over Node's IPC channel, or (an MPI variant) under the MPI launcher, with the same job and reply
 * in files (channel.ts).
 */
export function runChild(job: ChildJob, limits: ChildLimits, harness: ChildHarness = ownHarness, start: ChildStart = {}): Promise<ChildReply> {
  if (start.external) return runExternal(job, limits, start.external);
  return start.mpiRanks ? runUnderLauncher(job, limits, harness, start) : forkChild(job, limits, harness, start);
}

function nodeArgs(limits: ChildLimits, harness: ChildHarness): string[] {
  const heap = limits.maxHeapMb ? [`--max-old-space-size=${limits.maxHeapMb}`] : [];
  return [...harness.execArgv, '--expose-gc', ...heap];
}

function forkChild(job: ChildJob, limits: ChildLimits, harness: ChildHarness, start: ChildStart): Promise<ChildReply> {
  return new Promise((resolve) => {
    let reply: ChildReply | undefined;
    let stderr = '';
    const tag = start.sweep ? newProcessTag() : null;
    const child = fork(harness.entry, [], {
      execArgv: nodeArgs(limits, harness),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: childEnvironment(tag ? { [PROCESS_TAG_ENV]: tag } : {}),
      serialization: 'advanced',
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    const timer = setTimeout(() => {
      const message = `timed out after ${limits.timeoutMs} ms`;
      reply ??= { ok: false, message, kernelFault: false, failure: { kind: 'timeout', message } };
      // Its workers first: once it is gone they are no longer its children, and only the tag finds them.
      if (tag) killTagged(tag);
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    child.on('message', (message: ChildReply) => {
      reply ??= message.ok || message.failure ? message : { ...message, failure: { kind: 'threw', message: message.message } };
    });
    child.on('error', (error) => {
      const message = `could not start a child process: ${error.message}`;
      reply ??= { ok: false, message, kernelFault: false, failure: { kind: 'crashed', message } };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (tag) killTagged(tag);
      if (!reply) {
        const failure = classifyExit(code, signal, stderr);
        reply = { ok: false, message: failure.message, kernelFault: false, failure };
      }
      resolve(reply);
    });
    child.send(job);
  });
}

/** Where an MPI job's two files go: HOTBENCH_MPI_DIR (a folder every node sees, across machines), else the temporary folder. */
export const MPI_DIR_ENV = 'HOTBENCH_MPI_DIR';

/**
 * The job under the MPI launcher: its job file written, the launcher started with the Node command
 * line of the harness's child entry, and the reply read from rank 0's reply file once the launcher
 * has ended. A reply written is the answer however the launcher ended (it may complain after rank 0
 * is done); without one, its end is classified, with the signal it reports a rank died of.
 */
function runUnderLauncher(job: ChildJob, limits: ChildLimits, harness: ChildHarness, start: ChildStart): Promise<ChildReply> {
  const launcher = mpiLauncher();
  if (typeof launcher === 'string') {
    return Promise.resolve({ ok: false, message: launcher, kernelFault: false, failure: { kind: 'crashed', message: launcher } });
  }
  const dir = mkdtempSync(path.join(process.env[MPI_DIR_ENV] || os.tmpdir(), 'hotbench-mpi-'));
  const jobFile = path.join(dir, 'job');
  const replyFile = path.join(dir, 'reply');
  writeMessage(jobFile, job);
  const tag = newProcessTag();
  const extra = { [CHANNEL_ENV]: 'files', [JOB_FILE_ENV]: jobFile, [REPLY_FILE_ENV]: replyFile, [PROCESS_TAG_ENV]: tag };
  const env = childEnvironment(extra);
  const forward = [...Object.keys(extra), LAYOUT_ENV, LAYOUT_PAD_ENV].filter((name) => env[name] !== undefined);
  const args = [
    ...launcherArgs(launcher, { ranks: start.mpiRanks!, oversubscribe: start.oversubscribe ?? false, forward }),
    // The Node that runs the harness runs every rank (a launcher's PATH may hold another, or none).
    process.execPath,
    ...nodeArgs(limits, harness),
    harness.entry,
  ];
  return new Promise((resolve) => {
    let output = '';
    let timedOut: ChildReply | undefined;
    let failedToStart: ChildReply | undefined;
    const child = spawn(launcher.command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const timer = setTimeout(() => {
      const message = `timed out after ${limits.timeoutMs} ms`;
      timedOut = { ok: false, message, kernelFault: false, failure: { kind: 'timeout', message } };
      killTagged(tag);
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    child.on('error', (error) => {
      const message = `could not start the MPI launcher ${launcher.command}: ${error.message}`;
      failedToStart = { ok: false, message, kernelFault: false, failure: { kind: 'crashed', message } };
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killTagged(tag);
      let reply: ChildReply | undefined = timedOut ?? failedToStart;
      if (!reply) {
        try {
          reply = readMessage<ChildReply>(replyFile);
        } catch {
          const rank = rankSignal(output);
          const rankSignalName = rank === null ? null : (Object.entries(os.constants.signals).find(([, n]) => n === rank)?.[0] as NodeJS.Signals | undefined) ?? null;
          const failure = classifyExit(rankSignalName ? null : code, rankSignalName ?? signal, launcherLines(output));
          const message = `MPI job (${start.mpiRanks} ranks): ${failure.message.replace(/^child process /, rankSignalName ? 'a rank was ' : 'the launcher ')}`;
          reply = { ok: false, message, kernelFault: false, failure: { ...failure, message } };
        }
      }
      rmSync(dir, { recursive: true, force: true });
      resolve(reply);
    });
  });
}

/** The launcher's output without its banner lines of dashes, so that the last line says something. */
function launcherLines(output: string): string {
  return output
    .split('\n')
    .filter((line) => !/^-+$/.test(line.trim()))
    .join('\n');
}

/** Where external jobs' folders go: HOTBENCH_EXTERNAL_DIR, else the temporary folder. */
export const EXTERNAL_DIR_ENV = 'HOTBENCH_EXTERNAL_DIR';

function failedStart(message: string): ChildReply {
  return { ok: false, message, kernelFault: false, failure: { kind: 'crashed', message } };
}

/**
 * An external variant's job: the job folder written (bench/external/exchange.ts), the program started
 * with the job file's path as its last argument, in a process group of its own (so that a timeout
 * ends whatever it started too), and its reply checked once it has ended. A program that ends
 * without a reply is classified as a child is, from its exit and the last line it printed.
 */
async function runExternal(job: ChildJob, limits: ChildLimits, external: ExternalSpec): Promise<ChildReply> {
  const dir = mkdtempSync(path.join(process.env[EXTERNAL_DIR_ENV] || os.tmpdir(), 'hotbench-external-'));
  let exchange: PreparedExchange;
  try {
    exchange = await prepareExchange(job, dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, message, kernelFault: error instanceof KernelFault };
  }
  let program;
  try {
    program = external.program();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return failedStart(`could not resolve the external program: ${(error as Error).message}`);
  }
  return new Promise((resolve) => {
    let output = '';
    let timedOut: ChildReply | undefined;
    let failedToStart: ChildReply | undefined;
    const child = spawn(program.command, [...(program.args ?? []), exchange.jobFile], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...program.env },
      detached: true,
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      const message = `timed out after ${limits.timeoutMs} ms`;
      timedOut = { ok: false, message, kernelFault: false, failure: { kind: 'timeout', message } };
      killGroup();
    }, limits.timeoutMs);
    child.on('error', (error) => {
      failedToStart = failedStart(`could not start ${program.command}: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the program left running in its group ends with it.
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone
        }
      }
      let reply: ChildReply | undefined = timedOut ?? failedToStart;
      if (!reply) {
        const answered = exchange.check(child.pid ?? 0);
        const noReply = !answered.ok && answered.failure?.message.startsWith('protocol error: no reply.json');
        if (noReply && (code !== 0 || signal)) {
          const failure = classifyExit(code, signal, output);
          const message = failure.message.replace(/^child process /, 'external program ');
          reply = { ok: false, message, kernelFault: false, failure: { ...failure, message } };
        } else reply = answered;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve(reply);
    });
  });
}
