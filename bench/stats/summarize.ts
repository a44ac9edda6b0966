// One cell's samples reduced to the figures reports and the gate read. The time per call and its
// interval come from the rounds (bench/stats/rounds.ts): each round's median, combined over rounds;
// the descriptive figures (MAD, mean, extremes, outliers) from the samples.

import type { OutlierCounts, SampleStats } from '../types.js';
import { mean, quantileSorted, selectMedianInPlace, sortedCopy } from './descriptive.js';
import { classifyOutliers } from './outliers.js';
import { roundsInterval } from './rounds.js';

/**
 * Tukey outliers counted within each round and summed. A round is one process; pooled across
 * rounds, an ordinary shift between processes would be flagged as hundreds of outliers, while the
 * fences exist to catch interruptions within a process (a GC, a preemption).
 */
function outliersByRound(samplesNs: readonly number[], roundLengths: readonly number[]): OutlierCounts {
  const total = { lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 0 };
  let offset = 0;
  for (const length of roundLengths) {
    if (length > 0) {
      const counts = classifyOutliers(sortedCopy(samplesNs.slice(offset, offset + length)));
      total.lowSevere += counts.lowSevere;
      total.lowMild += counts.lowMild;
      total.highMild += counts.highMild;
      total.highSevere += counts.highSevere;
    }
    offset += length;
  }
  return total;
}

/**
 * Summary of timing samples (ns). `roundLengths`, when given, splits the samples into consecutive
 * rounds (it must add up to the number of samples; empty rounds are skipped); without it the samples
 * are one round. medianNs is the median of the rounds' medians, with its distribution-free interval
 * over them (bench/stats/rounds.ts): at `level` from 6 rounds, 93.75% with 5, none with one. Throws RangeError on no samples or a
 * non-finite one: a NaN would silently poison every figure.
 */
export function summarize(samplesNs: readonly number[], level = 0.95, roundLengths: readonly number[] = [samplesNs.length]): SampleStats {
  const n = samplesNs.length;
  if (n === 0) throw new RangeError('no samples to summarize');
  for (let i = 0; i < n; i++) {
    const x = samplesNs[i];
    if (!Number.isFinite(x)) throw new RangeError(`sample ${i} is not a finite number: ${x}`);
  }
  if (roundLengths.reduce((a, b) => a + b, 0) !== n) throw new RangeError('round lengths do not add up to the number of samples');
  const sorted = sortedCopy(samplesNs);

  const roundMedians: number[] = [];
  let offset = 0;
  for (const length of roundLengths) {
    if (length > 0) roundMedians.push(quantileSorted(sortedCopy(samplesNs.slice(offset, offset + length)), 0.5));
    offset += length;
  }
  // A zero median (a timer too coarse for the call) counts as a picosecond, below anything
  // measurable: the interval's arithmetic wants positive values.
  const ci = roundsInterval(roundMedians.map((m) => Math.max(m, 1e-3)), level);
  const medianNs = ci.center;
  // The spread of the samples themselves, around their pooled median: descriptive, per process.
  const pooledMedian = quantileSorted(sorted, 0.5);
  const deviations = new Float64Array(n);
  for (let i = 0; i < n; i++) deviations[i] = Math.abs(sorted[i] - pooledMedian);

  return {
    n,
    medianNs,
    ciLowNs: ci.low,
    ciHighNs: ci.high,
    ciLevel: ci.level,
    madNs: selectMedianInPlace(deviations, n),
    meanNs: mean(samplesNs),
    minNs: sorted[0],
    maxNs: sorted[n - 1],
    outliers: outliersByRound(samplesNs, roundLengths),
  };
}
