// One cell's samples reduced to the figures reports and the gate read. Sorted once; every order
// statistic is read from that one copy.

import type { OutlierCounts, SampleStats } from '../types.js';
import { mean, quantileSorted, selectMedianInPlace, sortedCopy } from './descriptive.js';
import { medianConfidenceInterval } from './median-ci.js';
import { classifyOutliers } from './outliers.js';

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
 * Summary of timing samples (ns). `level` is the requested confidence of the median's interval;
 * `ciLevel` in the result may be lower when there are too few samples to reach it. `roundLengths`,
 * when given, splits the samples into consecutive rounds for outlier classification (it must add
 * up to the number of samples); without it the samples are one round.
 * Throws RangeError on no samples or a non-finite one: a NaN would silently poison every figure.
 */
export function summarize(samplesNs: readonly number[], level = 0.95, roundLengths: readonly number[] = [samplesNs.length]): SampleStats {
  const n = samplesNs.length;
  if (n === 0) throw new RangeError('no samples to summarize');
  for (let i = 0; i < n; i++) {
    const x = samplesNs[i];
    if (!Number.isFinite(x)) throw new RangeError(`sample ${i} is not a finite number: ${x}`);
  }
  const sorted = sortedCopy(samplesNs);

  const medianNs = quantileSorted(sorted, 0.5);
  const ci = medianConfidenceInterval(sorted, level);
  const deviations = new Float64Array(n);
  for (let i = 0; i < n; i++) deviations[i] = Math.abs(sorted[i] - medianNs);
  if (roundLengths.reduce((a, b) => a + b, 0) !== n) throw new RangeError('round lengths do not add up to the number of samples');

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
