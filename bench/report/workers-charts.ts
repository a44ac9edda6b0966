// The charts of a scaling run as Vega-Lite specs, built from the analysis alone: per (machine,
// kernel, size, mode), S(p) against p for every parallel variant with the ideal S = p drawn, and
// the efficiency S/p against p with the ideal 100% drawn. One line per backend, whiskers at each
// point's interval; oversubscribed points hollow. Drawing them is svg.ts's job.

import type { TopLevelSpec } from 'vega-lite';
import { variantId } from '../spec/define.js';
import { CHART_CONFIG, slug } from './chart-style.js';
import type { Analysis, ReportChart, WorkersGroup } from '../types.js';
import { workersTitle } from './workers-table.js';

const WIDTH = 420;

interface Row {
  readonly variant: string;
  readonly backend: string;
  readonly p: number;
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly oversubscribed: string;
}

/** One row per measured point of the group, for S(p) (`speedup`) or S(p)/p (`efficiency`). */
function rows(group: WorkersGroup, what: 'speedup' | 'efficiency'): Row[] {
  return group.series.flatMap((series) =>
    series.points.flatMap((point) => {
      if (!point.speedup) return [];
      const scale = what === 'efficiency' ? 1 / point.workers : 1;
      return [
        {
          variant: variantId(series.variant, series.target),
          backend: series.backend,
          p: point.workers,
          value: point.speedup.ratio * scale,
          low: point.speedup.ciLow * scale,
          high: point.speedup.ciHigh * scale,
          oversubscribed: point.oversubscribed ? 'more workers than cores' : 'within the cores',
        },
      ];
    }),
  );
}

function spec(group: WorkersGroup, what: 'speedup' | 'efficiency', subtitle: string): TopLevelSpec {
  const data = rows(group, what);
  const counts = [...new Set([1, ...group.series.flatMap((s) => s.points.map((p) => p.workers))])].sort((a, b) => a - b);
  const most = counts[counts.length - 1];
  const ideal = what === 'speedup' ? counts.map((p) => ({ p, value: p, line: 'ideal S = p' })) : counts.map((p) => ({ p, value: 1, line: 'ideal 100%' }));
  const top = Math.max(what === 'speedup' ? most : 1, ...data.map((r) => r.high)) * 1.08;
  const x = { field: 'p', type: 'quantitative' as const, title: 'workers p', scale: { domain: [0, most + 0.5], nice: false }, axis: { values: counts, format: 'd' } };
  const yTitle = what === 'speedup' ? `S(p) over the same variant at p = 1${group.mode === 'weak' ? ' (scaled: p·T1/Tp)' : ''}` : 'efficiency S(p)/p';
  const y = { field: 'value', type: 'quantitative' as const, title: yTitle, scale: { domain: [0, top], nice: false }, axis: what === 'efficiency' ? { format: '%' } : {} };
  const color = { field: 'variant', type: 'nominal' as const, title: 'backend', sort: group.series.map((s) => variantId(s.variant, s.target)), scale: { scheme: 'tableau10' } };
  return {
    config: CHART_CONFIG,
    title: { text: `${group.kernel} · ${group.size.name} · ${group.mode} · ${what === 'speedup' ? 'speedup' : 'efficiency'}`, subtitle: [subtitle, workersTitle(group)] },
    width: WIDTH,
    height: 280,
    layer: [
      { data: { values: ideal }, mark: { type: 'line', color: '#888', strokeDash: [5, 4] }, encoding: { x, y, strokeDash: { field: 'line', type: 'nominal', title: null, legend: { symbolStrokeColor: '#888' } } } },
      { data: { values: data }, mark: { type: 'line', strokeWidth: 1.8 }, encoding: { x, y, color } },
      { data: { values: data }, mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { field: 'low', type: 'quantitative', title: yTitle }, y2: { field: 'high' }, color } },
      {
        data: { values: data },
        mark: { type: 'point', size: 60 },
        encoding: {
          x,
          y,
          color,
          fill: { condition: { test: "datum.oversubscribed === 'within the cores'", field: 'variant', type: 'nominal', scale: { scheme: 'tableau10' } }, value: 'white' },
          // The legend only when some p exceeded the cores.
          shape: { field: 'oversubscribed', type: 'nominal', title: 'p', scale: { domain: ['within the cores', 'more workers than cores'], range: ['circle', 'diamond'] }, ...(group.oversubscribed ? {} : { legend: null }) },
        },
      },
    ],
  };
}

/** Two charts per scaling group: S(p) with the ideal S = p, and S(p)/p with the ideal 100%. */
export function workersCharts(analysis: Pick<Analysis, 'workers'>): ReportChart[] {
  const charts: ReportChart[] = [];
  (analysis.workers ?? []).forEach((group, index) => {
    const base = `${index + 1}-${slug(`${group.kernel}-${group.size.name}-${group.mode}`)}`;
    const notes = [
      ...(group.series.every((s) => s.points.every((p) => !p.speedup)) ? ['no variant has a valid p = 1 and another p: nothing to draw'] : []),
      ...(group.oversubscribed ? [`OVERSUBSCRIBED: diamonds mark p above this machine's ${group.cores} cores`] : []),
    ];
    const title = `${group.kernel} · ${group.size.name} · ${group.mode} scaling`;
    charts.push({
      id: `workers-speedup-${base}`,
      kind: 'workers-speedup',
      title: `${title} · speedup`,
      spec: spec(group, 'speedup', 'S(p) = T(1)/T(p) of each backend, round by round; whiskers: its interval; dashed: ideal'),
      notes,
    });
    charts.push({
      id: `workers-efficiency-${base}`,
      kind: 'workers-efficiency',
      title: `${title} · efficiency`,
      spec: spec(group, 'efficiency', 'S(p)/p of each backend; dashed: ideal 100%'),
      notes,
    });
  });
  return charts;
}
