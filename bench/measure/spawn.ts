// Runs one job in a fresh child process and turns every way it can end into a ChildReply: a reply,
// a timeout, a crash or a signal. The parent never throws because a variant misbehaved.

import { fork } from 'node:child_process';
import { harnessExecArgv, harnessModule } from '../paths.js';
import type { ChildHarness, ChildJob, ChildReply } from '../types.js';

/** This hotbench's own child entry (from source, started through tsx). */
export const ownHarness: ChildHarness = {
  entry: harnessModule('measure/child'),
  execArgv: harnessExecArgv,
};

/** Runs `job` in a fresh child process of `harness` (by default this hotbench's own). */
export function runChild(job: ChildJob, timeoutMs: number, harness: ChildHarness = ownHarness): Promise<ChildReply> {
  return new Promise((resolve) => {
    let reply: ChildReply | undefined;
    let stderr = '';
    const child = fork(harness.entry, [], {
      execArgv: [...harness.execArgv, '--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(() => {
      reply ??= { ok: false, message: `timed out after ${timeoutMs} ms`, kernelFault: false };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: ChildReply) => {
      reply ??= message;
    });
    child.on('error', (error) => {
      reply ??= { ok: false, message: `could not start a child process: ${error.message}`, kernelFault: false };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!reply) {
        const lastLine = stderr.trim().split('\n').filter(Boolean).pop();
        const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
        reply = { ok: false, message: `child process ${how}${lastLine ? `: ${lastLine}` : ''}`, kernelFault: false };
      }
      resolve(reply);
    });
    child.send(job);
  });
}
