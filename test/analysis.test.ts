// Analysis from results alone: ranking, speedups with CIs, verdicts decided once; and the reports
// that only lay them out.

import { describe, expect, it } from 'vitest';
import { analyze, roundMedians, samplesByRound, speedupVerdict } from '../bench/analysis/analyze.js';
import { escapeMarkdown, renderMarkdown } from '../bench/report/markdown.js';
import { renderTerminal } from '../bench/report/terminal.js';
import { formatNs } from '../bench/report/table.js';
import { suspicion } from '../bench/analysis/suspect.js';
import type { Cell } from '../bench/types.js';
import { cell, environment, invalid, results, valid } from './helpers/results.js';
import { constructedRoofline } from './helpers/roofline.js';

describe('analyze', () => {
  const analysisInput = results([
    cell('naive', 1000),
    cell('fast', 100),
    cell('same', 1002),
    cell('slow', 2000),
    cell('wrong', null, { validation: invalid, stats: null }),
  ]);
  const analysis = analyze([{ source: 'r.json', results: analysisInput }]);
  const group = analysis.groups[0];
  const byName = new Map(group.variants.map((v) => [v.variant, v]));

  it('ranks measured valid variants fastest first and leaves the invalid unranked, last', () => {
    expect(group.variants.map((v) => v.variant)).toEqual(['fast', 'naive', 'same', 'slow', 'wrong']);
    expect(group.variants.map((v) => v.rank)).toEqual([1, 2, 3, 4, null]);
    expect(byName.get('wrong')!.verdict).toBe('invalid');
    expect(byName.get('wrong')!.speedup).toBeNull();
  });

  it('gives speedups as the median of per-round ratios of medians against the baseline, with a CI around them', () => {
    const fast = byName.get('fast')!.speedup!;
    const cells = new Map(analysisInput.cells.map((c) => [c.variant, c]));
    const naiveRounds = roundMedians(cells.get('naive')!);
    const ratios = [...roundMedians(cells.get('fast')!)].map(([round, m]) => naiveRounds.get(round)! / m).sort((a, b) => a - b);
    expect(fast.ratio).toBeCloseTo(ratios[ratios.length >> 1], 10);
    expect(fast.ratio).toBeGreaterThan(9);
    expect(fast.ratio).toBeLessThan(11);
    expect(fast.ciLow).toBeLessThanOrEqual(fast.ratio);
    expect(fast.ciHigh).toBeGreaterThanOrEqual(fast.ratio);
    expect(group.baseline).toBe('naive@js');
  });

  it('decides verdicts: faster, slower, unchanged within noise, baseline', () => {
    expect(byName.get('naive')!.verdict).toBe('baseline');
    expect(byName.get('fast')!.verdict).toBe('faster');
    expect(byName.get('slow')!.verdict).toBe('slower');
    expect(byName.get('same')!.verdict).toBe('unchanged');
  });

  it('computes throughput from the work model', () => {
    const fast = byName.get('fast')!;
    expect(fast.gflops).toBeCloseTo(2000 / fast.stats!.medianNs, 10);
    expect(fast.gbytesPerSecond).toBeCloseTo(16000 / fast.stats!.medianNs, 10);
  });

  it('ranks without speedups when the baseline is invalid', () => {
    const a = analyze([{ source: 'r.json', results: results([cell('naive', null, { validation: invalid, stats: null }), cell('fast', 100)]) }]);
    expect(a.groups[0].baseline).toBeNull();
    expect(a.groups[0].variants[0].speedup).toBeNull();
    expect(a.groups[0].variants[0].rank).toBe(1);
  });

  it('keeps machines apart: one group per fingerprint', () => {
    const other = { ...environment, fingerprint: 'machine-b' };
    const a = analyze([
      { source: 'a.json', results: results([cell('naive', 1000), cell('fast', 100)]) },
      { source: 'b.json', results: results([cell('naive', 1000), cell('fast', 500)], other) },
    ]);
    expect(a.groups.map((g) => g.fingerprint)).toEqual(['machine-a', 'machine-b']);
    expect(a.environments).toHaveLength(2);
    expect(a.runs.map((r) => r.source)).toEqual(['a.json', 'b.json']);
  });

  it('is reproducible: the same results give the same analysis', () => {
    const again = analyze([{ source: 'r.json', results: results([cell('naive', 1000), cell('fast', 100), cell('same', 1002), cell('slow', 2000), cell('wrong', null, { validation: invalid, stats: null })]) }]);
    expect(again.groups).toEqual(analysis.groups);
  });

  it('splits samples back into rounds', () => {
    const c = cell('naive', 1000);
    const rounds = samplesByRound(c);
    expect(rounds).toHaveLength(5);
    expect(rounds.flat()).toEqual(c.samples);
  });

  it('calls a CI that straddles the noise band unchanged', () => {
    expect(speedupVerdict({ ratio: 1.05, ciLow: 1.01, ciHigh: 1.09, ciLevel: 0.95 }, 0.02)).toBe('unchanged');
    expect(speedupVerdict({ ratio: 1.05, ciLow: 1.03, ciHigh: 1.09, ciLevel: 0.95 }, 0.02)).toBe('faster');
    expect(speedupVerdict({ ratio: 0.9, ciLow: 0.85, ciHigh: 0.97, ciLevel: 0.95 }, 0.02)).toBe('slower');
  });

  it('gives no verdict but unchanged when one round gives no interval', () => {
    expect(speedupVerdict({ ratio: 3, ciLow: 3, ciHigh: 3, ciLevel: 0 }, 0.02)).toBe('unchanged');
  });

  describe('suspect results', () => {
    const roofline = constructedRoofline('machine-a'); // bandwidth 20 GB/s
    const env = { ...environment, lastLevelCacheBytes: 32 * 2 ** 20 };
    // 1 GB per call in 1 ms: 1000 GB/s, fifty times the roof, for data far beyond the cache.
    const impossible = cell('lookup', 1e6, { work: { flops: 1e9, bytes: 1e9 } });
    const honest = cell('naive', 1e8, { work: { flops: 1e9, bytes: 1e9 } }); // 10 GB/s
    const withEmpty = (c: Cell, medianNs: number, madNs: number): Cell => ({ ...c, rounds: c.rounds.map((r) => ({ ...r, batch: 1000, emptyCall: { medianNs, madNs } })) });

    it('flags a variant faster than the memory allows, for data beyond the last-level cache, and not an honest one', () => {
      expect(suspicion(impossible, roofline, env)).toMatch(/50\.0x this machine's memory bandwidth/);
      expect(suspicion(honest, roofline, env)).toBeNull();
      expect(suspicion(impossible, null, env)).toBeNull(); // no roofline, nothing to hold it against
      // Data that fits in the cache may go faster than memory.
      const cached = { ...impossible, work: { flops: 1e6, bytes: 1e6 }, stats: { ...impossible.stats!, medianNs: 1 } };
      expect(suspicion(cached, roofline, env)).toBeNull();
      // Without sysfs's cache size, the probes' arrays (at least 4 x the cache) stand in for it.
      expect(suspicion(impossible, roofline, { ...environment })).toMatch(/more than its last-level cache \(32 MiB\)/);
    });

    it('flags a variant within the noise of an empty call, and not one a nanosecond above it', () => {
      const nothing = withEmpty(cell('view', 2), 1.95, 0.01);
      expect(suspicion(nothing, null, env)).toMatch(/within the noise of an empty call/);
      const madd = withEmpty(cell('madd', 3), 1.95, 0.01);
      expect(suspicion(madd, null, env)).toBeNull();
      // Older files have no empty call: nothing to compare with.
      expect(suspicion(cell('old', 2), null, env)).toBeNull();
    });

    it('shows a suspect variant with its speedup and reason, unranked, and ranks the rest without it', () => {
      const a = analyze([{ source: 'r.json', results: { ...results([honest, impossible, cell('fast', 5e7, { work: { flops: 1e9, bytes: 1e9 } })], env), roofline } }]);
      const variants = a.groups[0].variants;
      expect(variants.map((v) => [v.variant, v.rank, v.verdict])).toEqual([['fast', 1, 'faster'], ['naive', 2, 'baseline'], ['lookup', null, 'suspect']]);
      const lookup = variants.find((v) => v.variant === 'lookup')!;
      expect(lookup.speedup!.ratio).toBeGreaterThan(50);
      expect(lookup.suspect).toMatch(/memory bandwidth/);
      expect(renderTerminal(a)).toMatch(/lookup@js: SUSPECT, not ranked: moves/);
    });
  });

  it('says under the table when a kernel gives one per-call input only', () => {
    const one = { ...valid, cases: [{ name: 'cell', valid: true, maxAbsError: 0, maxRelError: 0, maxUlp: 0, checked: 3, mismatches: 0, calls: 3, inputs: 1 }] };
    const a = analyze([{ source: 'r.json', results: results([cell('naive', 1000, { validation: one })]) }]);
    expect(renderTerminal(a)).toMatch(/gives the same per-call input for every seed/);
  });

  describe('reports', () => {
    it('the terminal report shows every variant with its verdict and the invalid one with why', () => {
      const text = renderTerminal(analysis);
      for (const name of ['naive@js', 'fast@js', 'same@js', 'slow@js', 'wrong@js']) expect(text).toContain(name);
      expect(text).toMatch(/fast@js .* faster/);
      expect(text).toContain('wrong@js: cell: 3 of 10 values outside tolerance');
    });

    it('the Markdown report has the run command, the machine, one table per group and the validation table', () => {
      const md = renderMarkdown(analysis);
      expect(md).toContain('# hotbench report');
      expect(md).toContain('`hotbench run`');
      expect(md).toContain('Test CPU');
      expect(md).toMatch(/\| 1 \| fast@js \|/);
      expect(md).toContain('## Validation');
      expect(md).toMatch(/\| k \| small \| wrong@js \| invalid \|/);
    });

    it('escapes users\' strings in Markdown', () => {
      expect(escapeMarkdown('a|b <script>')).toBe('a\\|b &lt;script&gt;');
    });

    it('formats durations with a unit that fits', () => {
      expect(formatNs(0.5)).toBe('0.500 ns');
      expect(formatNs(1234)).toBe('1.23 µs');
      expect(formatNs(5.5e6)).toBe('5.50 ms');
      expect(formatNs(null)).toBe('–');
    });
  });
});
