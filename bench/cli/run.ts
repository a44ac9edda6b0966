// hotbench run (and hotbench scale): plan the matrix, validate and measure it in child processes,
// write the results file after every cell and append the cell to the run's journal (so an
// interrupted run keeps what it measured, and `--resume` continues it), then print the report.
// `scale`, or `run --workers`, is the same run with a workers dimension: each parallel variant at
// each number of workers, the serial variants beside them as the reference (workers-plan.ts).

import { isDeepStrictEqual } from 'node:util';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { collectEnvironment } from '../env/environment.js';
import { fileTimestamp } from '../paths.js';
import { planCells } from '../measure/plan.js';
import { planWorkers } from '../measure/workers-plan.js';
import { shardPlan, type ShardSpec } from '../measure/shard.js';
import { ownHarness } from '../measure/spawn.js';
import { Journal, findJournal, journalFile, planKeys, readJournal, type JournalContents } from '../results/journal.js';
import { recordSides, resultsHeader, type ResultsHeader } from '../results/record.js';
import { readResults, toJson, writeFileAtomic } from '../results/store.js';
import { buildDispatch } from '../dispatch/build.js';
import type { Cell, Plan, ScalingRun, ShardInfo } from '../types.js';
import { DEFAULT_SETTINGS, resolveSettings } from '../measure/settings.js';
import { variantId } from '../spec/define.js';
import { parse, text, type Parsed } from './args.js';
import { measureFromFlags, measureHelp, measureOptions } from './measure-flags.js';
import { filterHelp, filterOptions, filtersFromFlags } from './filters.js';
import { createProgress } from './progress.js';
import { printRun } from './print-run.js';
import { formatFromExtension } from '../report/render.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';
import { machineRoofline } from './roofline.js';
import { workersFromFlags, workersHelp, workersOptions } from './workers-flags.js';
import { pipelineCommand } from './pipeline.js';

export const runHelp = `usage: hotbench run [options]

Validates every selected variant against its kernel's reference, then measures the valid ones in
fresh child processes (several rounds, shuffled order), writes a results file and prints a ranked
report. With no filters it runs every size of every kernel. The Python originals are rungs too
(numpy@python, numba@python, sklearn@python: external variants, each run by Python in place of a
child process, one thread, validated and timed by the same rules; docs/peers.md); where Python or a
module is missing they are skipped with the reason, and each cell's report says how its best
hotbench rung stands against its best peer.

options:
${filterHelp}
${workersHelp('without it, run leaves parallel variants out; with it, run is hotbench scale')}
  --out FILE          results file (default: reports/runs/<time>/results.json)
  --report FILE       also write a report: .md for Markdown, .html for a self-contained page with
                      charts, .json for the analysis, .txt as printed (repeatable)
  --pipeline NAME     a pipeline study instead of the kernel matrix: the same as hotbench pipeline NAME
  --dispatch FILE     also write a dispatch file from the results (see hotbench dispatch): the
                      fastest valid variants per kernel and size, for production code to pick from
  --resume FILE       continue the interrupted run whose results file is FILE, from its journal
                      (FILE.journal): same flags, plan, settings and seed; finished cells are kept
  --shard I/N         measure only shard I of N (1 <= I <= N): whole (kernel, size) groups, split
                      the same way on every machine; join the N results files with 'hotbench merge'
${measureHelp(DEFAULT_SETTINGS)}
  --no-progress       no progress display on stderr
  --no-roofline       do not copy this machine's roofline into the results file (by default it is
                      taken from the cache, or measured once, a few seconds, if none is cached:
                      see hotbench roofline)
${workspaceHelp}

exit status: 0 every variant valid and measured; 1 a variant was invalid or failed (threw, wrong
output, timeout, crash, signal, out of memory: recorded in its cell's failure; the other cells and
the results are written all the same); 2 bad usage or input.`;

function defaultOut(now: Date): string {
  return path.join('reports', 'runs', fileTimestamp(now), 'results.json');
}

const options = {
  ...workspaceOptions,
  ...filterOptions,
  out: { type: 'string' },
  report: { type: 'string', multiple: true },
  dispatch: { type: 'string' },
  resume: { type: 'string' },
  shard: { type: 'string' },
  ...measureOptions,
  'no-progress': { type: 'boolean' },
  'no-roofline': { type: 'boolean' },
  ...workersOptions,
} as const;

export const scaleHelp = `usage: hotbench scale [options]

Parallel scaling: measures every selected parallel variant (rungs threads, processes,
native-threads, mpi) at each number of workers p, strong (the same problem split among p workers)
or weak (the problem grown p-fold), with the selected serial variants measured in the same rounds
as the absolute reference; writes a results file (schema version 2) and prints, per kernel and
size, each backend's time per p with S(p) against itself at p = 1 and against the best serial
variant, the efficiency S/p, the Karp-Flatt serial fraction and a fitted serial fraction (Amdahl
strong, Gustafson weak). The same as hotbench run --workers. An mpi variant runs under mpirun
(or HOTBENCH_MPIRUN) with p ranks; where MPI is not installed it is skipped, with the reason.

  hotbench scale --kernel kmeans --size intel --variant native,threads,processes,native-threads,mpi

options:
${filterHelp}
${workersHelp('default: the powers of two up to the cores, and the cores (1,2,4,8,16 on 16)')}
  --out FILE          results file (default: reports/runs/<time>/results.json)
  --report FILE       also write a report: .md, .html (with speedup-vs-p and efficiency-vs-p
                      charts), .json or .txt (repeatable)
  --resume FILE       continue an interrupted scaling run from its journal
${measureHelp(DEFAULT_SETTINGS)}
  --no-progress       no progress display on stderr
  --no-roofline       do not copy this machine's roofline into the results file
${workspaceHelp}

exit status: 0 every variant valid and measured at every p; 1 a variant failed or was invalid at
some p (a worker threw, died or hung: recorded with its kind; the other p and variants are kept);
2 bad usage or input (p = 0 or not a number, p above the cores without --oversubscribe, weak mode
for a kernel without a growing parameter, a selection without a parallel variant).`;

/** The flags `--resume` may be given with; the rest come from the interrupted run's journal. */
const RESUME_FLAGS = new Set(['resume', 'report', 'dispatch', 'no-progress']);

/** `--shard I/N`. */
export function shardFromFlag(value: string | undefined): ShardSpec | null {
  if (value === undefined) return null;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UserError(`run: --shard needs I/N with 1 <= I <= N (e.g. --shard 2/4), got ${JSON.stringify(value)}`);
  }
  return { index, count };
}

/** What a resumed run continues: the journal, and the run's own flags and folder. */
function resumption(file: string): { journal: string; contents: JournalContents } {
  const journal = findJournal(file);
  if (!journal) {
    readResults(file); // a missing or corrupt file says so
    throw new UserError(`${file}: nothing to resume (no journal ${journalFile(file)}: the run finished)`);
  }
  return { journal, contents: readJournal(journal) };
}

export function runCommand(argv: readonly string[]): Promise<number> {
  // `run --pipeline NAME` is `pipeline NAME`: a pipeline is a spec of its own, with its own flags.
  const at = argv.findIndex((a) => a === '--pipeline' || a.startsWith('--pipeline='));
  if (at >= 0) {
    const inline = argv[at].startsWith('--pipeline=') ? argv[at].slice('--pipeline='.length) : null;
    const name = inline ?? argv[at + 1];
    if (name === undefined || name.startsWith('-')) throw new UserError('run: --pipeline needs a pipeline name (see hotbench pipeline --help)');
    return pipelineCommand([name, ...argv.filter((_, i) => i !== at && (inline !== null || i !== at + 1))]);
  }
  return measureCommand('run', argv);
}

export function scaleCommand(argv: readonly string[]): Promise<number> {
  return measureCommand('scale', argv);
}

async function measureCommand(command: 'run' | 'scale', argv: readonly string[]): Promise<number> {
  const given = parse(command, argv, options);
  if (given.values.help) {
    process.stdout.write(`${command === 'run' ? runHelp : scaleHelp}\n`);
    return 0;
  }
  const resumeFile = text(given.values.resume);
  let values: Parsed['values'] = given.values;
  let cwd = process.cwd();
  let resumed: { journal: string; contents: JournalContents } | null = null;
  if (resumeFile) {
    const extra = Object.keys(given.values).filter((k) => !RESUME_FLAGS.has(k));
    if (extra.length) throw new UserError(`${command}: --resume takes the interrupted run's flags from its journal; it cannot be given --${extra[0]}`);
    resumed = resumption(resumeFile);
    cwd = resumed.contents.head.cwd;
    values = { ...parse(command, resumed.contents.head.argv, options).values, ...given.values };
  }
  // A scaling run's journal records its workers and mode explicitly (below), so either verb resumes it.
  const workers = workersFromFlags(command, values);
  // Every report's format is known before minutes of measuring, not after.
  const reports = (Array.isArray(values.report) ? values.report : []).map(String);
  for (const report of reports) formatFromExtension(report);
  const workspace = await openWorkspace(values, cwd);
  const settings = resolveSettings(workspace.config.measure, measureFromFlags('run', values));
  const spec = shardFromFlag(text(values.shard));
  if (spec && workers) throw new UserError(`${command}: --shard cannot split a scaling run (its numbers of workers are measured in the same rounds)`);
  const planned = planCells(workspace.registry, filtersFromFlags(values, workspace), true, { parallel: workers !== null });
  let whole: Plan = planned;
  let scaling: ScalingRun | undefined;
  if (workers) ({ plan: whole, scaling } = planWorkers(command, planned, workers));
  let plan: Plan = whole;
  let shard: ShardInfo | undefined;
  if (spec) {
    ({ plan, shard } = shardPlan(whole, spec));
    const of = `shard ${spec.index}/${spec.count}: ${shard.assigned.length} of the matrix's ${whole.groups.length} (kernel, size) groups`;
    process.stderr.write(shard.assigned.length ? `${of}\n` : `${of}: nothing to measure, writing an empty results file\n`);
  }
  for (const s of plan.skipped) process.stderr.write(`skipped ${s.kernel}${s.size ? `/${s.size}` : ''} ${variantId(s.variant, s.target)}: ${s.reason}\n`);
  const out = resumed ? path.resolve(cwd, text(values.out)!) : (text(values.out) ?? defaultOut(new Date()));
  let header: ResultsHeader;
  let prior: Cell[] = [];
  let journal: Journal;
  let cells = plan.cells;
  if (resumed) {
    const { head, done } = resumed.contents;
    const why = !isDeepStrictEqual(head.plan, planKeys(plan.cells)) ? 'its kernels, sizes or variants' : !isDeepStrictEqual(head.header.settings, settings) ? 'its measure settings' : null;
    if (why) throw new UserError(`${resumeFile}: cannot resume: ${why} differ from what the same flags give now (a kernel folder or the config changed)`);
    header = head.header;
    prior = done.flat();
    const finished = new Set(done.map((group) => JSON.stringify([group[0]?.kernel, group[0]?.size.name])));
    cells = plan.cells.filter((p) => !finished.has(JSON.stringify([p.kernel.definition.name, p.size])));
    journal = new Journal(resumed.journal, head, true);
    process.stderr.write(`resuming ${out}: ${done.length} of ${plan.cells.length} cells done\n`);
  } else {
    // The journal records the run's own flags with --out (and a scaling run's --workers and --mode)
    // made explicit, so that --resume finds the same file and plans the same cells.
    const explicit = [
      ...(text(values.out) ? [] : ['--out', out]),
      ...(scaling && values.workers === undefined ? ['--workers', scaling.workers.join(',')] : []),
      ...(scaling && values.mode === undefined ? ['--mode', scaling.mode] : []),
    ];
    const runArgv = [...argv, ...explicit];
    const environment = collectEnvironment();
    // Before any cell: the probes want the machine to themselves as much as the cells do.
    const roofline = values['no-roofline']
      ? null
      : (
          await machineRoofline(environment.fingerprint, false, () =>
            process.stderr.write('roofline: not in the cache for this machine; measuring it once (see hotbench roofline)\n'),
          )
        ).roofline;
    header = { ...resultsHeader(plan, settings, ['hotbench', command, ...argv], environment, scaling), ...(roofline ? { roofline } : {}), ...(shard ? { shard } : {}) };
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    journal = new Journal(journalFile(out), { journal: 1, cwd, argv: runArgv, plan: planKeys(plan.cells), header });
  }
  // The results file is rewritten (atomically) and the journal appended after every cell.
  const [results] = await recordSides([{ side: { plan: cells, harness: ownHarness }, header, out, journal, prior }], {
    settings,
    firstCellIndex: plan.cells.length - cells.length, // the finished cells are the plan's first ones
    onEvent: createProgress(process.stderr, !values['no-progress']),
  });
  await printRun(out, results, reports);
  const dispatchFile = text(values.dispatch);
  if (dispatchFile) {
    const dispatch = buildDispatch([{ source: out, results }], workspace.registry, dispatchFile, ['hotbench', 'run', ...argv]);
    mkdirSync(path.dirname(path.resolve(dispatchFile)), { recursive: true });
    writeFileAtomic(dispatchFile, toJson(dispatch));
    process.stderr.write(`dispatch: ${dispatchFile}\n`);
  }
  return results.cells.every((c) => c.validation.status === 'valid' && c.stats !== null) ? 0 : 1;
}
