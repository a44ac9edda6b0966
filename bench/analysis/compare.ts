// Comparison of two runs, base and head: per (kernel, size, variant) the time ratio head/base round
// by round with its distribution-free interval over rounds, a two-sided Mann-Whitney U p-value, and
// a verdict. Verdicts are decided here, once,
// from the results files alone; `hotbench compare` lays them out and `hotbench gate` only maps
// `passed` to an exit code.
//
// The unit of the U test is the round: one child process gives one per-round median. Samples within
// a process share its JIT decisions, heap layout and CPU placement, so they are not independent of
// one another; a test on thousands of samples would call a difference between two processes
// significant. Per-round medians are few but independent, and the gate measures many rounds.

import { variantId } from '../spec/define.js';
import { mannWhitneyU, ratioOfRounds } from '../stats/index.js';
import type {
  Cell,
  CellComparison,
  CompareBasis,
  CompareSettings,
  CompareVerdict,
  ComparedSide,
  Comparison,
  RatioEstimate,
  ResultsFile,
  RunInfo,
} from '../types.js';
import { COMPARE_VERDICTS } from '../types.js';
import { roundMedians, type LoadedResults } from './analyze.js';
import { suspicion } from './suspect.js';

export const DEFAULT_COMPARE: CompareSettings = {
  alpha: 0.01,
  threshold: 0.05,
  kernelThresholds: {},
  basis: 'auto',
  confidence: 0.95,
};

/** Which basis to compare on: absolute times only between runs on the same kind of machine. */
export function chooseBasis(base: ResultsFile, head: ResultsFile, requested: CompareSettings['basis']): { basis: CompareBasis; reason: string } {
  const b = base.environment.fingerprint;
  const h = head.environment.fingerprint;
  if (requested === 'absolute') return { basis: 'absolute', reason: `absolute times, as requested (machines ${b} and ${h})` };
  if (requested === 'relative') return { basis: 'relative', reason: "times relative to each run's baseline variant, as requested" };
  return b === h
    ? { basis: 'absolute', reason: `absolute times: both runs on the same kind of machine (fingerprint ${b})` }
    : { basis: 'relative', reason: `times relative to each run's baseline variant, round by round: the machines differ (fingerprint ${b} vs ${h})` };
}

/** The threshold of a kernel: the command line's per-kernel value, else the kernel's own, else the default. */
export function thresholdFor(kernel: string, settings: CompareSettings, base: ResultsFile, head: ResultsFile): Pick<CellComparison, 'threshold' | 'thresholdSource'> {
  const fromFlag = settings.kernelThresholds[kernel];
  if (fromFlag !== undefined) return { threshold: fromFlag, thresholdSource: 'command line' };
  const declared = (head.kernels.find((k) => k.name === kernel) ?? base.kernels.find((k) => k.name === kernel))?.gateThreshold;
  if (declared !== undefined) return { threshold: declared, thresholdSource: 'kernel' };
  return { threshold: settings.threshold, thresholdSource: 'default' };
}

function cellKey(kernel: string, size: string, variant: string, target: string): string {
  return JSON.stringify([kernel, size, variant, target]);
}

function side(cell: Cell | undefined): ComparedSide | null {
  if (!cell) return null;
  return {
    status: cell.validation.status,
    medianNs: cell.stats?.medianNs ?? null,
    rounds: cell.rounds.filter((r) => r.samples > 0).length,
    ...(cell.error ? { error: cell.error } : {}),
  };
}

function measured(cell: Cell): boolean {
  return cell.validation.status === 'valid' && cell.stats !== null;
}

/** The run's baseline variant in the same (kernel, size), valid and measured, if there is one. */
function baselineCell(results: ResultsFile, cell: Cell): Cell | undefined {
  const name = results.kernels.find((k) => k.name === cell.kernel)?.baseline ?? 'naive';
  return results.cells.find((c) => !c.workers && c.kernel === cell.kernel && c.size.name === cell.size.name && c.variant === name && measured(c));
}

/** Per-round times of `cell` divided by its run's baseline variant's in the same round, by round. */
function relativeUnits(cell: Cell, reference: Cell): Map<number, number> {
  const own = roundMedians(cell);
  const ref = roundMedians(reference);
  return new Map([...own].filter(([round]) => ref.has(round)).map(([round, value]) => [round, value / ref.get(round)!]));
}

const percent = (ratio: number): string => `${ratio >= 1 ? '+' : '−'}${(Math.abs(ratio - 1) * 100).toFixed(1)}%`;
const formatP = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toPrecision(2));


/** The verdict of a measured pair from its ratio, p-value and threshold. Pure; the rule in one place. */
export function decide(ratio: number, pValue: number, alpha: number, threshold: number): { verdict: 'faster' | 'slower' | 'unchanged'; reason: string } {
  const change = percent(ratio);
  const significant = pValue < alpha;
  const p = `p = ${formatP(pValue)}`;
  const limit = `${+(threshold * 100).toFixed(2)}%`;
  if (significant && ratio >= 1 + threshold) return { verdict: 'slower', reason: `${change}, ${p} < ${alpha} and beyond the ${limit} threshold` };
  if (significant && ratio <= 1 / (1 + threshold)) return { verdict: 'faster', reason: `${change}, ${p} < ${alpha} and beyond the ${limit} threshold` };
  if (!significant) return { verdict: 'unchanged', reason: `${change}, not significant (${p} ≥ ${alpha})` };
  return { verdict: 'unchanged', reason: `${change}, significant (${p}) but within the ${limit} threshold` };
}

function compareCell(
  baseRun: ResultsFile,
  headRun: ResultsFile,
  b: Cell | undefined,
  h: Cell | undefined,
  basis: CompareBasis,
  settings: CompareSettings,
): CellComparison {
  const any = (h ?? b)!;
  const identity = { kernel: any.kernel, size: any.size, variant: any.variant, target: any.target };
  const fixed = { ...identity, base: side(b), head: side(h), ...thresholdFor(any.kernel, settings, baseRun, headRun) };
  const unmeasured = (verdict: CompareVerdict, reason: string): CellComparison => ({ ...fixed, ratio: null, pValue: null, verdict, reason });

  if (!h) return unmeasured('missing', 'in base, not in head');
  if (h.validation.status !== 'valid') return unmeasured('invalid', `head is ${h.validation.status}: ${h.validation.message ?? 'no message'}`);
  if (h.error || h.stats === null) return unmeasured('invalid', `head failed while measured: ${h.error ?? 'no samples'}`);
  const suspect = suspicion(h, headRun.roofline ?? null, headRun.environment);
  if (suspect) return unmeasured('suspect', `head's result cannot be true: ${suspect}`);
  if (!b) return unmeasured('new', 'in head, not in base');
  if (!measured(b)) return unmeasured('new', `base is ${b.validation.status}, so there is nothing to compare with`);
  if (JSON.stringify(b.size.params) !== JSON.stringify(h.size.params)) {
    return unmeasured('new', `size ${h.size.name} changed (base ${JSON.stringify(b.size.params)}, head ${JSON.stringify(h.size.params)}), so the times are not comparable`);
  }

  // One value per round and side: its median time, or its time relative to its run's baseline
  // variant in the same round. The ratio (round by round, paired by round number: the gate measures
  // base and head in the same rounds) and the U test both take rounds as the units.
  let testBase: Map<number, number>;
  let testHead: Map<number, number>;
  if (basis === 'absolute') {
    testBase = roundMedians(b);
    testHead = roundMedians(h);
  } else {
    const baseRef = baselineCell(baseRun, b);
    const headRef = baselineCell(headRun, h);
    if (!baseRef || !headRef) return unmeasured('unchanged', "not compared: relative times need a valid baseline variant in both runs");
    if (baseRef === b && headRef === h) {
      return { ...fixed, ratio: { ratio: 1, ciLow: 1, ciHigh: 1, ciLevel: settings.confidence }, pValue: 1, verdict: 'unchanged', reason: 'the reference of relative times' };
    }
    testBase = relativeUnits(b, baseRef);
    testHead = relativeUnits(h, headRef);
    if (testBase.size === 0 || testHead.size === 0) return unmeasured('unchanged', 'not compared: no round measured both the variant and the baseline variant');
  }
  const ratio = ratioOfRounds(testHead, testBase, settings.confidence);
  const pValue = mannWhitneyU([...testHead.values()], [...testBase.values()]).p;
  return { ...fixed, ratio, pValue, ...decide(ratio.ratio, pValue, settings.alpha, fixed.threshold) };
}

function runInfo({ source, results }: LoadedResults): RunInfo {
  return { source, createdAt: results.createdAt, command: results.command, settings: results.settings, fingerprint: results.environment.fingerprint };
}

/**
 * Compares head with base cell by cell. Cells are matched by kernel, size name, variant name and
 * target; head's order first, then what only base has. A scaling run's cells (with `workers`) are
 * not compared: they are one variant at several numbers of workers, which this pairing cannot tell
 * apart.
 */
export function compareResults(base: LoadedResults, head: LoadedResults, settings: CompareSettings = DEFAULT_COMPARE): Comparison {
  const { basis, reason: basisReason } = chooseBasis(base.results, head.results, settings.basis);
  const key = (c: Cell) => cellKey(c.kernel, c.size.name, c.variant, c.target);
  const plain = (results: ResultsFile) => results.cells.filter((c) => !c.workers);
  const baseCells = new Map(plain(base.results).map((c) => [key(c), c]));
  const headKeys = new Set(plain(head.results).map(key));
  const cells = [
    ...plain(head.results).map((h) => compareCell(base.results, head.results, baseCells.get(key(h)), h, basis, settings)),
    ...plain(base.results).filter((b) => !headKeys.has(key(b))).map((b) => compareCell(base.results, head.results, b, undefined, basis, settings)),
  ];
  const counts = Object.fromEntries(COMPARE_VERDICTS.map((v) => [v, cells.filter((c) => c.verdict === v).length])) as Comparison['counts'];
  return {
    settings,
    basis,
    basisReason,
    base: runInfo(base),
    head: runInfo(head),
    cells,
    counts,
    passed: counts.slower === 0 && counts.invalid === 0 && counts.suspect === 0,
  };
}

/** `variant@target` of a compared cell. */
export function comparedId(cell: CellComparison): string {
  return variantId(cell.variant, cell.target);
}
