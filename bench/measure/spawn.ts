// Runs one job in a fresh child process and turns every way it can end into a ChildReply: a reply,
// a timeout, a crash, a signal or running out of memory. The parent never throws because a variant
// misbehaved; a failed reply carries the failure's kind, derived here from how the process ended.

import { fork } from 'node:child_process';
import path from 'node:path';
import { harnessExecArgv, harnessModule } from '../paths.js';
import { drawLayoutShift, layoutEnvironment, NO_LAYOUT_SHIFT_ENV } from './layout.js';
import type { ChildFailure, ChildHarness, ChildJob, ChildReply } from '../types.js';

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
 * Runs `job` in a fresh child process of `harness` (by default this hotbench's own), its layout
 * shifted at random (layout.ts) unless HOTBENCH_NO_LAYOUT_SHIFT=1.
 */
export function runChild(job: ChildJob, limits: ChildLimits, harness: ChildHarness = ownHarness): Promise<ChildReply> {
  return new Promise((resolve) => {
    let reply: ChildReply | undefined;
    let stderr = '';
    const heap = limits.maxHeapMb ? [`--max-old-space-size=${limits.maxHeapMb}`] : [];
    const child = fork(harness.entry, [], {
      execArgv: [...harness.execArgv, '--expose-gc', ...heap],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: process.env[NO_LAYOUT_SHIFT_ENV] === '1' ? process.env : { ...process.env, ...layoutEnvironment(drawLayoutShift()) },
      serialization: 'advanced',
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    const timer = setTimeout(() => {
      const message = `timed out after ${limits.timeoutMs} ms`;
      reply ??= { ok: false, message, kernelFault: false, failure: { kind: 'timeout', message } };
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
      if (!reply) {
        const failure = classifyExit(code, signal, stderr);
        reply = { ok: false, message: failure.message, kernelFault: false, failure };
      }
      resolve(reply);
    });
    child.send(job);
  });
}
