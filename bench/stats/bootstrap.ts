// Confidence interval of a speedup (ratio of medians) by a hierarchical percentile bootstrap.
//
// Samples come in rounds, one child process each. Between processes the JIT's decisions, inline
// caches and memory layout differ, so rounds differ from one another more than samples within a
// round do; treating all samples as independent would give intervals far too narrow and call noise
// a speedup. Resampling mirrors how the data arose: draw rounds with replacement, then samples with
// replacement within each drawn round. With a single round this is the ordinary bootstrap.

import type { Speedup } from '../types.js';
import { createRandom, type Random } from '../random.js';
import { quantileSorted, selectMedianInPlace } from './descriptive.js';

export interface BootstrapOptions {
  /** Bootstrap replicates; a few thousand make the percentile endpoints stable to about 1 %. */
  readonly resamples: number;
  /** Confidence level of the interval, in (0, 1). */
  readonly level: number;
  readonly seed: number;
}

/** One side's non-empty rounds, flattened so resampling touches only typed arrays. */
interface Pooled {
  readonly values: Float64Array;
  readonly offsets: Int32Array;
  readonly lengths: Int32Array;
  readonly rounds: number;
  readonly maxLength: number;
}

function pool(rounds: readonly (readonly number[])[], side: string): Pooled {
  // Empty rounds carry no information (a process that crashed before sampling) and must not be
  // drawn, or they would shrink resamples at random.
  const kept = rounds.filter((r) => r.length > 0);
  let total = 0;
  let maxLength = 0;
  for (const r of kept) {
    total += r.length;
    if (r.length > maxLength) maxLength = r.length;
  }
  if (total === 0) throw new RangeError(`bootstrapSpeedup: no ${side} samples`);
  const values = new Float64Array(total);
  const offsets = new Int32Array(kept.length);
  const lengths = new Int32Array(kept.length);
  let at = 0;
  kept.forEach((r, ri) => {
    offsets[ri] = at;
    lengths[ri] = r.length;
    for (let i = 0; i < r.length; i++) {
      const x = r[i];
      // A ratio of medians needs durations: zero or negative ones would make it infinite or
      // meaningless, and NaN would break the ordering the median relies on.
      if (!(x > 0 && x < Infinity)) {
        throw new RangeError(`bootstrapSpeedup: ${side} sample ${i} of round ${ri} is not a positive finite number: ${x}`);
      }
      values[at++] = x;
    }
  });
  return { values, offsets, lengths, rounds: kept.length, maxLength };
}

// Drawing indices dominates a resample, and each rng.next() costs two 32-bit generator steps for
// 53 bits. Up to this round length two indices fit in one draw (length² <= 2^32), which halves the
// cost; the bias of flooring a 53-bit fraction onto 2^32 outcomes is below 2^-21 per outcome.
const PAIR_LIMIT = 65536;

/** Median of one hierarchical resample of `p`, built in `scratch` (at least rounds × maxLength long). */
function resampleMedian(p: Pooled, rng: Random, scratch: Float64Array): number {
  const { values, offsets, lengths, rounds } = p;
  let m = 0;
  for (let r = 0; r < rounds; r++) {
    const pick = rng.int(rounds);
    const offset = offsets[pick];
    const length = lengths[pick];
    let s = 0;
    if (length <= PAIR_LIMIT) {
      const pairs = length * length;
      for (; s + 1 < length; s += 2) {
        const v = Math.floor(rng.next() * pairs);
        const first = Math.floor(v / length);
        scratch[m++] = values[offset + first];
        scratch[m++] = values[offset + (v - first * length)];
      }
    }
    for (; s < length; s++) scratch[m++] = values[offset + rng.int(length)];
  }
  return selectMedianInPlace(scratch, m);
}

/**
 * Speedup of `variant` over `baseline`: ratio = median of all baseline samples / median of all
 * variant samples (above 1: the variant is faster), with a hierarchical percentile-bootstrap CI.
 * Deterministic for a given seed. Empty rounds are ignored; throws RangeError when a side has no
 * samples, a sample is not a positive finite number, or an option is out of range.
 */
export function bootstrapSpeedup(
  baselineRounds: readonly (readonly number[])[],
  variantRounds: readonly (readonly number[])[],
  options: BootstrapOptions,
): Speedup {
  const { resamples, level, seed } = options;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrapSpeedup: resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrapSpeedup: level must be in (0, 1), got ${level}`);
  const baseline = pool(baselineRounds, 'baseline');
  const variant = pool(variantRounds, 'variant');

  const ratio =
    selectMedianInPlace(baseline.values.slice(), baseline.values.length) /
    selectMedianInPlace(variant.values.slice(), variant.values.length);

  // One stream for both sides: drawn one after the other, their resamples are independent, and a
  // single seed reproduces the whole interval.
  const rng = createRandom(seed);
  const baselineScratch = new Float64Array(baseline.rounds * baseline.maxLength);
  const variantScratch = new Float64Array(variant.rounds * variant.maxLength);
  const ratios = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    const mb = resampleMedian(baseline, rng, baselineScratch);
    const mv = resampleMedian(variant, rng, variantScratch);
    ratios[b] = mb / mv;
  }
  ratios.sort();

  return {
    ratio,
    ciLow: quantileSorted(ratios, (1 - level) / 2),
    ciHigh: quantileSorted(ratios, (1 + level) / 2),
    ciLevel: level,
  };
}
