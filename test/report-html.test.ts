// The HTML report from constructed results: the scaling fit (analysis), the chart specs (speedups
// with their CIs, scaling, roofline), and the page (every chart drawn, users' strings escaped,
// nothing loaded from elsewhere, profile links relative to the report).

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../bench/analysis/analyze.js';
import { scalingFits } from '../bench/analysis/scaling.js';
import { NO_ROOFLINE_NOTE, reportCharts, rooflineCharts, scalingCharts, speedupCharts } from '../bench/report/charts.js';
import { escapeHtml, htmlTable, renderHtml } from '../bench/report/html.js';
import { formatFromExtension } from '../bench/report/render.js';
import type { Analysis, Cell, ProfileRecord } from '../bench/types.js';
import { cell, environment, results } from './helpers/results.js';
import { twoBuildRoofline } from './helpers/roofline.js';

/** Layers of a layered spec, typed loosely: tests read their data and encodings. */
type Layer = { data?: { values: Record<string, unknown>[] }; mark: { type: string } | string; encoding: Record<string, { field?: string; datum?: number; scale?: { domain?: number[]; type?: string } }> };
function layers(spec: unknown): Layer[] {
  return (spec as { layer: Layer[] }).layer;
}
function markType(layer: Layer): string {
  return typeof layer.mark === 'string' ? layer.mark : layer.mark.type;
}

const SIZES = [
  { name: 'tiny', n: 100 },
  { name: 'small', n: 1000 },
  { name: 'large', n: 10000 },
];

/** A cell of kernel k at a size whose median is a·n^b ns (noise 1% within rounds). */
function powerCell(variant: string, size: { name: string; n: number }, a: number, b: number, overrides: Partial<Cell> = {}): Cell {
  const centre = a * size.n ** b;
  return cell(variant, centre, { size: { name: size.name, params: { n: size.n } }, elements: size.n, nsPerElement: centre / size.n, work: { flops: 4 * size.n, bytes: 16 * size.n }, ...overrides });
}

/** naive grows as 5·n^1.5, fast as 0.5·n^1: speedups from 3x (tiny) to 100x (large). */
function scalingResults() {
  return results(SIZES.flatMap((s) => [powerCell('naive', s, 5, 1.5), powerCell('fast', s, 0.5, 1, { rung: 'unrolled' })]));
}

const roofline = twoBuildRoofline('machine-a');

describe('scaling fit', () => {
  const analysis = analyze([{ source: 'r.json', results: scalingResults() }]);
  const fits = scalingFits(analysis.groups);

  it('fits time ≈ a·n^b per variant over the sizes: the exponent and the coefficient of a known power law', () => {
    const naive = fits.find((f) => f.variant === 'naive')!;
    const fast = fits.find((f) => f.variant === 'fast')!;
    expect(naive.points.map((p) => p.size)).toEqual(['tiny', 'small', 'large']);
    // Medians of noisy samples around the centre: the fit recovers b within the 1% noise.
    expect(naive.exponent).toBeCloseTo(1.5, 2);
    expect(fast.exponent).toBeCloseTo(1, 2);
    expect(naive.coefficientNs! / 5).toBeCloseTo(1, 1);
    expect(naive.r2).toBeGreaterThan(0.999);
  });

  it('needs two sizes: a kernel measured at one size gets no exponent', () => {
    const one = scalingFits(analyze([{ source: 'r.json', results: results([powerCell('naive', SIZES[0], 5, 1.5)]) }]).groups);
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ exponent: null, coefficientNs: null, r2: null });
    // Two sizes give an exact line, so no r².
    const two = scalingFits(analyze([{ source: 'r.json', results: results(SIZES.slice(0, 2).map((s) => powerCell('naive', s, 5, 2))) }]).groups);
    expect(two[0].exponent).toBeCloseTo(2, 2);
    expect(two[0].r2).toBeNull();
  });

  it('leaves out invalid variants and keeps machines apart', () => {
    const invalidAtLarge = results([...SIZES.slice(0, 2).map((s) => powerCell('naive', s, 5, 1.5)), powerCell('naive', SIZES[2], 5, 1.5, { validation: { status: 'invalid', maxAbsError: 1, maxRelError: 1, maxUlp: 1, cases: [] } })]);
    const other = results(SIZES.map((s) => powerCell('naive', s, 5, 1)), { ...environment, fingerprint: 'machine-b' });
    const fitsBoth = scalingFits(analyze([{ source: 'a.json', results: invalidAtLarge }, { source: 'b.json', results: other }]).groups);
    expect(fitsBoth.map((f) => [f.fingerprint, f.points.length])).toEqual([['machine-a', 2], ['machine-b', 3]]);
    expect(fitsBoth[1].exponent).toBeCloseTo(1, 2);
  });
});

describe('chart specs', () => {
  const analysis = analyze([{ source: 'r.json', results: scalingResults() }]);

  it('speedup: one chart per group, a bar per ranked variant from 1 to its speedup, whiskers at its CI, log scale', () => {
    const charts = speedupCharts(analysis);
    expect(charts.map((c) => c.title)).toEqual(['k · tiny (n=100)', 'k · small (n=1000)', 'k · large (n=10000)']);
    analysis.groups.forEach((group, i) => {
      const [bar, one, whisker] = layers(charts[i].spec);
      const values = (charts[i].spec as { data: { values: Record<string, number | string>[] } }).data.values;
      expect(values.map((v) => v.variant)).toEqual(['fast@js', 'naive@js']); // ranked, fastest first
      const fast = group.variants.find((v) => v.variant === 'fast')!;
      expect(values[0]).toMatchObject({ speedup: fast.speedup!.ratio, ciLow: fast.speedup!.ciLow, ciHigh: fast.speedup!.ciHigh, rung: 'unrolled' });
      expect(values[1]).toMatchObject({ speedup: 1, ciLow: 1, ciHigh: 1 });
      expect(markType(bar)).toBe('bar');
      expect(bar.encoding.x.scale!.type).toBe('log');
      expect(bar.encoding.x2.datum).toBe(1);
      const [lo, hi] = bar.encoding.x.scale!.domain!;
      expect(lo).toBeLessThan(1);
      expect(hi).toBeGreaterThan(fast.speedup!.ciHigh);
      expect(one.encoding.x.datum).toBe(1);
      expect(markType(whisker)).toBe('errorbar');
      expect([whisker.encoding.x.field, whisker.encoding.x2.field]).toEqual(['ciLow', 'ciHigh']);
    });
    // naive 5·n^1.5 over fast 0.5·n: 10·√n.
    const large = (charts[2].spec as { data: { values: { speedup: number }[] } }).data.values[0].speedup;
    expect(large).toBeCloseTo(1000, -1);
  });

  it('speedup: no chart for a group without a valid baseline', () => {
    const noBaseline = analyze([{ source: 'r.json', results: results([cell('fast', 100), cell('other', 200)]) }]);
    expect(noBaseline.groups[0].baseline).toBeNull();
    expect(speedupCharts(noBaseline)).toEqual([]);
  });

  it('scaling: ns per value against values per call, log-log, a line per variant labelled with its exponent', () => {
    const fits = scalingFits(analysis.groups);
    const [chart] = scalingCharts(analysis, fits);
    expect(chart.notes).toEqual([]);
    const [line] = layers(chart.spec);
    expect([line.encoding.x.scale!.type, line.encoding.y.scale!.type]).toEqual(['log', 'log']);
    expect([line.encoding.x.field, line.encoding.y.field]).toEqual(['elements', 'nsPerValue']);
    const values = (chart.spec as { data: { values: { series: string; elements: number; nsPerValue: number }[] } }).data.values;
    const naive = fits.find((f) => f.variant === 'naive')!;
    expect(values.filter((v) => v.series === `naive@js  ∝ n^${naive.exponent!.toFixed(2)}`).map((v) => v.elements)).toEqual([100, 1000, 10000]);
    expect(values.find((v) => v.series.startsWith('fast@js') && v.elements === 1000)!.nsPerValue).toBeCloseTo(0.5, 1);
    expect(JSON.stringify(chart.spec.title)).toContain('least squares over 3 sizes');

    const single = analyze([{ source: 'r.json', results: results([powerCell('naive', SIZES[0], 5, 1.5)]) }]);
    const [alone] = scalingCharts(single, scalingFits(single.groups));
    expect(alone.notes.join(' ')).toContain('the fit needs at least 2 sizes');
    expect(JSON.stringify(alone.spec.title)).toContain('the fit needs ≥2 sizes');
  });

  it('roofline: the roof min(peak, I × bandwidth) and each ceiling, a point per ranked variant at its intensity', () => {
    const withRoof: Analysis = { ...analysis, rooflines: [roofline] };
    const [chart] = rooflineCharts(withRoof);
    expect(chart.notes).toEqual([]);
    const [roofs, points] = layers(chart.spec);
    const lines = roofs.data!.values as { roof: string; intensity: number; gflops: number; width: number }[];
    const series = [...new Set(lines.map((l) => l.roof))];
    expect(series).toHaveLength(3); // the machine and its two builds
    for (const l of lines) {
      const own = l.width > 1 ? roofline : roofline.ceilings.find((c) => l.roof.startsWith(`native@${c.target}:`))!;
      const bandwidth = 'triadGBps' in own ? own.triadGBps : own.bandwidthGBps;
      expect(l.gflops).toBeCloseTo(Math.min(own.peakGflops, l.intensity * bandwidth), 9);
    }
    // The machine's ridge point (peak / bandwidth) is on its line: the bend is drawn exactly.
    expect(lines.some((l) => l.width > 1 && Math.abs(l.intensity - 80 / 12) < 1e-9)).toBe(true);
    const dots = points.data!.values as { variant: string; intensity: number; gflops: number }[];
    expect(dots).toHaveLength(6); // 2 ranked variants × 3 sizes
    // Without roof positions from analysis, intensity comes from the work model: 4n flops / 16n bytes.
    for (const d of dots) expect(d.intensity).toBeCloseTo(0.25, 9);
    const naiveLarge = analysis.groups[2].variants.find((v) => v.variant === 'naive')!;
    expect(dots.some((d) => d.variant === 'naive@js' && d.gflops === naiveLarge.gflops)).toBe(true);
    expect([points.encoding.x.scale!.type, points.encoding.y.scale!.type]).toEqual(['log', 'log']);
  });

  it('roofline: a variant\'s roof position gives its intensity; without a roofline the points stay, with a note', () => {
    const positioned: Analysis = {
      ...analysis,
      rooflines: [roofline],
      groups: analysis.groups.map((g) => ({ ...g, variants: g.variants.map((v) => ({ ...v, roof: { intensity: 3, attainableGflops: 36, percentOfRoof: 10, bound: 'memory' as const } })) })),
    };
    const dots = layers(rooflineCharts(positioned)[0].spec)[1].data!.values as { intensity: number }[];
    expect(dots.every((d) => d.intensity === 3)).toBe(true);

    const [bare] = rooflineCharts(analysis);
    expect(bare.notes).toEqual([NO_ROOFLINE_NOTE]);
    expect(layers(bare.spec)).toHaveLength(1); // points only
    expect(layers(bare.spec)[0].data!.values).toHaveLength(6);
  });
});

describe('HTML page', () => {
  const hostile = '<img src="http://example.invalid/x.png" onerror="alert(1)">';
  const analysis: Analysis = {
    ...analyze([{ source: 'r.json', results: results(SIZES.flatMap((s) => [powerCell('naive', s, 5, 1.5), powerCell('fast', s, 0.5, 1, { description: hostile })])) }]),
    rooflines: [roofline],
  };

  it('draws every chart the spec builders give as inline SVG, and has no script and nothing to load', async () => {
    const page = await renderHtml(analysis);
    const charts = reportCharts(analysis, scalingFits(analysis.groups));
    expect(charts.map((c) => c.kind)).toEqual(['speedup', 'speedup', 'speedup', 'scaling', 'roofline']);
    const figures = [...page.matchAll(/<figure class="chart" id="([^"]+)" data-chart="([a-z]+)"[^>]*>(<svg[\s\S]*?<\/svg>)/g)];
    expect(figures.map((f) => f[1])).toEqual(charts.map((c) => c.id));
    for (const [, , , svg] of figures) expect(svg).toMatch(/<path|<rect|<line/);
    // url(#…) references inside an SVG are the only url() allowed.
    expect(page).not.toMatch(/<script|<link|<iframe|<img|url\((?!#)|@import/i);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('escapes users\' strings', async () => {
    const page = await renderHtml(analysis);
    expect(page).not.toContain(hostile);
    expect(page).toContain(escapeHtml(hostile));
    expect(escapeHtml('a<b>&"c\'')).toBe('a&lt;b&gt;&amp;&quot;c&#39;');
    const table = htmlTable({ title: 't<', headers: ['x&'], align: ['r'], rows: [['<b>']], notes: ['n>'] });
    expect(table).toBe('<div class="table"><table><caption>t&lt;</caption><thead><tr><th class="num">x&amp;</th></tr></thead><tbody><tr><td class="num">&lt;b&gt;</td></tr></tbody></table><ul class="notes"><li>n&gt;</li></ul></div>');
  });

  it('shows the tables the text reports show, the fit, cold starts and validation', async () => {
    const page = await renderHtml(analysis);
    expect(page).toContain('<caption>Best speedup over the baseline, per target</caption>');
    expect(page).toContain('<caption>k · large (n=10000) · 10000 values per call</caption>');
    expect(page).toContain('<caption>Fitted scaling: time per call ∝ n^b, n = values per call</caption>');
    expect(page).toMatch(/<td>naive@js<\/td><td>tiny, small, large<\/td><td class="num">1\.50<\/td>/);
    expect(page).toContain('<section id="cold-starts">');
    expect(page).toContain('<section id="validation">');
    expect(page).toContain('Test CPU');
  });

  it('links a profile\'s files relative to the report\'s folder, or absolute without one', async () => {
    const profile = {
      createdAt: '2026-11-21T00:00:00.000Z',
      command: ['hotbench', 'profile'],
      tool: '0x',
      target: { kind: 'script', script: 'slow.js', args: [] },
      folder: path.resolve('/tmp/study/profiles/p1'),
      artifacts: ['profile.cpuprofile', 'flame graph.html'],
      tableSource: 'profile.cpuprofile',
      table: { samples: 0, sampledMs: 0, hotspots: [] },
    } as ProfileRecord;
    const withProfile = { ...analysis, profiles: [profile] };
    const relative = await renderHtml(withProfile, { outFile: '/tmp/study/reports/index.html' });
    expect(relative).toContain('<a href="../profiles/p1/flame%20graph.html">flame graph.html</a>, <a href="../profiles/p1/profile.cpuprofile">');
    const absolute = await renderHtml(withProfile);
    expect(absolute).toContain('<a href="file:///tmp/study/profiles/p1/flame%20graph.html">');
  });

  it('is the format of .html files', () => {
    expect(formatFromExtension('reports/latest/index.html')).toBe('html');
    expect(formatFromExtension('r.HTM')).toBe('html');
  });
});
