// hotbench dispatch: results files → a dispatch file that production code ships beside itself
// (bench/dispatch/build.ts), and, with --explain, what this machine would run from one.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildDispatch } from '../dispatch/build.js';
import { DispatchError, explainChoice, loadDispatch } from '../dispatch/runtime.js';
import { UserError } from '../errors.js';
import { readResults, toJson, writeFileAtomic } from '../results/store.js';
import type { SizeParams } from '../types.js';
import { list, parse, text } from './args.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';

export const dispatchHelp = `usage: hotbench dispatch RESULTS.json... --out dispatch.json [options]
       hotbench dispatch --explain dispatch.json --kernel NAME --params K=V,... [--exclude LIST]

Writes a dispatch file: per kernel and measured size (with the parameter ranges each size stands
for), per machine, the variants analysis found valid and not suspect, fastest first, with their
medians and speedups, the results files they came from, and where each variant's module lives.
Production code reads it with the runtime (import { loadDispatch } from 'hotbench/dispatch'), which
picks the fastest of them this machine can run. Every variant of the results must be found among
the built-ins and the folders given (--kernels, config).

With --explain, reads a dispatch file and prints what this machine would choose for the kernel at
those parameters, and why each faster candidate was passed over (nothing is prepared or run).

options:
  --out FILE          the dispatch file to write
${workspaceHelp}
  --explain FILE      a dispatch file to ask instead
  --kernel NAME       (with --explain) the kernel
  --params K=V,...    (with --explain) its parameters, e.g. nseries=1425,nx=2326,deg=3
  --exclude LIST      (with --explain) builds, rungs or variant ids never to choose (native, wasm@simd)

exit status: 0 written or explained; 2 bad usage or input (a results or dispatch file that is
missing or corrupt, a variant not found, an unknown kernel, nothing this machine can run).`;

const options = {
  ...workspaceOptions,
  out: { type: 'string' },
  explain: { type: 'string' },
  kernel: { type: 'string' },
  params: { type: 'string' },
  exclude: { type: 'string', multiple: true },
} as const;

function parseParams(raw: string | undefined): SizeParams {
  if (!raw) throw new UserError('dispatch: --explain needs --params K=V,... (the kernel\'s parameters)');
  const params: Record<string, number> = {};
  for (const item of raw.split(',')) {
    const [key, value, ...rest] = item.split('=');
    const n = Number(value);
    if (!key?.trim() || value === undefined || rest.length > 0 || value.trim() === '' || !Number.isFinite(n)) {
      throw new UserError(`dispatch: --params needs K=V pairs of numbers, got ${JSON.stringify(item)}`);
    }
    params[key.trim()] = n;
  }
  return params;
}

/** The dispatch runtime's errors are the user's input: one line, exit 2. */
async function asUserError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DispatchError) throw new UserError(`dispatch: ${error.message.split('\n')[0]}`);
    throw error;
  }
}

export async function dispatchCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse('dispatch', argv, options, true);
  if (values.help) {
    process.stdout.write(`${dispatchHelp}\n`);
    return 0;
  }
  const explain = text(values.explain);
  if (explain) {
    if (positionals.length > 0) throw new UserError('dispatch: --explain reads a dispatch file; give no results files with it');
    const kernel = text(values.kernel);
    if (!kernel) throw new UserError('dispatch: --explain needs --kernel NAME');
    const params = parseParams(text(values.params));
    const choice = await asUserError(() => loadDispatch(explain, { exclude: list(values.exclude) ?? [] }).choose(kernel, params));
    process.stdout.write(`${explainChoice(choice)}\n`);
    return 0;
  }
  const out = text(values.out);
  if (!out) throw new UserError('dispatch: give --out FILE (see hotbench dispatch --help)');
  if (positionals.length === 0) throw new UserError('dispatch: give at least one results file (see hotbench dispatch --help)');
  const inputs = positionals.map((source) => ({ source, results: readResults(source) }));
  const workspace = await openWorkspace(values);
  const dispatch = buildDispatch(inputs, workspace.registry, out, ['hotbench', 'dispatch', ...argv]);
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileAtomic(out, toJson(dispatch));
  const candidates = dispatch.kernels.flatMap((k) => k.sizes).reduce((n, s) => n + Object.values(s.byMachine).reduce((m, c) => m + c.length, 0), 0);
  process.stderr.write(`dispatch: ${out}: ${dispatch.kernels.length} kernels, ${candidates} ranked variants from ${dispatch.machines.length} machine(s)\n`);
  return 0;
}
