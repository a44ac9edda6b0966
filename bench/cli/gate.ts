// hotbench gate: compare head with a base, decide, and exit with a code a pipeline can trust.
// --against REF measures base (REF, built in a temporary worktree) and head interleaved in one job;
// --baseline FILE compares a stored results file with a fresh run or with --current FILE. The
// verdicts and `passed` come from analysis; this module maps them to files and an exit code.

import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareResults } from '../analysis/compare.js';
import { cacheDir } from '../env/cache-dir.js';
import { UserError } from '../errors.js';
import { runAgainst } from '../gate/against.js';
import { runCurrent } from '../gate/baseline.js';
import { GATE_SETTINGS, resolveSettings } from '../measure/settings.js';
import { gateSummaryMarkdown, renderComparisonTerminal } from '../report/comparison.js';
import { renderJson } from '../report/render.js';
import { readResults, writeFileAtomic } from '../results/store.js';
import type { GateVerdict, ResultsFile } from '../types.js';
import { number, parse, text } from './args.js';
import { decisionHelp, decisionOptions, decisionSettingsFromFlags } from './decision.js';
import { filterHelp, filterOptions, filtersFromFlags } from './filters.js';
import { measureFromFlags, measureHelp, measureOptions } from './measure-flags.js';
import { createProgress } from './progress.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';

/** Built bases kept in the cache: a few, since each is a copy of dist/ (about 2 MB). */
const BASE_BUILDS_KEPT = 8;

export const gateHelp = `usage: hotbench gate --against REF [options]
       hotbench gate --baseline FILE [--current FILE] [options]

Compares head with a base, per (kernel, size, variant), and fails when a variant is significantly
slower beyond the threshold, or has turned invalid. External variants (the Python peers) are left
out unless --variant names them: their time follows the Python installed, not the code gated.

  --against REF       base = the git commit REF, checked out in a temporary worktree (removed
                      afterwards), node_modules linked to this one's when the lockfiles are equal
                      (npm ci otherwise), built there; base and head are then measured in the same
                      job, their child processes interleaved in one shuffled order per round
  --baseline FILE     base = a stored results file; head = a fresh run of the baseline's kernels
                      and sizes (or of the filters given), with the baseline's settings, or
                      --current FILE.
                      A baseline of a pipeline study (hotbench pipeline) is answered with a fresh
                      run of that study: each configuration is compared as a variant.
                      Absolute times are compared only when the machine fingerprints match;
                      otherwise times relative to each run's baseline variant (the summary says which)

options:
${filterHelp}
${measureHelp(resolveSettings(GATE_SETTINGS))}
${decisionHelp}
  --out DIR           where base.json, head.json, verdict.json and summary.md go
                      (default reports/gate/<time>/); summary.md is also appended to
                      $GITHUB_STEP_SUMMARY when that is set
  --no-progress       no progress display on stderr
  --no-base-cache     build the base even if an earlier gate built the same commit (the build of a
                      base is kept under gate-base/ in $HOTBENCH_CACHE_DIR, else $XDG_CACHE_HOME/hotbench,
                      else ~/.cache/hotbench: the ${BASE_BUILDS_KEPT} most recently used, keyed by commit,
                      lockfile and Node version; nothing is cached with this flag)
${workspaceHelp}
  --inject-slowdown F test knob for npm run gate:power only: head's timed calls are made F slower
                      (0.05 = 5%) by calibrated busy work (bench/measure/slowdown.ts); --against only

exit status: 0 pass; 1 a variant is slower (significant and beyond its threshold) or invalid;
2 bad usage or input (unknown ref, a missing, corrupt or foreign baseline file, a failed base build).`;

/** A stored results file, its problems said in one line that names the flag. */
function readStored(flag: string, file: string): ResultsFile {
  try {
    return readResults(file);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`gate: --${flag} ${error.message}`);
    throw error;
  }
}

function defaultOut(now: Date): string {
  return path.join('reports', 'gate', now.toISOString().replace(/[:.]/g, '-'));
}

export async function gateCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('gate', argv, {
    ...workspaceOptions,
    ...filterOptions,
    ...measureOptions,
    ...decisionOptions,
    against: { type: 'string' },
    baseline: { type: 'string' },
    current: { type: 'string' },
    out: { type: 'string' },
    'no-progress': { type: 'boolean' },
    'no-base-cache': { type: 'boolean' },
    'inject-slowdown': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${gateHelp}\n`);
    return 0;
  }
  const started = Date.now();
  const against = text(values.against);
  const baselineFile = text(values.baseline);
  const currentFile = text(values.current);
  if ((against === undefined) === (baselineFile === undefined)) throw new UserError('gate: give either --against REF or --baseline FILE (see hotbench gate --help)');
  if (currentFile !== undefined && baselineFile === undefined) throw new UserError('gate: --current needs --baseline');
  const slowdown = number('gate', 'inject-slowdown', values['inject-slowdown']);
  if (slowdown !== undefined && (against === undefined || !(slowdown > 0 && slowdown < 10))) {
    throw new UserError('gate: --inject-slowdown takes a fraction in (0, 10) and works with --against only');
  }
  const decision = decisionSettingsFromFlags('gate', values);
  const outDir = text(values.out) ?? defaultOut(new Date());
  const onEvent = createProgress(process.stderr, !values['no-progress']);
  const say = (message: string) => {
    if (!values['no-progress']) process.stderr.write(`gate: ${message}\n`);
  };
  const command = ['hotbench', 'gate', ...argv];
  const files = { base: path.join(outDir, 'base.json'), head: path.join(outDir, 'head.json') };

  let fields: Omit<GateVerdict, 'passed' | 'exitCode' | 'comparison' | 'durations'> & { setupMs: number; measureMs: number };
  let base;
  let head;
  if (against !== undefined) {
    const workspace = await openWorkspace(values);
    const settings = resolveSettings(GATE_SETTINGS, workspace.config.measure, measureFromFlags('gate', values));
    // A signal must not leave the temporary worktree behind.
    let cleanup: (() => void) | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      cleanup?.();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const run = await runAgainst({
        ref: against,
        cwd: process.cwd(),
        filters: filtersFromFlags(values, workspace),
        settings,
        registry: workspace.registry,
        userDirs: workspace.userDirs,
        files,
        command,
        ...(slowdown ? { slowdown } : {}),
        buildCache: values['no-base-cache'] ? null : { dir: path.join(cacheDir(process.env, os.homedir()), 'gate-base'), keep: BASE_BUILDS_KEPT },
        onEvent,
        onStep: say,
        onCleanup: (fn) => {
          cleanup = fn;
        },
      });
      ({ base, head } = run);
      fields = {
        mode: 'against',
        description: `gate --against ${against} (${run.baseCommit.slice(0, 10)}): base built in a temporary worktree (${run.install}) and measured with head (the working tree${run.headCommit ? ` at ${run.headCommit.slice(0, 10)}` : ''}) in the same ${settings.rounds} rounds on this machine, child processes interleaved`,
        base: { ref: against, commit: run.baseCommit, file: files.base },
        head: { commit: run.headCommit, file: files.head },
        install: run.install,
        baseBuild: run.build,
        ...(slowdown ? { injectedSlowdown: slowdown } : {}),
        setupMs: run.setupMs,
        measureMs: run.measureMs,
      };
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } else {
    base = { source: baselineFile!, results: readStored('baseline', baselineFile!) };
    const measureStart = Date.now();
    if (currentFile !== undefined) {
      head = { source: currentFile, results: readStored('current', currentFile) };
    } else {
      const workspace = await openWorkspace(values);
      // The baseline's own settings come before the command line, so that the two runs are comparable.
      const settings = resolveSettings(GATE_SETTINGS, workspace.config.measure, { ...base.results.settings }, measureFromFlags('gate', values));
      head = await runCurrent({ baseline: base.results, registry: workspace.registry, filters: filtersFromFlags(values, workspace), settings, out: files.head, command, onEvent });
    }
    const b = base.results.environment;
    fields = {
      mode: 'baseline',
      description: `gate --baseline ${baselineFile} (${base.results.createdAt}${b.gitCommit ? `, commit ${b.gitCommit.slice(0, 10)}` : ''}) against ${currentFile !== undefined ? `--current ${currentFile}` : 'a fresh run on this machine'}`,
      base: { commit: b.gitCommit, file: baselineFile! },
      head: { commit: head.results.environment.gitCommit, file: head.source },
      setupMs: 0,
      measureMs: Date.now() - measureStart,
    };
  }

  const comparison = compareResults(base, head, decision);
  const { setupMs, measureMs, ...rest } = fields;
  const verdict: GateVerdict = {
    passed: comparison.passed,
    exitCode: comparison.passed ? 0 : 1,
    ...rest,
    durations: { setupMs, measureMs, totalMs: Date.now() - started },
    comparison,
  };
  const summary = gateSummaryMarkdown(verdict);
  writeFileAtomic(path.join(outDir, 'verdict.json'), renderJson(verdict));
  writeFileAtomic(path.join(outDir, 'summary.md'), summary);
  const stepSummary = process.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) appendFileSync(stepSummary, `${summary}\n`);
  process.stdout.write(renderComparisonTerminal(comparison));
  process.stderr.write(`gate: ${verdict.passed ? 'pass' : 'FAIL'} in ${(verdict.durations.totalMs / 1000).toFixed(1)} s; verdict: ${path.join(outDir, 'verdict.json')}\n`);
  return verdict.exitCode;
}
