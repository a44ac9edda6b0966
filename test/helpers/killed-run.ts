// A hotbench run killed with SIGKILL as soon as its journal holds its first cell (header line + one
// cell line): what a crash or a pulled plug leaves behind, for the resume tests.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export async function runKilledAfterFirstCell(cli: string, args: readonly string[], cwd: string, journal: string): Promise<void> {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (;;) {
    if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 2) break;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited;
}
