// npm run gate:power — the power study of `hotbench gate --against` (a benchmark, not a test).
//
// Repeated trials, each one complete gate command as CI runs it (temporary worktree, install,
// build, interleaved measurement, verdict): A/A trials gate the working tree against REF with the
// same code on both sides, and count false alarms; A/B trials add `--inject-slowdown F` (head's
// timed calls made F slower, see bench/measure/slowdown.ts) and count detections. Trial kinds are
// interleaved (A/A, then each factor, round after round) so that a change in the machine's state
// hits every kind alike. Prints the false-alarm rate, the detection rate per factor with 95% Wilson
// intervals, the slowdown actually realised, the time each gate took, and the same trials
// re-decided at other thresholds. Every trial's files stay in --out; trials.json is rewritten after
// each trial.
//
// The working tree must hold the same code as REF for A/A to mean anything: commit first.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarizeTrials, type PowerTrial } from '../bench/gate/power.js';
import type { GateVerdict } from '../bench/types.js';

const usage = `usage: npm run gate:power -- [options]

  --trials N        trials of each kind: A/A and every factor (default 3; the full campaign: see README)
  --aa N            A/A trials, when they should differ from --trials (a false-alarm rate near 1%
                    needs hundreds of them; detection rates far fewer)
  --factors LIST    slowdowns of the A/B trials, fractions (default 0.03,0.05,0.10)
  --kernel NAME     (default legval)
  --size NAME       (default small)
  --variant NAME    variants to gate (default unrolled; "all" for every variant of the cell)
  --rounds N        gate rounds (default: the gate's own default)
  --threshold T     the gate's threshold (default 0.02)
  --alpha P         the gate's significance level (default: the gate's own default)
  --ref REF         the base of every trial (default HEAD)
  --out DIR         where each trial's files and trials.json go (default reports/gate-power/<time>)`;

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
        trials: { type: 'string', default: '3' },
        aa: { type: 'string' },
        factors: { type: 'string', default: '0.03,0.05,0.10' },
        kernel: { type: 'string', default: 'legval' },
        size: { type: 'string', default: 'small' },
        variant: { type: 'string', default: 'unrolled' },
        rounds: { type: 'string' },
        threshold: { type: 'string', default: '0.02' },
        alpha: { type: 'string' },
        ref: { type: 'string', default: 'HEAD' },
        out: { type: 'string' },
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
const trials = Number(values.trials);
const aaTrials = values.aa === undefined ? trials : Number(values.aa);
const factors = values.factors.split(',').map(Number);
if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(aaTrials) || aaTrials < 0) fail('--trials must be a positive integer, --aa a non-negative one');
if (!factors.every((f) => f > 0 && f < 10)) fail('--factors must be fractions in (0, 10), comma-separated');
if (!existsSync(cli)) fail(`${cli} is missing: run npm run build first`);
const out = path.resolve(values.out ?? path.join('reports', 'gate-power', new Date().toISOString().replace(/[:.]/g, '-')));
mkdirSync(out, { recursive: true });

const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
if (dirty.stdout.trim()) {
  process.stderr.write('gate:power: warning: the working tree has uncommitted changes, so A/A trials do not compare the same code\n');
}

const gateArgs = [
  'gate', '--against', values.ref, '--kernel', values.kernel, '--size', values.size,
  ...(values.variant === 'all' ? [] : ['--variant', values.variant]),
  ...(values.rounds ? ['--rounds', values.rounds] : []),
  '--threshold', values.threshold,
  ...(values.alpha ? ['--alpha', values.alpha] : []),
  '--no-progress',
];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signed = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(1)}%`;
const kindName = (factor: number) => (factor === 0 ? 'A/A' : `+${+(factor * 100).toFixed(2)}%`);

process.stdout.write(`gate:power: ${aaTrials} A/A trial(s), ${trials} each of ${factors.map(kindName).join(', ')}; hotbench ${gateArgs.join(' ')}\n`);
const done: PowerTrial[] = [];
const started = Date.now();
for (let t = 0; t < Math.max(trials, aaTrials); t++) {
  for (const factor of [...(t < aaTrials ? [0] : []), ...(t < trials ? factors : [])]) {
    const dir = path.join(out, `trial-${String(done.length + 1).padStart(4, '0')}-${factor === 0 ? 'aa' : `ab${factor}`}`);
    const args = [cli, ...gateArgs, '--out', dir, ...(factor > 0 ? ['--inject-slowdown', String(factor)] : [])];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const wallMs = Date.now() - t0;
    if (r.status !== 0 && r.status !== 1) fail(`a gate exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}`);
    const verdict = JSON.parse(readFileSync(path.join(dir, 'verdict.json'), 'utf8')) as GateVerdict;
    done.push({ factor, exitCode: r.status ?? -1, wallMs, verdict });
    writeFileSync(path.join(out, 'trials.json'), `${JSON.stringify(done.map((d) => ({ ...d, verdictFile: path.join(dir, 'verdict.json'), verdict: undefined })), null, 1)}\n`);
    const ratios = verdict.comparison.cells.map((c) => (c.ratio ? signed(c.ratio.ratio) : c.verdict)).join(' ');
    process.stdout.write(`  trial ${done.length}: ${kindName(factor).padEnd(6)} exit ${r.status} (${verdict.passed ? 'pass' : 'FAIL'}) head/base ${ratios}  ${(wallMs / 1000).toFixed(1)} s\n`);
  }
}

const summary = summarizeTrials(done);
const lines = [
  '',
  `gate --against ${values.ref}: ${values.kernel}/${values.size} ${values.variant}, threshold ${pct(Number(values.threshold))}, ${done.length} gates in ${((Date.now() - started) / 60000).toFixed(1)} min`,
  'kind    trials  alarms  rate    95% CI            realised head/base  gate time median / max',
  ...summary.map((s) =>
    [
      kindName(s.factor).padEnd(6),
      String(s.alarms.trials).padStart(6),
      String(s.alarms.alarms).padStart(7),
      pct(s.alarms.rate).padStart(6),
      `[${pct(s.alarms.low)}, ${pct(s.alarms.high)}]`.padStart(16),
      signed(s.realisedRatio).padStart(18),
      `${(s.medianWallMs / 1000).toFixed(1)} s / ${(s.maxWallMs / 1000).toFixed(1)} s`.padStart(23),
    ].join('  '),
  ),
  `(A/A: alarms are false alarms; A/B: alarms are detections)`,
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
