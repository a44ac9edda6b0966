// Scaling analysis from constructed results (no measuring): S(p) round by round against the same
// variant at p = 1 and the best serial variant, weak mode's scaled speedup, efficiency, Karp-Flatt
// and the fitted serial fractions; the results file's schema version 2 (and version 1 still read,
// and neither mixed up); the reports' tables and charts, drawn to SVG.

import { describe, expect, it } from 'vitest';
import { analyze } from '../bench/analysis/analyze.js';
import { fittedSerialFraction, karpFlatt } from '../bench/analysis/workers.js';
import { defaultWorkerCounts, parseWorkerCounts } from '../bench/measure/workers-plan.js';
import { paramsWithWorkers } from '../bench/measure/workers.js';
import { shardRows } from '../bench/parallel/shards.js';
import { workersCharts } from '../bench/report/workers-charts.js';
import { renderHtml } from '../bench/report/html.js';
import { renderMarkdown } from '../bench/report/markdown.js';
import { renderTerminal } from '../bench/report/terminal.js';
import { parseResults } from '../bench/results/store.js';
import { toJson } from '../bench/results/store.js';
import { SCALING_SCHEMA_VERSION, type Cell, type CellWorkers, type KernelDefinition, type ResultsFile } from '../bench/types.js';
import { cell, results } from './helpers/results.js';

const at = (variant: string, ns: number, workers: Partial<CellWorkers> & { count: number }, overrides: Partial<Cell> = {}): Cell =>
  cell(variant, ns, { workers: { mode: 'strong', backend: variant === 'native' ? null : variant, oversubscribed: false, ...workers }, ...overrides });

function scalingFile(cells: Cell[], mode: 'strong' | 'weak' = 'strong'): ResultsFile {
  return { ...results(cells), schemaVersion: SCALING_SCHEMA_VERSION, scaling: { mode, workers: [1, 2, 4], cores: 4, oversubscribe: false, ...(mode === 'weak' ? { grows: { k: 'n' } } : {}) } };
}

describe('the arithmetic', () => {
  it('Karp-Flatt and the fitted serial fractions recover a known f', () => {
    const f = 0.1;
    const amdahl = [2, 4, 8].map((p) => ({ p, speedup: 1 / (f + (1 - f) / p) }));
    for (const { p, speedup } of amdahl) expect(karpFlatt(speedup, p)).toBeCloseTo(f, 12);
    expect(fittedSerialFraction(amdahl, 'strong')).toBeCloseTo(f, 12);
    const gustafson = [2, 4, 8].map((p) => ({ p, speedup: p - f * (p - 1) }));
    expect(fittedSerialFraction(gustafson, 'weak')).toBeCloseTo(f, 12);
    expect(karpFlatt(1.5, 1)).toBeNull();
    expect(fittedSerialFraction([{ p: 1, speedup: 1 }], 'strong')).toBeNull();
  });

  it('splits rows by a fixed rule: contiguous, aligned, as equal as possible, the same every time', () => {
    expect(shardRows(10, 3)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 7 }, { start: 7, end: 10 }]);
    expect(shardRows(20, 2, 8)).toEqual([{ start: 0, end: 16 }, { start: 16, end: 20 }]);
    expect(shardRows(3, 4)).toEqual([{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 3 }]);
    expect(shardRows(0, 2)).toEqual([{ start: 0, end: 0 }, { start: 0, end: 0 }]);
    for (const [rows, p, align] of [[1_000_003, 7, 8], [13, 16, 8], [999, 5, 1]]) {
      const shards = shardRows(rows, p, align);
      expect(shards[0].start).toBe(0);
      expect(shards[p - 1].end).toBe(rows);
      shards.forEach((s, i) => {
        if (i > 0) expect(s.start).toBe(shards[i - 1].end);
        if (s.start < rows) expect(s.start % align).toBe(0);
      });
      expect(shardRows(rows, p, align)).toEqual(shards);
    }
  });

  it('weak mode grows the kernel\'s parameter with p; strong mode and p = 1 keep the size', () => {
    const kernel = { name: 'k', grows: 'n', sizes: { small: { n: 1000, d: 3 } } } as unknown as KernelDefinition;
    expect(paramsWithWorkers(kernel, 'small', { count: 4, mode: 'weak' })).toEqual({ n: 4000, d: 3 });
    expect(paramsWithWorkers(kernel, 'small', { count: 4, mode: 'strong' })).toEqual({ n: 1000, d: 3 });
    expect(paramsWithWorkers(kernel, 'small', { count: 1, mode: 'weak' })).toEqual({ n: 1000, d: 3 });
    expect(() => paramsWithWorkers({ ...kernel, grows: undefined } as KernelDefinition, 'small', { count: 2, mode: 'weak' })).toThrow(/cannot be scaled weakly/);
  });

  it('parses --workers and picks default numbers of workers', () => {
    expect(parseWorkerCounts('scale', ['4', '1', '2', '2'])).toEqual([1, 2, 4]);
    for (const bad of ['0', '-1', '1.5', 'x', '1e3', '']) expect(() => parseWorkerCounts('scale', [bad])).toThrow(/whole numbers >= 1/);
    expect(defaultWorkerCounts(2)).toEqual([1, 2]);
    expect(defaultWorkerCounts(16)).toEqual([1, 2, 4, 8, 16]);
    expect(defaultWorkerCounts(12)).toEqual([1, 2, 4, 8, 12]);
  });
});

describe('scaling analysis', () => {
  // A serial reference at 100, a backend at 120 (p=1), 62 (p=2), 35 (p=4).
  const strong = () => [at('native', 100, { count: 1 }), at('threads', 120, { count: 1 }), at('threads', 62, { count: 2 }), at('threads', 35, { count: 4 })];

  it('gives S(p) over p = 1 and over the best serial variant, efficiency and Karp-Flatt, per p', () => {
    const analysis = analyze([{ source: 's.json', results: scalingFile(strong()) }]);
    expect(analysis.groups).toEqual([]); // scaling cells are not ranked with the plain ones
    const [group] = analysis.workers!;
    expect(group).toMatchObject({ kernel: 'k', mode: 'strong', bestSerial: 'native@js', cores: 4, oversubscribed: false });
    const [series] = group.series;
    expect(series.points.map((p) => p.workers)).toEqual([1, 2, 4]);
    const [one, two, four] = series.points;
    expect(one.speedup!.ratio).toBeCloseTo(1, 12);
    expect(two.speedup!.ratio).toBeCloseTo(120 / 62, 1);
    expect(four.speedupVsSerial!.ratio).toBeCloseTo(100 / 35, 1);
    expect(two.speedup!.ciLow).toBeLessThanOrEqual(two.speedup!.ratio);
    expect(two.speedup!.ciHigh).toBeGreaterThanOrEqual(two.speedup!.ratio);
    expect(four.efficiency).toBeCloseTo(four.speedup!.ratio / 4, 12);
    expect(four.karpFlatt).toBeCloseTo((1 / four.speedup!.ratio - 1 / 4) / (1 - 1 / 4), 12);
    expect(series.law).toBe('amdahl');
    expect(series.serialFraction).toBeGreaterThan(0);
    expect(series.serialFraction).toBeLessThan(0.2);
  });

  it('weak mode: the scaled speedup p·T1/Tp and Gustafson\'s fit; the base size shown', () => {
    const grown = (p: number) => ({ size: { name: 'small', params: { n: 1000 * p } } });
    const cells = [at('native', 100, { count: 1, mode: 'weak' }), at('threads', 100, { count: 1, mode: 'weak' }), at('threads', 110, { count: 2, mode: 'weak' }, grown(2)), at('threads', 125, { count: 4, mode: 'weak' }, grown(4))];
    const [group] = analyze([{ source: 'w.json', results: scalingFile(cells, 'weak') }]).workers!;
    expect(group).toMatchObject({ mode: 'weak', grows: 'n', size: { name: 'small', params: { n: 1000 } } });
    const four = group.series[0].points[2];
    expect(four.size.params.n).toBe(4000);
    expect(four.speedup!.ratio).toBeCloseTo((4 * 100) / 125, 1);
    expect(group.series[0].law).toBe('gustafson');
  });

  it('a failed p keeps its failure; the other p keep their figures; an oversubscribed p is marked', () => {
    const failure = { kind: 'signal' as const, phase: 'validate' as const, message: 'worker 2 of 2: process killed by SIGKILL' };
    const cells = [
      at('native', 100, { count: 1 }),
      at('processes', 130, { count: 1 }),
      cell('processes', null, { workers: { count: 2, mode: 'strong', backend: 'processes', oversubscribed: false }, validation: { status: 'failed', maxAbsError: NaN, maxRelError: NaN, maxUlp: NaN, cases: [], message: failure.message }, failure }),
      at('processes', 40, { count: 8, oversubscribed: true }),
    ];
    const analysis = analyze([{ source: 'f.json', results: scalingFile(cells) }]);
    const [group] = analysis.workers!;
    expect(group.oversubscribed).toBe(true);
    const [one, two, eight] = group.series[0].points;
    expect(one.status).toBe('measured');
    expect(two).toMatchObject({ status: 'failed', speedup: null, failure: { kind: 'signal' } });
    expect(eight).toMatchObject({ status: 'measured', oversubscribed: true });
    const text = renderTerminal(analysis);
    expect(text).toMatch(/OVERSUBSCRIBED/);
    expect(text).toMatch(/processes@js p=2: signal while validated: worker 2 of 2: process killed by SIGKILL/);
    expect(text).toMatch(/\b8\*/);
    expect(renderMarkdown(analysis)).toMatch(/## Parallel scaling/);
  });
});

describe('results files', () => {
  it('reads version 2 with its scaling section and version 1 as before; refuses either mixed up', () => {
    const v2 = scalingFile([at('native', 100, { count: 1 }), at('threads', 60, { count: 2 })]);
    expect(parseResults(toJson(v2), 'v2.json').scaling!.mode).toBe('strong');
    const v1 = results([cell('naive', 100)]);
    expect(parseResults(toJson(v1), 'v1.json').schemaVersion).toBe(1);
    expect(() => parseResults(toJson({ ...v2, scaling: undefined }), 'x.json')).toThrow(/x.json: not a valid results file: \/: must have required property 'scaling'/);
    expect(() => parseResults(toJson({ ...v1, scaling: v2.scaling }), 'y.json')).toThrow(/y.json: not a valid results file: \/scaling/);
    expect(() => parseResults(toJson({ ...v1, cells: v2.cells }), 'z.json')).toThrow(/z.json: not a valid results file: \/cells\/0/);
    expect(() => parseResults(toJson({ ...v2, schemaVersion: 3 }), 'w.json')).toThrow(/schema version 3 is not supported \(this hotbench reads versions 1 and 2\)/);
  });
});

describe('scaling charts', () => {
  it('draws speedup-vs-p with the ideal S = p and efficiency-vs-p with the ideal 100%, every backend in one chart', async () => {
    const cells = [at('native', 100, { count: 1 }), ...['threads', 'processes', 'native-threads', 'mpi'].flatMap((b, i) => [at(b, 110 + i, { count: 1 }), at(b, 60 + 5 * i, { count: 2 }), at(b, 33 + 5 * i, { count: 4 })])];
    const analysis = analyze([{ source: 's.json', results: scalingFile(cells) }]);
    const charts = workersCharts(analysis);
    expect(charts.map((c) => c.kind)).toEqual(['workers-speedup', 'workers-efficiency']);
    const layers = (charts[0].spec as { layer: { data: { values: { p: number; value: number; variant?: string }[] } }[] }).layer;
    expect(layers[0].data.values).toEqual([1, 2, 4].map((p) => ({ p, value: p, line: 'ideal S = p' })));
    expect(new Set(layers[1].data.values.map((v) => v.variant))).toEqual(new Set(['threads@js', 'processes@js', 'native-threads@js', 'mpi@js']));
    const eff = (charts[1].spec as { layer: { data: { values: { value: number }[] } }[] }).layer;
    expect(eff[0].data.values.every((v) => v.value === 1)).toBe(true);
    const html = await renderHtml(analysis);
    expect(html).toContain('id="parallel"');
    for (const chart of charts) expect(html).toMatch(new RegExp(`<figure class="chart" id="${chart.id}" data-chart="${chart.kind}"[^>]*><svg`));
    expect(html).toMatch(/backends side by side/);
    // A scaling run alone ranks nothing: no empty speedup, roofline or validation sections.
    expect(html).not.toContain('id="speedups"');
    expect(html).toContain('<nav><a href="#parallel">Parallel scaling</a><a href="#machines">Machines</a>');
  });
});
