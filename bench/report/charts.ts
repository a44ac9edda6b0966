// The charts of the HTML report as Vega-Lite specs, built from an analysis alone (pure functions, so
// tests check them from constructed results): speedup bars per group with their CIs, scaling per
// kernel with the fitted exponent, and a roofline per machine. Drawing them is svg.ts's job.

import { pipelineCharts } from './pipeline-charts.js';
import type { TopLevelSpec } from 'vega-lite';
import { variantId } from '../spec/define.js';
import { CHART_CONFIG, slug } from './chart-style.js';
import type { Analysis, CellGroup, Environment, MachineRoofline, RankedVariant, ReportChart, ScalingFit } from '../types.js';
import { formatRatio, sizeLabel } from './table.js';
import { workersCharts } from './workers-charts.js';

const WIDTH = 560;
/** Narrower, so that two speedup charts sit side by side on a wide screen. */
const SPEEDUP_WIDTH = 400;
const RUNG_ORDER = ['naive', 'precomputed', 'unrolled', 'wasm', 'native', 'gpu'];
/** What to say under a roofline chart whose machine has no measured roofline. */
export const NO_ROOFLINE_NOTE = 'no roofline measured for this machine: run `hotbench roofline`';

/** The rungs seen in an analysis, the ladder's order first, so a rung keeps its colour in every chart. */
export function rungDomain(groups: readonly CellGroup[]): string[] {
  const seen = new Set(groups.flatMap((g) => g.variants.map((v) => v.rung)));
  const known = RUNG_ORDER.filter((r) => seen.has(r));
  return [...known, ...[...seen].filter((r) => !RUNG_ORDER.includes(r)).sort()];
}

function rungColor(domain: readonly string[]) {
  return { field: 'rung', type: 'nominal' as const, title: 'rung', scale: { domain: [...domain], scheme: 'tableau10' } };
}

/** A log-scale domain that holds every value with some room on both sides. */
function logDomain(values: readonly number[], pad = 1.3): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return [0.1, 10];
  return [Math.min(...finite) / pad, Math.max(...finite) * pad];
}

function machineLabel(fingerprint: string, environments: readonly Environment[]): string {
  const env = environments.find((e) => e.fingerprint === fingerprint);
  return env ? `${env.cpuModel} [${fingerprint}]` : `[${fingerprint}]`;
}

/** Pixels of a label beside a whisker ("2871x faster"). */
const LABEL_PX = 82;

/**
 * Raises a log domain's top so that the last `share` of the axis is free for labels: with u the new
 * top, log(u/hi) = share · log(u/lo).
 */
function labelRoom([lo, hi]: [number, number], share: number): [number, number] {
  return [lo, Math.exp((Math.log(hi) - share * Math.log(lo)) / (1 - share))];
}

/** One chart per group with a baseline: a bar per ranked variant from 1 to its speedup, whiskers its CI. */
export function speedupCharts(analysis: Analysis): ReportChart[] {
  const multiMachine = new Set(analysis.groups.map((g) => g.fingerprint)).size > 1;
  const rungs = rungDomain(analysis.groups);
  const charts: ReportChart[] = [];
  analysis.groups.forEach((g, index) => {
    const ranked = g.variants.filter((v): v is RankedVariant & { speedup: NonNullable<RankedVariant['speedup']> } => v.rank !== null && v.speedup !== null);
    if (ranked.length === 0) return;
    const values = ranked.map((v) => ({
      variant: variantId(v.variant, v.target),
      rung: v.rung,
      speedup: v.speedup.ratio,
      ciLow: v.speedup.ciLow,
      ciHigh: v.speedup.ciHigh,
      label: `${formatRatio(v.speedup.ratio)}x ${v.verdict}`,
    }));
    const title = `${g.kernel} · ${sizeLabel(g)}${multiMachine ? ` · ${machineLabel(g.fingerprint, analysis.environments)}` : ''}`;
    const level = ranked[0].speedup.ciLevel * 100;
    const y = { field: 'variant', type: 'nominal' as const, sort: null, title: null, axis: { labelLimit: 220 } };
    const xTitle = `speedup over ${g.baseline} (log scale; whiskers: ${level}% CI)`;
    const x = {
      field: 'speedup',
      type: 'quantitative' as const,
      title: xTitle,
      scale: { type: 'log' as const, domain: labelRoom(logDomain([1, ...values.flatMap((v) => [v.ciLow, v.ciHigh])], 1.15), LABEL_PX / SPEEDUP_WIDTH), nice: false },
      axis: { grid: true, format: '~g' },
    };
    const spec: TopLevelSpec = {
      config: CHART_CONFIG,
      title: { text: title, subtitle: `median(${g.baseline}) / median(variant); ranked fastest first` },
      width: SPEEDUP_WIDTH,
      height: { step: 22 },
      data: { values },
      layer: [
        { mark: { type: 'bar', height: { band: 0.7 } }, encoding: { y, x, x2: { datum: 1 }, color: { ...rungColor(rungs), legend: { orient: 'bottom', direction: 'horizontal' } } } },
        { mark: { type: 'rule', color: '#222', strokeDash: [4, 3] }, encoding: { x: { datum: 1, type: 'quantitative' } } },
        { mark: { type: 'errorbar', ticks: true, color: '#222' }, encoding: { y, x: { field: 'ciLow', type: 'quantitative', title: xTitle }, x2: { field: 'ciHigh' } } },
        { mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, color: '#222' }, encoding: { y, x: { field: 'ciHigh', type: 'quantitative', title: xTitle }, text: { field: 'label' } } },
      ],
    };
    charts.push({ id: `speedup-${index + 1}-${slug(`${g.kernel}-${g.size.name}`)}`, kind: 'speedup', title, spec, notes: [] });
  });
  return charts;
}

function fitLabel(f: ScalingFit): string {
  const id = variantId(f.variant, f.target);
  return f.exponent === null ? id : `${id}  ∝ n^${f.exponent.toFixed(2)}`;
}

/**
 * One chart per kernel and machine: ns per value against values per call, log-log, a line per
 * variant; the legend gives each variant's fitted exponent (or says the fit needs two sizes).
 */
export function scalingCharts(analysis: Analysis, fits: readonly ScalingFit[]): ReportChart[] {
  const multiMachine = new Set(fits.map((f) => f.fingerprint)).size > 1;
  const rungs = rungDomain(analysis.groups);
  const keys = [...new Set(fits.map((f) => JSON.stringify([f.fingerprint, f.kernel])))];
  return keys.map((key, index) => {
    const [fingerprint, kernel] = JSON.parse(key) as [string, string];
    const mine = fits.filter((f) => f.fingerprint === fingerprint && f.kernel === kernel);
    const values = mine.flatMap((f) => f.points.map((p) => ({ series: fitLabel(f), rung: f.rung, size: p.size, elements: p.elements, nsPerValue: p.medianNs / p.elements })));
    const sizes = new Set(mine.flatMap((f) => f.points.map((p) => p.elements))).size;
    const fitted = sizes >= 2;
    const title = `${kernel} · scaling${multiMachine ? ` · ${machineLabel(fingerprint, analysis.environments)}` : ''}`;
    const subtitle = fitted
      ? `ns per value against values per call n, log-log; legend: time per call ∝ n^b, least squares over ${sizes} sizes`
      : 'ns per value at the one size measured: the fit needs ≥2 sizes';
    const x = { field: 'elements', type: 'quantitative' as const, title: 'values per call n (log scale)', scale: { type: 'log' as const, domain: logDomain(values.map((v) => v.elements), 1.5), nice: false }, axis: { format: '~s' } };
    const y = { field: 'nsPerValue', type: 'quantitative' as const, title: 'ns per value (log scale)', scale: { type: 'log' as const, domain: logDomain(values.map((v) => v.nsPerValue), 1.5), nice: false }, axis: { format: '~g' } };
    const color = { field: 'series', type: 'nominal' as const, title: fitted ? 'variant  (time ∝ n^b)' : 'variant', sort: mine.map(fitLabel), scale: { scheme: 'tableau20' } };
    const spec: TopLevelSpec = {
      config: CHART_CONFIG,
      title: { text: title, subtitle },
      width: WIDTH,
      height: 320,
      data: { values },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
        { mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color, shape: { field: 'rung', type: 'nominal', title: 'rung', scale: { domain: rungs } } } },
      ],
    };
    return { id: `scaling-${index + 1}-${slug(kernel)}`, kind: 'scaling', title, spec, notes: fitted ? [] : [`${kernel} was measured at one size only: the fit needs at least 2 sizes (run more sizes, e.g. without --size)`] };
  });
}

/** Points of min(peak, I × bandwidth) over [lo, hi]: a straight slope up to the ridge, then flat. */
function roofPoints(peakGflops: number, bandwidthGBps: number, lo: number, hi: number): { intensity: number; gflops: number }[] {
  const ridge = peakGflops / bandwidthGBps;
  const xs = [lo, ...(ridge > lo && ridge < hi ? [ridge] : []), hi];
  return xs.map((intensity) => ({ intensity, gflops: Math.min(peakGflops, intensity * bandwidthGBps) }));
}

/** Arithmetic intensity of a variant: from its roofline position, else from its work model (GFLOP/s over GB/s). */
function intensityOf(v: RankedVariant): number | null {
  if (v.roof) return v.roof.intensity;
  return v.gflops !== null && v.gbytesPerSecond !== null && v.gbytesPerSecond > 0 ? v.gflops / v.gbytesPerSecond : null;
}

/**
 * One roofline per machine: its roof min(peak, I × bandwidth) (thick), each native build's ceiling
 * (thin), and a point per ranked variant at (intensity, achieved GFLOP/s). Without a measured
 * roofline the points are still placed, and the chart says how to measure one.
 */
export function rooflineCharts(analysis: Analysis): ReportChart[] {
  const rungs = rungDomain(analysis.groups);
  const fingerprints = [...new Set([...analysis.groups.map((g) => g.fingerprint), ...analysis.rooflines.map((r) => r.fingerprint)])];
  const charts: ReportChart[] = [];
  for (const fingerprint of fingerprints) {
    const roofline: MachineRoofline | undefined = analysis.rooflines.find((r) => r.fingerprint === fingerprint);
    const points = analysis.groups
      .filter((g) => g.fingerprint === fingerprint)
      .flatMap((g) =>
        g.variants.flatMap((v) => {
          const intensity = intensityOf(v);
          if (v.rank === null || v.gflops === null || v.gflops <= 0 || intensity === null || intensity <= 0) return [];
          return [{ kernel: g.kernel, size: g.size.name, variant: variantId(v.variant, v.target), rung: v.rung, intensity, gflops: v.gflops }];
        }),
      );
    if (points.length === 0 && !roofline) continue;
    const ceilings = roofline?.ceilings ?? [];
    const ridges = roofline ? [roofline.peakGflops / roofline.bandwidthGBps, ...ceilings.map((c) => c.peakGflops / c.triadGBps)] : [];
    const [lo, hi] = logDomain([...points.map((p) => p.intensity), ...ridges], 4);
    const roofs = roofline
      ? [
          ...roofPoints(roofline.peakGflops, roofline.bandwidthGBps, lo, hi).map((p) => ({ ...p, roof: `machine: ${roofline.peakGflops.toPrecision(3)} GFLOP/s, ${roofline.bandwidthGBps.toPrecision(3)} GB/s`, width: 2.5 })),
          ...ceilings.flatMap((c) => roofPoints(c.peakGflops, c.triadGBps, lo, hi).map((p) => ({ ...p, roof: `native@${c.target}: ${c.peakGflops.toPrecision(3)} GFLOP/s, ${c.triadGBps.toPrecision(3)} GB/s`, width: 1 }))),
        ]
      : [];
    const yDomain = logDomain([...points.map((p) => p.gflops), ...roofs.map((r) => r.gflops)], 2);
    const x = { field: 'intensity', type: 'quantitative' as const, title: 'arithmetic intensity (flop/byte, log scale)', scale: { type: 'log' as const, domain: [lo, hi], nice: false }, axis: { format: '~g' } };
    const y = { field: 'gflops', type: 'quantitative' as const, title: 'GFLOP/s (log scale)', scale: { type: 'log' as const, domain: yDomain, nice: false }, axis: { format: '~g' } };
    const title = `Roofline · ${machineLabel(fingerprint, analysis.environments)}`;
    const layer: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [];
    if (roofs.length > 0) {
      layer.push({
        data: { values: roofs },
        mark: { type: 'line', color: '#444', clip: true },
        encoding: { x, y, strokeDash: { field: 'roof', type: 'nominal', title: 'roofs (peak, triad bandwidth)', sort: null, legend: { labelLimit: 400, symbolStrokeColor: '#444' } }, strokeWidth: { field: 'width', type: 'quantitative', scale: null } },
      });
    }
    layer.push({
      data: { values: points },
      mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
      encoding: { x, y, color: rungColor(rungs), shape: { field: 'kernel', type: 'nominal', title: 'kernel' } },
    });
    const spec: TopLevelSpec = {
      config: CHART_CONFIG,
      title: { text: title, subtitle: 'achieved GFLOP/s of each ranked variant at its kernel\'s work-model intensity; roof = min(peak, intensity × bandwidth)' },
      width: WIDTH,
      height: 340,
      layer,
    };
    charts.push({ id: `roofline-${charts.length + 1}-${slug(fingerprint)}`, kind: 'roofline', title, spec, notes: roofline ? [] : [NO_ROOFLINE_NOTE] });
  }
  return charts;
}

/** Every chart of a report, in the order the report shows them. */
export function reportCharts(analysis: Analysis, fits: readonly ScalingFit[]): ReportChart[] {
  return [...speedupCharts(analysis), ...scalingCharts(analysis, fits), ...workersCharts(analysis), ...rooflineCharts(analysis), ...pipelineCharts(analysis)];
}
