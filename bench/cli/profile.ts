// hotbench profile: run one kernel variant, or a program of the user's, under a profiler; keep the
// tool's files and print the hotspot table (functions by self time).

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { planCells } from '../measure/plan.js';
import { findPipeline, planPipeline } from '../measure/pipeline-plan.js';
import { DEFAULT_SETTINGS } from '../measure/settings.js';
import { fileTimestamp } from '../paths.js';
import { MARKDOWN_FILE, PROFILE_FILE } from '../profile/layout.js';
import { kernelProgram, runProfile, scriptProgram } from '../profile/profile.js';
import { profilesFolderOf } from '../profile/store.js';
import { isProfileTool, PROFILE_TOOLS, usesTickProfiler, type ProfiledProgram } from '../profile/tools.js';
import { displayFile } from '../report/hotspots.js';
import { renderProfileTerminal } from '../report/terminal.js';
import { readResults } from '../results/store.js';
import { variantId } from '../spec/define.js';
import type { ProfileTarget, ProfileTool } from '../types.js';
import { number, parse, text, type Parsed } from './args.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';

const DEFAULTS = { tool: 'cpu-prof' as ProfileTool, durationMs: 3000, timeoutMs: 300_000, top: 15 };
/** The kernel driver hands the event loop a turn this often, for clinic doctor (not under 0x or clinic flame). */
const YIELD_EVERY_MS = 20;

export const profileHelp = `usage: hotbench profile KERNEL[:VARIANT] [options]
       hotbench profile --pipeline NAME[:CONFIGURATION] [options]
       hotbench profile --script FILE [options] [-- ARGS...]

Runs one variant of a kernel (default: the kernel's baseline, usually naive), or a program of yours
(JavaScript or TypeScript), in a child process under a profiler. Everything goes to a new folder,
reports/profiles/<time>-<kernel>-<variant>-<tool>/ (or <time>-<script>-<tool>/): the tool's own
files, what the program printed (output.log), and the hotspot table (functions by self and total
time, with file:line) as hotspots.json and hotspots.md. The table is printed. No browser is opened.

tools (--tool), and where the table comes from:
  cpu-prof        V8's CPU profiler (the default): profile.cpuprofile, for DevTools or speedscope
  0x              a flame graph, 0x/flamegraph.html; the table from its stacks (V8's tick profiler)
  clinic-flame    clinic's flame graph, clinic/<pid>.clinic-flame.html; the table from its stacks
  clinic-doctor   clinic's check of the event loop, CPU and memory, clinic/<pid>.clinic-doctor.html;
                  the table from V8's CPU profiler, run beside it
file:line are mapped back through source maps (tsc's, tsx's) to your TypeScript. A kernel variant
is profiled from its prepare on (module loading and input generation are left out with cpu-prof
and clinic-doctor).

options:
  --size NAME         the kernel's size (default small, else its first quick size)
  --duration MS       how long to call the variant over and over (default ${DEFAULTS.durationMs})
  --seed N            input seed (default ${DEFAULT_SETTINGS.seed})
  --pipeline NAME     profile a pipeline end to end, in its original configuration (or the one
                      named after a colon): the hotspot table a study starts from (see hotbench
                      pipeline); --size is the pipeline's (default: its default size)
  --script FILE       profile this program instead of a kernel; its arguments follow --
  --tool T            ${PROFILE_TOOLS.join(' | ')} (default ${DEFAULTS.tool})
  --out DIR           the profile folder (default: a new one under reports/profiles/)
  --run FILE          file the profile with that run's results file: in profiles/ beside it, where
                      'hotbench report FILE' shows it
  --top N             rows of the table to print (default ${DEFAULTS.top}; the files keep them all)
  --timeout MS        stop the tool and fail after this long (default ${DEFAULTS.timeoutMs})
${workspaceHelp}

exit status: 0 profile written; 2 bad usage, or the tool is missing, failed or timed out (one line
on stderr; the tool's output is in the folder's output.log).`;

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

function positiveNumber(flag: string, value: unknown, fallback: number): number {
  const n = number('profile', flag, value) ?? fallback;
  if (!(n > 0)) throw new UserError(`profile: --${flag} must be a positive number`);
  return n;
}

/** Splits `hotbench profile … -- ARGS` into hotbench's own arguments and the script's. */
function splitScriptArgs(argv: readonly string[]): [own: readonly string[], script: readonly string[]] {
  const dashes = argv.indexOf('--');
  return dashes < 0 ? [argv, []] : [argv.slice(0, dashes), argv.slice(dashes + 1)];
}

interface Planned {
  readonly target: ProfileTarget;
  /** The program to run, given the profile folder. */
  readonly program: (folder: string) => ProfiledProgram;
  /** The folder's name without its time stamp. */
  readonly name: string;
}

function planScript(script: string, values: Parsed['values'], positionals: readonly string[], scriptArgs: readonly string[], cwd: string): Planned {
  if (positionals.length > 0) throw new UserError('profile: give a KERNEL[:VARIANT] or --script FILE, not both');
  for (const flag of ['size', 'duration', 'seed', 'kernels', 'config'] as const) {
    if (values[flag] !== undefined) throw new UserError(`profile: --${flag} is for kernels, not --script`);
  }
  const file = path.resolve(cwd, script);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UserError(`profile: script ${script}: no such file`);
  return {
    target: { kind: 'script', script: file, args: scriptArgs },
    program: () => scriptProgram(file, scriptArgs),
    name: safeName(path.basename(file).replace(/\.[^.]+$/, '')),
  };
}

/** A pipeline's configuration (the original by default), driven as its variant view is measured. */
async function planPipelineProfile(tool: ProfileTool, name: string, values: Parsed['values'], positionals: readonly string[], scriptArgs: readonly string[], cwd: string): Promise<Planned> {
  if (positionals.length > 0) throw new UserError('profile: give a KERNEL[:VARIANT] or --pipeline NAME, not both');
  if (scriptArgs.length > 0) throw new UserError('profile: arguments after -- are for --script');
  const [pipelineName, configurationName] = name.split(':', 2);
  const workspace = await openWorkspace(values, cwd);
  const located = findPipeline(workspace.registry, pipelineName);
  const original = located.definition.configurations[0].name;
  const [cell] = planPipeline(located, { size: text(values.size), configurations: [configurationName ?? original] }).cells;
  const chosen = cell.variants[0];
  const seed = number('profile', 'seed', values.seed) ?? workspace.config.measure?.seed ?? DEFAULT_SETTINGS.seed;
  if (!Number.isInteger(seed) || seed < 0) throw new UserError('profile: --seed must be an integer >= 0');
  const durationMs = positiveNumber('duration', values.duration, DEFAULTS.durationMs);
  const job = { kernel: cell.kernel.ref, variant: chosen.ref, size: cell.size, seed, durationMs, yieldEveryMs: usesTickProfiler(tool) ? null : YIELD_EVERY_MS };
  const v = chosen.definition;
  return {
    target: { kind: 'kernel', kernel: pipelineName, variant: v.name, build: 'js', rung: v.rung, size: { name: cell.size, params: { ...cell.kernel.definition.sizes[cell.size], ...(v.algorithm ?? {}) } }, seed },
    program: (folder) => kernelProgram(job, folder),
    name: safeName(`${pipelineName}-${v.name}`),
  };
}

async function planKernel(tool: ProfileTool, values: Parsed['values'], positionals: readonly string[], scriptArgs: readonly string[], cwd: string): Promise<Planned> {
  if (positionals.length !== 1) throw new UserError('profile: give one KERNEL[:VARIANT] or --script FILE (see hotbench profile --help)');
  if (scriptArgs.length > 0) throw new UserError('profile: arguments after -- are for --script');
  const [kernelName, variantName] = positionals[0].split(':', 2);
  const workspace = await openWorkspace(values, cwd);
  const kernel = workspace.registry.kernels.get(kernelName)?.definition;
  const size = text(values.size) ?? (kernel && 'small' in kernel.sizes ? 'small' : undefined);
  const variant = variantName ?? kernel?.baseline ?? 'naive';
  // A variant this machine cannot run is refused by planCells, with the reason.
  const [cell] = planCells(workspace.registry, { kernels: [kernelName], variants: [variant], sizes: size ? [size] : undefined, quick: !size }).cells;
  if (cell.variants.length > 1) {
    const ids = cell.variants.map((v) => variantId(v.definition.name, v.definition.target ?? 'js'));
    throw new UserError(`profile: ${kernelName}:${variant} names ${ids.length} variants; give one of ${ids.map((id) => `${kernelName}:${id}`).join(', ')}`);
  }
  const chosen = cell.variants[0];
  if (chosen.definition.external) {
    throw new UserError(`profile: ${kernelName}:${variantId(chosen.definition.name, chosen.definition.target ?? 'js')} is an external variant run by its own program; profile that program with its own tools (for Python: python3 -m cProfile)`);
  }
  const seed = number('profile', 'seed', values.seed) ?? workspace.config.measure?.seed ?? DEFAULT_SETTINGS.seed;
  if (!Number.isInteger(seed) || seed < 0) throw new UserError('profile: --seed must be an integer >= 0');
  const durationMs = positiveNumber('duration', values.duration, DEFAULTS.durationMs);
  const v = chosen.definition;
  const job = { kernel: cell.kernel.ref, variant: chosen.ref, size: cell.size, seed, durationMs, yieldEveryMs: usesTickProfiler(tool) ? null : YIELD_EVERY_MS };
  return {
    target: { kind: 'kernel', kernel: kernelName, variant: v.name, build: v.target ?? 'js', rung: v.rung, size: { name: cell.size, params: cell.kernel.definition.sizes[cell.size] }, seed },
    program: (folder) => kernelProgram(job, folder),
    name: safeName(`${kernelName}-${v.name}`),
  };
}

export async function profileCommand(argv: readonly string[]): Promise<number> {
  const [own, scriptArgs] = splitScriptArgs(argv);
  const { values, positionals } = parse(
    'profile',
    own,
    {
      ...workspaceOptions,
      size: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      script: { type: 'string' },
      pipeline: { type: 'string' },
      tool: { type: 'string' },
      out: { type: 'string' },
      run: { type: 'string' },
      top: { type: 'string' },
      timeout: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${profileHelp}\n`);
    return 0;
  }
  const tool = text(values.tool) ?? DEFAULTS.tool;
  if (!isProfileTool(tool)) throw new UserError(`profile: unknown tool ${JSON.stringify(tool)} (known: ${PROFILE_TOOLS.join(', ')})`);
  const timeoutMs = positiveNumber('timeout', values.timeout, DEFAULTS.timeoutMs);
  const top = positiveNumber('top', values.top, DEFAULTS.top);
  const cwd = process.cwd();
  const script = text(values.script);
  const out = text(values.out);
  const run = text(values.run);
  if (out && run) throw new UserError('profile: give --out or --run, not both');
  if (run) readResults(run); // a typo in the results file's name is caught now, not by the report

  const pipeline = text(values.pipeline);
  if (script !== undefined && pipeline !== undefined) throw new UserError('profile: give --script or --pipeline, not both');
  const planned =
    script !== undefined
      ? planScript(script, values, positionals, scriptArgs, cwd)
      : pipeline !== undefined
        ? await planPipelineProfile(tool, pipeline, values, positionals, scriptArgs, cwd)
        : await planKernel(tool, values, positionals, scriptArgs, cwd);

  const parent = run ? profilesFolderOf(run) : path.join('reports', 'profiles');
  const folder = path.resolve(cwd, out ?? path.join(parent, `${fileTimestamp(new Date())}-${planned.name}-${tool}`));

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const record = await runProfile({ tool, target: planned.target, program: planned.program(folder), folder, cwd, timeoutMs, command: ['hotbench', 'profile', ...argv], signal: abort.signal });
    process.stdout.write(renderProfileTerminal(record, top));
    const main = record.artifacts.filter((a) => a.endsWith('.html') || a === MARKDOWN_FILE || a === PROFILE_FILE);
    process.stderr.write(`profile: ${displayFile(folder, cwd)}${path.sep} (${main.join(', ')}, …)\n`);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  return 0;
}
