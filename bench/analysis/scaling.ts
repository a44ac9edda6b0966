// Scaling: how each variant's time grows with the size of the problem, as the exponent b of a
// power law time ≈ a·n^b fitted over a kernel's sizes on one machine (Google Benchmark's Big-O fit,
// in log space so that every size weighs the same whatever its time).

import type { CellGroup, ScalingFit, ScalingPoint } from '../types.js';

/** Least squares of y on x: slope, intercept and r² (null when the points cannot give one). */
function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number | null } | null {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const residual = ys.reduce((sum, y, i) => sum + (y - (my + slope * (xs[i] - mx))) ** 2, 0);
  return { slope, intercept: my - slope * mx, r2: n < 3 ? null : syy === 0 ? 1 : 1 - residual / syy };
}

/**
 * One fit per (machine, kernel, variant@target) that was measured at some size: the exponent needs
 * at least two distinct element counts, so a kernel run at one size gets fits with exponent null.
 * Only valid variants with a time count; the order is that of the groups, then of first appearance.
 */
export function scalingFits(groups: readonly CellGroup[]): ScalingFit[] {
  const byVariant = new Map<string, { fit: Omit<ScalingFit, 'points' | 'exponent' | 'coefficientNs' | 'r2'>; points: ScalingPoint[] }>();
  for (const g of groups) {
    for (const v of g.variants) {
      if (v.rank === null || !v.stats) continue;
      const key = JSON.stringify([g.fingerprint, g.kernel, v.variant, v.target]);
      let entry = byVariant.get(key);
      if (!entry) byVariant.set(key, (entry = { fit: { fingerprint: g.fingerprint, kernel: g.kernel, variant: v.variant, rung: v.rung, target: v.target }, points: [] }));
      entry.points.push({ size: g.size.name, elements: g.elements, medianNs: v.stats.medianNs });
    }
  }
  return [...byVariant.values()].map(({ fit, points }) => {
    const sorted = [...points].sort((a, b) => a.elements - b.elements || a.size.localeCompare(b.size));
    const usable = sorted.filter((p) => p.elements > 0 && p.medianNs > 0);
    const line = usable.length >= 2 ? leastSquares(usable.map((p) => Math.log(p.elements)), usable.map((p) => Math.log(p.medianNs))) : null;
    return {
      ...fit,
      points: sorted,
      exponent: line ? line.slope : null,
      coefficientNs: line ? Math.exp(line.intercept) : null,
      r2: line ? line.r2 : null,
    };
  });
}
