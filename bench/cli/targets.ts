// hotbench targets: this machine's fingerprint and the builds it can run.

import { collectEnvironment } from '../env/environment.js';
import { hostTargets } from '../env/targets.js';
import { parse } from './args.js';

export const targetsHelp = `usage: hotbench targets [--json]

Prints this machine's fingerprint (CPU, x86-64 level from its flags, cores, memory, Node) and which
builds can run here: js, wasm@scalar, wasm@simd, native@x86-64 … native@x86-64-v4. A run measures
only the runnable ones and lists the others as skipped, with the reason.

options:
  --json              machine-readable output`;

export async function targetsCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('targets', argv, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${targetsHelp}\n`);
    return 0;
  }
  const env = collectEnvironment();
  const targets = hostTargets();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ environment: env, targets }, null, 1)}\n`);
    return 0;
  }
  const lines = [
    `machine      ${env.fingerprint}`,
    `cpu          ${env.cpuModel} (${env.cores} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB)`,
    `x86-64 level ${env.x86Level ?? 'none'}`,
    `node         ${env.node} (V8 ${env.v8}) on ${env.os.platform} ${env.os.arch}`,
    '',
    'builds:',
    ...targets.map((t) => `  ${t.build.padEnd(18)} ${t.status === true ? 'runnable' : `skipped: ${t.status}`}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
