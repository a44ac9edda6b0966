// hotbench compare and hotbench gate end to end, compiled, as CI runs them: exit codes, the verdict
// file, the Markdown summary, one-line errors. Decisions that depend on timing are never asserted:
// a pass is made certain with a threshold no noise reaches, a fail with an invalid variant or with
// constructed results.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeResults, writeResults } from '../bench/results/store.js';
import type { GateVerdict } from '../bench/types.js';
import { cell, invalid, results, type Shape } from './helpers/results.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tiny = ['--rounds', '2', '--time', '10', '--warmup', '5', '--no-progress'];

function run(cli: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const hotbench = (args: string[], cwd = root, env: NodeJS.ProcessEnv = {}) => run(path.join(root, 'dist', 'bench', 'cli', 'main.js'), args, cwd, env);
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const readVerdict = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'verdict.json'), 'utf8')) as GateVerdict;

function expectOneLineError(r: ReturnType<typeof hotbench>, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const TWELVE: Shape = { rounds: 12, perRound: 40, noise: 0.01, between: 0.01 };

/** base.json and head.json in a folder, made of constructed cells. */
function files(headFast: Parameters<typeof cell>[1], headOverrides: Parameters<typeof cell>[2] = {}) {
  const dir = tmp('hotbench-gate-');
  const base = path.join(dir, 'base.json');
  const head = path.join(dir, 'head.json');
  writeResults(base, results([cell('naive', 1000, {}, 1, TWELVE), cell('fast', 100, {}, 2, TWELVE)]));
  writeResults(head, results([cell('naive', 1000, {}, 3, TWELVE), cell('fast', headFast, headOverrides, 4, TWELVE)]));
  return { dir, base, head };
}

beforeAll(() => {
  expect(existsSync(path.join(root, 'dist', 'bench', 'cli', 'main.js'))).toBe(true); // built by `npm test`
});

describe('hotbench compare', () => {
  it('prints the table of verdicts, exits 0 whatever they are, and refuses bad files with one line', () => {
    const { base, head } = files(120);
    const r = hotbench(['compare', base, head]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fast@js .*SLOWER/);
    expect(r.stdout).toMatch(/^FAIL: 1 slower, 1 unchanged$/m);
    const md = hotbench(['compare', base, head, '--format', 'md', '--threshold', '50%']);
    expect(md.stdout).toMatch(/^# hotbench compare/);
    expect(md.stdout).toMatch(/\| fast@js \|.*\| 50% \| unchanged \|/);
    expectOneLineError(hotbench(['compare', base]), /give exactly two results files/);
    expectOneLineError(hotbench(['compare', base, '/nonexistent/head.json']), /head\.json: no such file/);
    expectOneLineError(hotbench(['compare', base, head, '--threshold', 'x']), /--threshold needs a fraction/);
    expectOneLineError(hotbench(['compare', base, head, '--basis', 'sideways']), /unknown basis "sideways"/);
  });
});

describe('hotbench gate --baseline', () => {
  it('passes (0) when head is unchanged, writes verdict.json and summary.md, appends to $GITHUB_STEP_SUMMARY', () => {
    const { dir, base, head } = files(100);
    const stepSummary = path.join(dir, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const out = path.join(dir, 'gate');
    const r = hotbench(['gate', '--baseline', base, '--current', head, '--out', out], root, { GITHUB_STEP_SUMMARY: stepSummary });
    expect(r.code).toBe(0);
    const verdict = readVerdict(out);
    expect(verdict).toMatchObject({ passed: true, exitCode: 0, mode: 'baseline', base: { file: base }, head: { file: head } });
    expect(verdict.comparison.basis).toBe('absolute');
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/^## hotbench gate: ✅ PASS/);
    const appended = readFileSync(stepSummary, 'utf8');
    expect(appended).toMatch(/^# earlier step\n## hotbench gate: ✅ PASS/);
    expect(appended).toContain(`gate --baseline ${base}`);
  });

  it('fails (1) on a significant regression beyond the threshold, and on an invalid variant', () => {
    const slower = files(120);
    const r = hotbench(['gate', '--baseline', slower.base, '--current', slower.head, '--out', path.join(slower.dir, 'g')]);
    expect(r.code).toBe(1);
    expect(readVerdict(path.join(slower.dir, 'g')).comparison.counts.slower).toBe(1);
    // The same files pass when the threshold for the kernel is above the regression.
    expect(hotbench(['gate', '--baseline', slower.base, '--current', slower.head, '--threshold', 'k=0.5', '--out', path.join(slower.dir, 'g2')]).code).toBe(0);

    const broken = files(null, { validation: invalid, stats: null });
    const b = hotbench(['gate', '--baseline', broken.base, '--current', broken.head, '--out', path.join(broken.dir, 'g')]);
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(/fast@js .*INVALID/);
  });

  it('refuses a missing, corrupt or foreign baseline with one line and exit 2', () => {
    const { dir, head } = files(100);
    const corrupt = path.join(dir, 'corrupt.json');
    writeFileSync(corrupt, serializeResults(results([])).slice(0, 50));
    const future = path.join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ ...results([]), schemaVersion: 3 }));
    expectOneLineError(hotbench(['gate', '--baseline', path.join(dir, 'none.json')]), /gate: --baseline .*none\.json: no such file/);
    expectOneLineError(hotbench(['gate', '--baseline', corrupt, '--current', head]), /gate: --baseline .*corrupt\.json: not valid JSON/);
    expectOneLineError(hotbench(['gate', '--baseline', future, '--current', head]), /gate: --baseline .*future\.json: results schema version 3 is not supported/);
    expectOneLineError(hotbench(['gate', '--baseline', path.join(root, 'package.json')]), /not a hotbench results file/);
  });

  it('refuses bad usage with one line and exit 2', () => {
    const { base } = files(100);
    expectOneLineError(hotbench(['gate']), /give either --against REF or --baseline FILE/);
    expectOneLineError(hotbench(['gate', '--against', 'HEAD', '--baseline', base]), /give either --against REF or --baseline FILE/);
    expectOneLineError(hotbench(['gate', '--current', base]), /give either/);
    expectOneLineError(hotbench(['gate', '--baseline', base, '--inject-slowdown', '0.05']), /--inject-slowdown .* --against only/);
    expectOneLineError(hotbench(['gate', '--baseline', base, '--alpha', '2']), /--alpha must be in \(0, 1\)/);
    expectOneLineError(hotbench(['gate', '--bogus']), /gate: Unknown option '--bogus'/);
  });

  it('measures the baseline\'s kernels and sizes afresh, with the baseline\'s settings', () => {
    const dir = tmp('hotbench-gate-fresh-');
    const baseline = path.join(dir, 'baseline.json');
    expect(hotbench(['run', '--kernel', 'legval', '--size', 'tiny', '--variant', 'unrolled', ...tiny, '--out', baseline]).code).toBe(0);
    const out = path.join(dir, 'gate');
    const r = hotbench(['gate', '--baseline', baseline, '--threshold', '9', '--no-progress', '--out', out]);
    expect(r.code).toBe(0);
    const head = JSON.parse(readFileSync(path.join(out, 'head.json'), 'utf8'));
    expect(head.settings).toMatchObject({ rounds: 2, timeMs: 10, warmupMs: 5 });
    // Every variant of the baseline's (kernel, size) cells, not only those the baseline measured.
    const measured = head.cells.map((c: { kernel: string; size: { name: string }; variant: string; target: string }) => `${c.kernel}/${c.size.name}/${c.variant}@${c.target}`);
    expect(measured).toEqual(expect.arrayContaining(['legval/tiny/naive@js', 'legval/tiny/precomputed@js', 'legval/tiny/unrolled@js', 'legval/tiny/wasm@simd', 'legval/tiny/native@x86-64']));
    expect(new Set(measured.map((id: string) => id.split('/')[1]))).toEqual(new Set(['tiny']));
    const cells = readVerdict(out).comparison.cells;
    expect(cells.find((c) => c.variant === 'unrolled')).toMatchObject({ verdict: 'unchanged', base: { rounds: 2 }, head: { rounds: 2 } });
    expect(cells.filter((c) => c.verdict === 'new')).toHaveLength(measured.length - 1);
  });
});

describe('hotbench gate --against', () => {
  /** A throwaway git repository holding this project's sources, built, with one commit. */
  let repo: string;
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  const build = () => expect(spawnSync('npm', ['run', 'build'], { cwd: repo, encoding: 'utf8' }).status).toBe(0);
  /** The cache of built bases, private to these tests. */
  const cacheDir = tmp('hotbench-cache-');
  const gate = (args: string[]) => run(path.join(repo, 'dist', 'bench', 'cli', 'main.js'), ['gate', ...args], repo, { HOTBENCH_CACHE_DIR: cacheDir });
  const cachedEntries = () => readdirSync(path.join(cacheDir, 'gate-base')).filter((name) => !name.startsWith('.'));

  beforeAll(() => {
    repo = tmp('hotbench-repo-');
    for (const item of ['bench', 'kernels', 'variants', 'native', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'asconfig.json', 'binding.gyp']) {
      cpSync(path.join(root, item), path.join(repo, item), { recursive: true });
    }
    // native/binding holds this checkout's built addons: present in head, not committed, so the
    // base worktree gets head's (its C++ sources are the same).
    writeFileSync(path.join(repo, '.gitignore'), 'node_modules\ndist\nreports\nnative/binding\nbuild\n');
    symlinkSync(path.join(root, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    git('init', '-q');
    git('add', '-A');
    expect(git('commit', '-qm', 'base').status).toBe(0);
    build();
  });

  // The repository's node_modules is a symlink to this checkout's: rm removes the link, not its target.
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('builds the ref in a temporary worktree, measures base and head interleaved, passes, and cleans up', () => {
    const out = path.join(repo, 'reports', 'g1');
    const r = gate(['--against', 'HEAD', '--kernel', 'legval', '--size', 'tiny', '--variant', 'unrolled', ...tiny, '--threshold', '9', '--out', out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const verdict = readVerdict(out);
    const commit = git('rev-parse', 'HEAD').stdout.trim();
    expect(verdict).toMatchObject({ passed: true, mode: 'against', install: 'symlink', baseBuild: 'built', base: { ref: 'HEAD', commit } });
    // The base's build is kept for the next gate against the same commit.
    expect(cachedEntries()).toEqual([expect.stringMatching(new RegExp(`^${commit}-[0-9a-f]{16}$`))]);
    expect(verdict.description).toMatch(/interleaved/);
    expect(verdict.durations.setupMs).toBeGreaterThan(0);
    const base = JSON.parse(readFileSync(path.join(out, 'base.json'), 'utf8'));
    const head = JSON.parse(readFileSync(path.join(out, 'head.json'), 'utf8'));
    expect(base.environment.gitCommit).toBe(commit);
    expect(base.cells[0].rounds).toHaveLength(2);
    expect(head.cells[0].rounds).toHaveLength(2);
    // The worktree is gone: only the repository's own is listed.
    expect(git('worktree', 'list', '--porcelain').stdout.match(/^worktree /gm)).toHaveLength(1);
  });

  it('gates the native rung too: base gets head\'s addons when the C++ sources are the same', () => {
    const out = path.join(repo, 'reports', 'g-native');
    const r = gate(['--against', 'HEAD', '--kernel', 'legval', '--size', 'tiny', '--variant', 'native@x86-64', ...tiny, '--threshold', '9', '--out', out]);
    expect(r.code).toBe(0);
    const verdict = readVerdict(out);
    // Same commit as the first gate: its build comes from the cache, and base's variants still load from it.
    expect(verdict.baseBuild).toBe('cached');
    const [compared] = verdict.comparison.cells;
    expect(compared).toMatchObject({ variant: 'native', target: 'x86-64', base: { status: 'valid' }, head: { status: 'valid' } });
    expect(compared.verdict).not.toBe('new');
  });

  it('fails (1) when head\'s variant turns invalid; base\'s variant comes from base\'s own build', () => {
    const file = path.join(repo, 'variants', 'legval', 'unrolled.ts');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace('out[row + i] = ${sum(\'a\')};', 'out[row + i] = ${sum(\'a\')} + 1e-3;'));
      build();
      const out = path.join(repo, 'reports', 'g2');
      const r = gate(['--against', 'HEAD', '--kernel', 'legval', '--size', 'tiny', '--variant', 'unrolled', ...tiny, '--threshold', '9', '--out', out]);
      expect(r.code).toBe(1);
      const [compared] = readVerdict(out).comparison.cells;
      expect(compared).toMatchObject({ variant: 'unrolled', verdict: 'invalid', base: { status: 'valid' }, head: { status: 'invalid' } });
      expect(git('worktree', 'list', '--porcelain').stdout.match(/^worktree /gm)).toHaveLength(1);
    } finally {
      writeFileSync(file, original);
      build();
    }
    // Two builds of head and a gate: beyond the default timeout on a busy 2-core machine.
  }, 300_000);

  it('builds again when the cached build is incomplete, and caches nothing with --no-base-cache', () => {
    const [entry] = cachedEntries();
    const child = path.join(cacheDir, 'gate-base', entry, 'dist', 'bench', 'measure', 'child.js');
    rmSync(child);
    const out = path.join(repo, 'reports', 'g-nocache');
    const r = gate(['--against', 'HEAD', '--kernel', 'legval', '--size', 'tiny', '--variant', 'unrolled', ...tiny, '--threshold', '9', '--no-base-cache', '--out', out]);
    expect(r.code).toBe(0);
    expect(readVerdict(out)).toMatchObject({ passed: true, baseBuild: 'built' });
    expect(existsSync(child)).toBe(false);
    expect(cachedEntries()).toEqual([entry]);
    // A base build and a gate: beyond the default timeout on a busy 2-core machine.
  }, 300_000);

  it('answers an unknown ref, or HEAD~1 of a first commit, with one line and exit 2', () => {
    expectOneLineError(gate(['--against', 'no-such-branch', '--no-progress']), /gate: unknown git ref "no-such-branch"/);
    expectOneLineError(gate(['--against', 'HEAD~1', '--no-progress']), /unknown git ref "HEAD~1" \(a first commit or a shallow clone has no HEAD~1\)/);
    expectOneLineError(gate(['--against', 'HEAD', '--kernel', 'nope', '--no-progress']), /unknown kernel "nope"/);
  });
});
