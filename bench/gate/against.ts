// gate --against REF: base is REF built in a temporary worktree, head is the running hotbench with
// the working tree's kernels; both are measured in the same job, in the same rounds, their child
// processes interleaved in one shuffled order per round, so that the machine's state at any moment
// (load from other jobs, thermal state, frequency) falls on base and head alike.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedResults } from '../analysis/analyze.js';
import { collectEnvironment } from '../env/environment.js';
import { planCells, type PlanFilters } from '../measure/plan.js';
import { compiledHarness, ownHarness } from '../measure/spawn.js';
import { recordSides, resultsHeader } from '../results/record.js';
import { compiledBuiltIns, discover } from '../spec/registry.js';
import type { MeasureSettings, Registry, RunEvent } from '../types.js';
import { checkoutBase, headCommit, removeCheckout, repositoryTop, resolveRef, type BaseBuildCache, type BaseCheckout } from './worktree.js';

export interface AgainstOptions {
  readonly ref: string;
  readonly cwd: string;
  readonly filters: PlanFilters;
  readonly settings: MeasureSettings;
  /** Head's registry (built-ins and the user's folders). */
  readonly registry: Registry;
  /** The user's kernel folders, absolute, as head sees them. */
  readonly userDirs: readonly string[];
  /** base.json and head.json are written here, after every cell. */
  readonly files: { readonly base: string; readonly head: string };
  readonly command: readonly string[];
  /** Test knob of `npm run gate:power` only. */
  readonly slowdown?: number;
  /** Where built bases are kept between gates, or null to build every time and keep nothing. */
  readonly buildCache: BaseBuildCache | null;
  readonly onEvent?: (event: RunEvent) => void;
  readonly onStep?: (message: string) => void;
  /** Called with a function that removes the worktree (for a signal handler), then with null once it is gone. */
  readonly onCleanup?: (cleanup: (() => void) | null) => void;
}

export interface InterleavedRun {
  readonly base: LoadedResults;
  readonly head: LoadedResults;
  readonly baseCommit: string;
  readonly headCommit: string | null;
  readonly install: BaseCheckout['install'];
  readonly build: BaseCheckout['build'];
  readonly setupMs: number;
  readonly measureMs: number;
}

/** A user folder inside the repository is taken from base's checkout; one outside it serves both. */
function folderInBase(dir: string, checkout: BaseCheckout): string {
  const relative = path.relative(checkout.repo, dir);
  return relative.startsWith('..') || path.isAbsolute(relative) ? dir : path.join(checkout.dir, relative);
}

export async function runAgainst(options: AgainstOptions): Promise<InterleavedRun> {
  const { cwd, settings, onStep = () => {} } = options;
  const repo = repositoryTop(cwd);
  const commit = resolveRef(repo, options.ref);
  // Head's plan first: a filter mistake must not cost a checkout and a build.
  const headPlan = planCells(options.registry, options.filters, true, { external: false });
  const started = Date.now();
  const checkout = checkoutBase(repo, commit, onStep, options.buildCache);
  const cleanup = () => removeCheckout(repo, checkout.dir);
  options.onCleanup?.(cleanup);
  try {
    const dist = path.join(checkout.harnessRoot, 'dist');
    // A folder that head added does not exist in base: base simply has none of its kernels.
    const baseRegistry = await discover(
      options.userDirs.map((dir) => folderInBase(dir, checkout)).filter((dir) => existsSync(dir)),
      compiledBuiltIns(dist),
    );
    const basePlan = planCells(baseRegistry, options.filters, false, { external: false });
    const setupMs = Date.now() - started;
    onStep(`base ready in ${(setupMs / 1000).toFixed(1)} s (${checkout.install}, ${checkout.build}); measuring base and head interleaved`);

    const environment = collectEnvironment(cwd);
    const baseVersion = String(JSON.parse(readFileSync(path.join(checkout.harnessRoot, 'package.json'), 'utf8')).version);
    const baseEnvironment = { ...environment, gitCommit: commit, harnessVersion: baseVersion };
    const measureStart = Date.now();
    const [base, head] = await recordSides(
      [
        {
          side: { label: 'base', plan: basePlan.cells, harness: compiledHarness(dist) },
          header: resultsHeader(basePlan, settings, options.command, baseEnvironment),
          out: options.files.base,
        },
        {
          side: { label: 'head', plan: headPlan.cells, harness: ownHarness, ...(options.slowdown ? { slowdown: options.slowdown } : {}) },
          header: resultsHeader(headPlan, settings, options.command, environment),
          out: options.files.head,
        },
      ],
      { settings, ...(options.onEvent ? { onEvent: options.onEvent } : {}) },
    );
    return {
      base: { source: options.files.base, results: base },
      head: { source: options.files.head, results: head },
      baseCommit: commit,
      headCommit: headCommit(cwd),
      install: checkout.install,
      build: checkout.build,
      setupMs,
      measureMs: Date.now() - measureStart,
    };
  } finally {
    cleanup();
    options.onCleanup?.(null);
  }
}
