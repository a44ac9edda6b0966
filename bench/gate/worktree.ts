// The gate's base: a git ref checked out in a temporary worktree, its dependencies installed and
// hotbench built there, so that base's kernels, variants and child harness all come from base's own
// build. Every external command is spawned with an argument array, never through a shell, and the
// worktree is removed again even when something fails.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';

export interface BaseCheckout {
  /** The temporary worktree. */
  readonly dir: string;
  /** The repository's top folder (head's working tree). */
  readonly repo: string;
  readonly commit: string;
  /** The hotbench package of the base: the worktree itself, or its node_modules/hotbench. */
  readonly harnessRoot: string;
  /** node_modules linked to head's (the lockfiles are equal) or installed with npm ci. */
  readonly install: 'symlink' | 'npm ci';
  /** built: base's build ran in the worktree; cached: its output came from an earlier gate's build. */
  readonly build: 'built' | 'cached';
}

/**
 * Builds of a base kept between gates, one folder per (commit, lockfile, Node), so that gating
 * repeatedly against the same commit (every push to a pull request, the power study's trials)
 * builds that commit once. Only symlinked installs are cached: their node_modules is head's, which
 * the key pins through the lockfile. A folder holds the base's dist/ and, when the base's C++
 * differed from head's, its native/binding/.
 */
export interface BaseBuildCache {
  readonly dir: string;
  /** Entries kept; the least recently used beyond this are removed. */
  readonly keep: number;
}

function baseBuildKey(commit: string, lockfile: string): string {
  const hash = createHash('sha256').update(readFileSync(lockfile)).update(`\0${process.version}\0${process.arch}`).digest('hex');
  return `${commit}-${hash.slice(0, 16)}`;
}

/** A cache entry is complete when its dist/ holds the child harness (entries are renamed into place whole). */
function cachedBuild(cache: BaseBuildCache, key: string): string | null {
  const entry = path.join(cache.dir, key);
  return existsSync(path.join(entry, 'dist', 'bench', 'measure', 'child.js')) ? entry : null;
}

/**
 * Copies the base's own native addons into a cache entry's native-binding/, whole or not at all
 * (copied beside it, then renamed). A symlink is head's addons (same C++): nothing of the base's
 * to keep.
 */
function copyOwnBinding(dir: string, entry: string): void {
  const binding = path.join(dir, 'native', 'binding');
  if (!existsSync(binding) || lstatSync(binding).isSymbolicLink()) return;
  const staging = path.join(entry, `.native-binding-${process.pid}`);
  cpSync(binding, staging, { recursive: true, dereference: true });
  renameSync(staging, path.join(entry, 'native-binding'));
}

/** Copies the worktree's build into the cache under `key`, atomically; a cache that cannot be written is skipped. */
function storeBuild(cache: BaseBuildCache, key: string, dir: string, onStep: (message: string) => void): void {
  try {
    mkdirSync(cache.dir, { recursive: true });
    const staging = mkdtempSync(path.join(cache.dir, '.staging-'));
    cpSync(path.join(dir, 'dist'), path.join(staging, 'dist'), { recursive: true });
    copyOwnBinding(dir, staging);
    rmSync(path.join(cache.dir, key), { recursive: true, force: true });
    renameSync(staging, path.join(cache.dir, key));
    const entries = readdirSync(cache.dir)
      .filter((name) => !name.startsWith('.'))
      .map((name) => ({ name, used: statSync(path.join(cache.dir, name)).mtimeMs }))
      .sort((a, b) => b.used - a.used);
    for (const old of entries.slice(cache.keep)) rmSync(path.join(cache.dir, old.name), { recursive: true, force: true });
  } catch (error) {
    onStep(`could not cache the base's build in ${cache.dir}: ${(error as Error).message}`);
  }
}

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 600_000): Ran {
  const r = spawnSync(command, [...args], { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
  if (r.error) return { status: null, stdout: r.stdout ?? '', stderr: `${r.error.message}\n${r.stderr ?? ''}` };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastLine(r: Ran): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n').filter(Boolean).pop() ?? `exit status ${r.status}`;
}

function git(repo: string, args: readonly string[]): Ran {
  return run('git', ['-C', repo, ...args], repo);
}

/** The top folder of the git repository holding `cwd`. */
export function repositoryTop(cwd: string): string {
  const r = git(cwd, ['rev-parse', '--show-toplevel']);
  if (r.status !== 0) throw new UserError(`gate --against needs a git repository: ${cwd} is not in one (${lastLine(r)})`);
  return r.stdout.trim();
}

/** The commit a ref names, or a UserError that says the ref does not exist. */
export function resolveRef(repo: string, ref: string): string {
  if (ref.startsWith('-')) throw new UserError(`gate: ${JSON.stringify(ref)} is not a git ref`);
  const r = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (r.status !== 0) throw new UserError(`gate: unknown git ref ${JSON.stringify(ref)} (a first commit or a shallow clone has no HEAD~1)`);
  return r.stdout.trim();
}

/** The commit of head's working tree, or null outside git. */
export function headCommit(cwd: string): string | null {
  const r = git(cwd, ['rev-parse', 'HEAD']);
  return r.status === 0 ? r.stdout.trim() : null;
}

function sameFile(a: string, b: string): boolean {
  return existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));
}

/** Every file under `dir`, relative to it, sorted (empty if `dir` does not exist). */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/**
 * The native build inputs of a checkout: binding.gyp and native/src (the CPU addons), native/cuda
 * (the CUDA addon, without its build/ folder) and the script that builds it.
 */
function nativeSources(checkout: string): string[] {
  const cuda = filesUnder(path.join(checkout, 'native', 'cuda')).filter((f) => !f.startsWith('build/'));
  return ['binding.gyp', 'scripts/build-cuda.mjs', ...filesUnder(path.join(checkout, 'native', 'src')).map((f) => `native/src/${f}`), ...cuda.map((f) => `native/cuda/${f}`)];
}

/** True when base's native build inputs are byte-equal to head's (a file missing from both counts as equal). */
function sameNativeSources(head: string, base: string): boolean {
  const files = nativeSources(head);
  return files.join('\n') === nativeSources(base).join('\n') && files.every((f) => sameFile(path.join(head, f), path.join(base, f)) || (!existsSync(path.join(head, f)) && !existsSync(path.join(base, f))));
}

/**
 * The native addons of a base installed by symlink (npm ci builds them through the install script):
 * head's binaries when the C++ sources are byte-equal (same sources, same compiler), else a build.
 */
function provideNative(repo: string, dir: string, onStep: (message: string) => void, cachedBinding: string | null): 'none' | 'cached' | 'linked' | 'built' {
  if (!existsSync(path.join(dir, 'binding.gyp')) || existsSync(path.join(dir, 'native', 'binding'))) return 'none';
  if (cachedBinding) {
    onStep('native sources differ: using the base\'s addons built by an earlier gate');
    cpSync(cachedBinding, path.join(dir, 'native', 'binding'), { recursive: true });
    return 'cached';
  }
  const headBinaries = path.join(repo, 'native', 'binding');
  if (existsSync(headBinaries) && sameNativeSources(repo, dir)) {
    onStep('native sources are equal: linking native/binding to head\'s');
    symlinkSync(headBinaries, path.join(dir, 'native', 'binding'), 'dir');
    return 'linked';
  }
  onStep('native sources differ: building the base\'s addons (npm run build:native)');
  const build = run('npm', ['run', 'build:native'], dir);
  if (build.status !== 0) throw new UserError(`gate: the base's native build failed: ${lastLine(build)}`);
  return 'built';
}

/** Removes the worktree and its folder; never throws (it runs on the way out of failures too). */
export function removeCheckout(repo: string, dir: string): void {
  git(repo, ['worktree', 'remove', '--force', dir]);
  rmSync(dir, { recursive: true, force: true });
  git(repo, ['worktree', 'prune']);
}

/**
 * Checks `commit` out into a temporary worktree of `repo`, installs its dependencies (a symlink to
 * head's node_modules when both package-lock.json files are byte-equal, npm ci otherwise) and runs
 * its build (or takes that build from `cache`). On failure the worktree is removed and a UserError
 * says which step failed. `onStep` hears about each step.
 */
export function checkoutBase(repo: string, commit: string, onStep: (message: string) => void = () => {}, cache: BaseBuildCache | null = null): BaseCheckout {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-base-'));
  try {
    onStep(`checking out ${commit.slice(0, 10)} in ${dir}`);
    const added = git(repo, ['worktree', 'add', '--detach', dir, commit]);
    if (added.status !== 0) throw new UserError(`gate: git worktree add failed: ${lastLine(added)}`);

    const headModules = path.join(repo, 'node_modules');
    let install: BaseCheckout['install'];
    if (existsSync(headModules) && sameFile(path.join(repo, 'package-lock.json'), path.join(dir, 'package-lock.json'))) {
      install = 'symlink';
      onStep('lockfiles are equal: linking node_modules to head\'s');
      symlinkSync(headModules, path.join(dir, 'node_modules'), 'dir');
    } else {
      install = 'npm ci';
      onStep('lockfiles differ: npm ci in the base worktree');
      const ci = run('npm', ['ci', '--no-audit', '--no-fund'], dir);
      if (ci.status !== 0) throw new UserError(`gate: npm ci of the base failed: ${lastLine(ci)}`);
    }

    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; scripts?: Record<string, string> };
    const harnessRoot = manifest.name === 'hotbench' ? dir : path.join(dir, 'node_modules', 'hotbench');
    const childEntry = path.join(harnessRoot, 'dist', 'bench', 'measure', 'child.js');
    const key = cache && install === 'symlink' && harnessRoot === dir ? baseBuildKey(commit, path.join(dir, 'package-lock.json')) : null;
    const cached = cache && key ? cachedBuild(cache, key) : null;
    let build: BaseCheckout['build'] = 'built';
    if (cached) {
      onStep(`using the build of ${commit.slice(0, 10)} cached in ${cached}`);
      cpSync(path.join(cached, 'dist'), path.join(dir, 'dist'), { recursive: true });
      // The entry's time says when it was last used: the cache keeps the most recently used.
      const now = new Date();
      utimesSync(cached, now, now);
      build = 'cached';
    } else if (manifest.scripts?.build && (install === 'symlink' || !existsSync(childEntry))) {
      // npm ci has run the package's prepare script, which builds hotbench; a symlinked install has not.
      onStep('building the base (npm run build)');
      const built = run('npm', ['run', 'build'], dir);
      if (built.status !== 0) throw new UserError(`gate: the base's build failed: ${lastLine(built)}`);
    }
    if (!existsSync(childEntry)) throw new UserError(`gate: the base has no built hotbench (${childEntry} is missing)`);
    let native: ReturnType<typeof provideNative> = 'none';
    if (install === 'symlink' && harnessRoot === dir) {
      const cachedBinding = cached && existsSync(path.join(cached, 'native-binding')) ? path.join(cached, 'native-binding') : null;
      native = provideNative(repo, dir, onStep, cachedBinding);
    }
    if (cache && key && !cached) storeBuild(cache, key, dir, onStep);
    // An entry cached while head's C++ equalled base's has no addons of its own: keep these for next time.
    else if (cached && native === 'built') {
      try {
        copyOwnBinding(dir, cached);
      } catch (error) {
        onStep(`could not cache the base's addons in ${cached}: ${(error as Error).message}`);
      }
    }
    return { dir, repo, commit, harnessRoot, install, build };
  } catch (error) {
    removeCheckout(repo, dir);
    throw error;
  }
}
