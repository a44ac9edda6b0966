// npm run gate:power — the power study of `hotbench gate --against` (a benchmark, not a test).
//
// Repeated trials, each one complete gate command as CI runs it (temporary worktree, install,
// build — or the build an earlier trial cached, see `gate --no-base-cache` — interleaved
// measurement, verdict): A/A trials gate the working tree against the campaign's commit with the
// same code on both sides, and count false alarms; A/B trials add `--inject-slowdown F` (head's
// timed calls made F slower, see bench/measure/slowdown.ts) and count detections. Trial kinds are
// interleaved in proportion to their targets (nextTrialKind) so that a change in the machine's
// state hits every kind alike. Prints the false-alarm rate, the detection rate per factor with 95%
// Wilson intervals, the slowdown actually realised, the time each gate took, the machine's load,
// and the same trials re-decided at other thresholds.
//
// A campaign is longer than a working session: campaign.json fixes what it gates, trials.json is
// rewritten after each trial, and `--resume DIR` carries on where it stopped (also after a kill).
// `--max-minutes` stops starting new trials after that long.
//
// The working tree must hold the same code as the campaign's commit for A/A to mean anything:
// commit first.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nextTrialKind, summarizeTrials } from '../bench/gate/power.js';
import { toJson, writeFileAtomic } from '../bench/results/store.js';
import type { GateVerdict, PowerCampaign, PowerTrial } from '../bench/types.js';

const usage = `usage: npm run gate:power -- [options]
       npm run gate:power -- --resume DIR [--trials N] [--aa N] [--max-minutes M]

  --trials N        A/B trials of each factor (default 3; the full campaign: see README)
  --aa N            A/A trials, when they should differ from --trials (a false-alarm rate near 1%
                    needs hundreds of them; detection rates far fewer)
  --factors LIST    slowdowns of the A/B trials, fractions (default 0.03,0.05,0.10)
  --kernel NAME     (default legval)
  --size NAME       (default small)
  --variant NAME    variants to gate (default unrolled; "all" for every variant of the cell)
  --rounds N        gate rounds (default: the gate's own default)
  --threshold T     the gate's threshold (default 0.02)
  --alpha P         the gate's significance level (default: the gate's own default)
  --ref REF         the base of every trial (default HEAD), resolved to its commit once
  --out DIR         the campaign's folder: campaign.json, trials.json, one folder per trial
                    (default reports/gate-power/<time>)
  --resume DIR      carry on the campaign in DIR (what it gates comes from its campaign.json;
                    --trials and --aa may raise its targets)
  --max-minutes M   start no new trial after M minutes (the campaign can be resumed)`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');

function fail(message: string): never {
  process.stderr.write(`gate:power: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        trials: { type: 'string' },
        aa: { type: 'string' },
        factors: { type: 'string' },
        kernel: { type: 'string' },
        size: { type: 'string' },
        variant: { type: 'string' },
        rounds: { type: 'string' },
        threshold: { type: 'string' },
        alpha: { type: 'string' },
        ref: { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'string' },
        'max-minutes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${(error as Error).message.split('\n')[0]}\n${usage}`);
  }
})();
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!existsSync(cli)) fail(`${cli} is missing: run npm run build first`);

function count(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`--${flag} must be an integer >= ${min}`);
  return n;
}
function fraction(flag: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (!(x > 0 && x < max)) fail(`--${flag} must be a number in (0, ${max})`);
  return x;
}
function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) fail(`git ${args.join(' ')}: ${(r.stderr || '').trim().split('\n').pop()}`);
  return r.stdout.trim();
}
function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, `${toJson(value)}\n`);
}

/** A trial as trials.json keeps it: the verdict stays in its own file. */
interface StoredTrial extends Omit<PowerTrial, 'verdict'> {
  /** Relative to the campaign's folder, so that the folder can be moved. */
  readonly verdictFile: string;
}

const trialsRaised = count('trials', values.trials, 1);
const aaRaised = count('aa', values.aa, 0);
const maxMinutes = values['max-minutes'] === undefined ? Infinity : Number(values['max-minutes']);
if (!(maxMinutes > 0)) fail('--max-minutes must be a positive number');

let out: string;
let campaign: PowerCampaign;
const done: PowerTrial[] = [];
const stored: StoredTrial[] = [];
if (values.resume !== undefined) {
  const fixed = ['factors', 'kernel', 'size', 'variant', 'rounds', 'threshold', 'alpha', 'ref', 'out'] as const;
  const given = fixed.filter((flag) => values[flag] !== undefined);
  if (given.length > 0) fail(`--resume takes what it gates from the campaign's campaign.json: drop --${given.join(', --')}`);
  out = path.resolve(values.resume);
  const file = path.join(out, 'campaign.json');
  if (!existsSync(file)) fail(`${file} is missing: not a gate:power campaign folder`);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as PowerCampaign;
  campaign = { ...saved, trials: trialsRaised ?? saved.trials, aaTrials: aaRaised ?? saved.aaTrials };
  const trialsFile = path.join(out, 'trials.json');
  for (const trial of existsSync(trialsFile) ? (JSON.parse(readFileSync(trialsFile, 'utf8')) as StoredTrial[]) : []) {
    stored.push(trial);
    done.push({ ...trial, verdict: JSON.parse(readFileSync(path.resolve(out, trial.verdictFile), 'utf8')) as GateVerdict });
  }
} else {
  const trials = trialsRaised ?? 3;
  const factors = (values.factors ?? '0.03,0.05,0.10').split(',').map(Number);
  if (!factors.every((f) => f > 0 && f < 10)) fail('--factors must be fractions in (0, 10), comma-separated');
  const ref = values.ref ?? 'HEAD';
  const rounds = count('rounds', values.rounds, 2);
  const alpha = fraction('alpha', values.alpha, 1);
  campaign = {
    kernel: values.kernel ?? 'legval',
    size: values.size ?? 'small',
    variant: values.variant ?? 'unrolled',
    threshold: fraction('threshold', values.threshold ?? '0.02', 10) as number,
    ...(alpha === undefined ? {} : { alpha }),
    ...(rounds === undefined ? {} : { rounds }),
    ref,
    commit: git(['rev-parse', '--verify', `${ref}^{commit}`]),
    factors,
    aaTrials: aaRaised ?? trials,
    trials,
    startedAt: new Date().toISOString(),
  };
  out = path.resolve(values.out ?? path.join('reports', 'gate-power', campaign.startedAt.replace(/[:.]/g, '-')));
  if (existsSync(path.join(out, 'campaign.json'))) fail(`${out} already holds a campaign: carry it on with --resume ${out}`);
  mkdirSync(out, { recursive: true });
  writeJson(path.join(out, 'campaign.json'), campaign);
}

if (git(['rev-parse', 'HEAD']) !== campaign.commit) {
  process.stderr.write(`gate:power: warning: HEAD is not the campaign's commit ${campaign.commit.slice(0, 10)}, so A/A trials do not compare the same code\n`);
}
if (git(['status', '--porcelain', '--untracked-files=no'])) {
  process.stderr.write('gate:power: warning: the working tree has uncommitted changes, so A/A trials do not compare the same code\n');
}

const gateArgs = [
  'gate', '--against', campaign.commit, '--kernel', campaign.kernel, '--size', campaign.size,
  ...(campaign.variant === 'all' ? [] : ['--variant', campaign.variant]),
  ...(campaign.rounds ? ['--rounds', String(campaign.rounds)] : []),
  '--threshold', String(campaign.threshold),
  ...(campaign.alpha ? ['--alpha', String(campaign.alpha)] : []),
  '--no-progress',
];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signed = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(1)}%`;
const kindName = (factor: number) => (factor === 0 ? 'A/A' : `+${+(factor * 100).toFixed(2)}%`);
const targets = new Map<number, number>([[0, campaign.aaTrials], ...campaign.factors.map((f): [number, number] => [f, campaign.trials])]);

process.stdout.write(
  `gate:power: ${campaign.aaTrials} A/A trial(s), ${campaign.trials} each of ${campaign.factors.map(kindName).join(', ')}` +
    `${done.length ? ` (${done.length} done, resumed from ${out})` : ''}; hotbench ${gateArgs.join(' ')}\n`,
);
const started = Date.now();
let stopped = false;
for (let factor = nextTrialKind(done.map((t) => t.factor), targets); factor !== null; factor = nextTrialKind(done.map((t) => t.factor), targets)) {
  if (Date.now() - started > maxMinutes * 60_000) {
    stopped = true;
    break;
  }
  const dir = path.join(out, `trial-${String(done.length + 1).padStart(4, '0')}-${factor === 0 ? 'aa' : `ab${factor}`}`);
  const args = [cli, ...gateArgs, '--out', dir, ...(factor > 0 ? ['--inject-slowdown', String(factor)] : [])];
  const loadAverage = os.loadavg()[0];
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wallMs = Date.now() - t0;
  if (r.status !== 0 && r.status !== 1) fail(`a gate exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}`);
  const verdictFile = path.join(dir, 'verdict.json');
  const verdict = JSON.parse(readFileSync(verdictFile, 'utf8')) as GateVerdict;
  done.push({ factor, exitCode: r.status ?? -1, wallMs, loadAverage, verdict });
  stored.push({ factor, exitCode: r.status ?? -1, wallMs, loadAverage, verdictFile: path.relative(out, verdictFile) });
  writeJson(path.join(out, 'trials.json'), stored);
  const ratios = verdict.comparison.cells.map((c) => (c.ratio ? signed(c.ratio.ratio) : c.verdict)).join(' ');
  process.stdout.write(
    `  trial ${done.length}: ${kindName(factor).padEnd(6)} exit ${r.status} (${verdict.passed ? 'pass' : 'FAIL'}) head/base ${ratios}  ` +
      `${(wallMs / 1000).toFixed(1)} s (base ${verdict.baseBuild ?? 'built'})  load ${loadAverage.toFixed(2)}\n`,
  );
}

const summary = summarizeTrials(done);
const cold = done.filter((t) => t.verdict.baseBuild !== 'cached').map((t) => t.wallMs / 1000);
const lines = [
  '',
  `gate --against ${campaign.ref} (${campaign.commit.slice(0, 10)}): ${campaign.kernel}/${campaign.size} ${campaign.variant}, threshold ${pct(campaign.threshold)}, ` +
    `${done.length} gates${stopped ? ` (stopped by --max-minutes; carry on with --resume ${out})` : ''}`,
  'kind    trials  alarms  rate    95% CI            realised head/base  gate time median / max  measuring  load',
  ...summary.map((s) =>
    [
      kindName(s.factor).padEnd(6),
      String(s.alarms.trials).padStart(6),
      String(s.alarms.alarms).padStart(7),
      pct(s.alarms.rate).padStart(6),
      `[${pct(s.alarms.low)}, ${pct(s.alarms.high)}]`.padStart(16),
      signed(s.realisedRatio).padStart(18),
      `${(s.medianWallMs / 1000).toFixed(1)} s / ${(s.maxWallMs / 1000).toFixed(1)} s`.padStart(23),
      `${(s.medianMeasureMs / 1000).toFixed(1)} s`.padStart(9),
      (Number.isNaN(s.medianLoad) ? '–' : s.medianLoad.toFixed(2)).padStart(5),
    ].join('  '),
  ),
  `(A/A: alarms are false alarms; A/B: alarms are detections. Gate time is the whole command; ${cold.length} gate(s) built their base` +
    `${cold.length ? ` (${cold.map((x) => `${x.toFixed(1)} s`).join(', ')})` : ''}, the others took it from the cache of built bases. Load: median 1-minute load average at the start.)`,
  '',
  'the same trials re-decided at other thresholds (alarm rate per kind):',
  `threshold  ${summary.map((s) => kindName(s.factor).padStart(7)).join(' ')}`,
  ...[0, 0.01, 0.02, 0.03, 0.05].map(
    (threshold) => `${pct(threshold).padStart(9)}  ${summarizeTrials(done, threshold).map((s) => pct(s.alarms.rate).padStart(7)).join(' ')}`,
  ),
  '',
  `files: ${out}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
