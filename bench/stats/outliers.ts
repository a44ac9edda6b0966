// Tukey fences. Outliers in timings are real events (GC pauses, preemption, frequency changes), so
// they are counted to flag noisy measurements but never removed: the median and its CI are already
// robust to them, and dropping them would hide exactly what a noisy machine looks like.

import type { OutlierCounts } from '../types.js';
import { quantileSorted } from './descriptive.js';

export interface TukeyFences {
  readonly lowSevere: number;
  readonly lowMild: number;
  readonly highMild: number;
  readonly highSevere: number;
}

export type OutlierClassification = OutlierCounts & { readonly fences: TukeyFences };

/**
 * Counts samples of an ascending array beyond the Tukey fences (Q1/Q3 by type 7 quantiles): mild
 * strictly beyond 1.5 IQR, severe strictly beyond 3 IQR. A severe outlier is counted only as severe,
 * so the four counts are disjoint.
 */
export function classifyOutliers(sorted: ArrayLike<number>): OutlierClassification {
  const n = sorted.length;
  if (n === 0) throw new RangeError('outliers of an empty sample');
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const fences: TukeyFences = {
    lowSevere: q1 - 3 * iqr,
    lowMild: q1 - 1.5 * iqr,
    highMild: q3 + 1.5 * iqr,
    highSevere: q3 + 3 * iqr,
  };
  let lowSevere = 0;
  let lowMild = 0;
  let highMild = 0;
  let highSevere = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i];
    if (x < fences.lowSevere) lowSevere++;
    else if (x < fences.lowMild) lowMild++;
    else if (x > fences.highSevere) highSevere++;
    else if (x > fences.highMild) highMild++;
  }
  return { lowSevere, lowMild, highMild, highSevere, fences };
}
