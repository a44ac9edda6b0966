// The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) with the
// charts (speedups, scaling, roofline) drawn at report time and every table the text reports show.

import { changeTable, PIPELINE_LEGEND, sharesTable } from './pipeline-table.js';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { scalingFits } from '../analysis/scaling.js';
import { variantId } from '../spec/define.js';
import type { Analysis, ProfileRecord, ReportChart } from '../types.js';
import { reportCharts } from './charts.js';
import { HOTSPOT_LEGEND, hotspotTable, profileSubject } from './hotspots.js';
import { CHARTS_NEED, chartSvg } from './svg.js';
import { ceilingTable, coldStartTable, crossTargetTable, environmentTable, formatNs, groupTable, hasDeviceTimes, methodNotes, rooflineTable, scalingTable, skippedLines, targetTable, validationTable, type TextTable } from './table.js';
import { REPORT_HOTSPOT_ROWS, ROOFLINE_LEGEND, WORKERS_LEGEND } from './terminal.js';
import { workersMethodNotes, workersSideBySide, workersTable } from './workers-table.js';

export interface HtmlOptions {
  /**
   * The file the report is written to: links to profile files are made relative to its folder, so
   * the report and the profiles can move together. Without it, links are absolute file: URLs.
   */
  readonly outFile?: string;
}

/** Users' strings (kernel, variant and size names, descriptions, paths) as HTML text or attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Any TextTable as an HTML table: its title as caption, numbers right-aligned, notes under it. */
export function htmlTable(t: TextTable, caption = true): string {
  const cls = (i: number) => (t.align[i] === 'r' ? ' class="num"' : '');
  const head = `<tr>${t.headers.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`);
  const summary = (t.summary ?? []).map((s) => `<p class="summary">${escapeHtml(s)}</p>`).join('');
  const notes = summary + (t.notes.length ? `<ul class="notes">${t.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '');
  return `<div class="table"><table>${caption ? `<caption>${escapeHtml(t.title)}</caption>` : ''}<thead>${head}</thead><tbody>${rows.join('')}</tbody></table>${notes}</div>`;
}

/** A chart's figure: the drawn SVG and the notes that say what it lacks. */
async function figure(chart: ReportChart): Promise<string> {
  const svg = (await chartSvg(chart.spec)) ?? `<p class="note">${escapeHtml(`${chart.title}: not drawn: ${CHARTS_NEED}`)}</p>`;
  const notes = chart.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<figure class="chart" id="${escapeHtml(chart.id)}" data-chart="${escapeHtml(chart.kind)}" aria-label="${escapeHtml(chart.title)}">${svg}${notes ? `<figcaption>${notes}</figcaption>` : ''}</figure>`;
}

function link(file: string, options: HtmlOptions): string {
  const absolute = path.resolve(file);
  if (!options.outFile) return pathToFileURL(absolute).href;
  const relative = path.relative(path.dirname(path.resolve(options.outFile)), absolute);
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

function profileSection(profiles: readonly ProfileRecord[], options: HtmlOptions): string[] {
  if (profiles.length === 0) return [];
  return [
    '<section id="profiles"><h2>Profiles</h2>',
    ...profiles.map((p) => {
      // The tools' own pages (flame graphs, clinic's reports) first: they are what a person opens.
      const artifacts = [...p.artifacts].sort((a, b) => Number(b.endsWith('.html')) - Number(a.endsWith('.html')));
      const links = artifacts.map((a) => `<a href="${escapeHtml(link(path.join(p.folder, a), options))}">${escapeHtml(a)}</a>`).join(', ');
      return `<h3>${escapeHtml(profileSubject(p))}</h3>${htmlTable(hotspotTable(p, REPORT_HOTSPOT_ROWS))}<p>Files in <code>${escapeHtml(p.folder)}</code>: ${links}</p>`;
    }),
    `<p class="legend">${HOTSPOT_LEGEND.split('\n').map(escapeHtml).join('<br>')}</p>`,
    '</section>',
  ];
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:0 auto;padding:1rem 2rem 3rem;max-width:1400px}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.4rem}
nav a{margin-right:1rem}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f4f4f4;padding:0 .2rem}
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}
figure.chart{margin:0;max-width:100%;overflow-x:auto}figure.chart svg{display:block;max-width:100%;height:auto}
p.note{color:#8a4b00;margin:.2rem 0}
.table{overflow-x:auto;margin:.6rem 0 1rem}
table{border-collapse:collapse;font-size:12.5px}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{padding:.2rem .55rem;border-bottom:1px solid #e6e6e6;text-align:left;white-space:nowrap}th{background:#f6f6f6}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:hover{background:#fafafa}
ul.notes{margin:.3rem 0;color:#8a4b00;font-size:12.5px}
dl.variants{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:12.5px;margin:.4rem 0}dl.variants dt{font-family:ui-monospace,Menlo,Consolas,monospace}dl.variants dd{margin:0;color:#444}
.legend,.muted{color:#555;font-size:12.5px}
`;

/** The page's links to its sections, those it has. */
function nav(ranked: boolean, parallel: boolean, profiles: boolean): string {
  const links: [string, string, boolean][] = [
    ['speedups', 'Speedups', ranked],
    ['parallel', 'Parallel scaling', parallel],
    ['scaling', 'Scaling', ranked],
    ['roofline', 'Roofline', ranked],
    ['tables', 'Tables', ranked],
    ['cold-starts', 'Cold starts', ranked],
    ['profiles', 'Profiles', profiles],
    ['validation', 'Validation', ranked],
    ['machines', 'Machines', true],
    ['method', 'Method', true],
  ];
  return `<nav>${links.filter(([, , shown]) => shown).map(([id, text]) => `<a href="#${id}">${text}</a>`).join('')}</nav>`;
}

/** The whole page. Async because the charts are drawn (to SVG) as the page is written. */
export async function renderHtml(analysis: Analysis, options: HtmlOptions = {}): Promise<string> {
  const environments = new Map(analysis.environments.map((e) => [e.fingerprint, e]));
  const multiMachine = analysis.environments.length > 1;
  const fits = scalingFits(analysis.groups);
  const charts = reportCharts(analysis, fits);
  const figures = new Map<ReportChart, string>();
  // One at a time: each draw is short, and this keeps the order of ids in the page deterministic.
  for (const chart of charts) figures.set(chart, await figure(chart));
  const section = (...kinds: ReportChart['kind'][]) => `<div class="charts">${charts.filter((c) => kinds.includes(c.kind)).map((c) => figures.get(c)).join('')}</div>`;
  const workers = analysis.workers ?? [];

  const runs = analysis.runs.map((r) => {
    const m = r.settings;
    return `<li><code>${escapeHtml(r.source)}</code> (${escapeHtml(r.createdAt)}, machine ${escapeHtml(r.fingerprint)}): <code>${escapeHtml(r.command.join(' '))}</code> — ${m.rounds} rounds per variant, each a fresh process; ${m.timeMs} ms of samples and ${m.warmupMs} ms warm-up per round; samples of at least ${escapeHtml(formatNs(m.minSampleNs))}; seed ${m.seed}</li>`;
  });
  const noBaseline = analysis.groups.filter((g) => g.baseline === null).map((g) => `${g.kernel} ${g.size.name}`);
  const kernels = [...new Set(analysis.groups.map((g) => g.kernel))];
  const rooflines = new Map(analysis.rooflines.map((r) => [r.fingerprint, r]));
  const kernelSections = kernels.map((k) => {
    const groups = analysis.groups.filter((g) => g.kernel === k);
    const described = new Map(groups.flatMap((g) => g.variants.map((v) => [variantId(v.variant, v.target), v.description] as const)));
    const descriptions = `<dl class="variants">${[...described].map(([id, d]) => `<dt>${escapeHtml(id)}</dt><dd>${escapeHtml(d)}</dd>`).join('')}</dl>`;
    const tables = groups.map((g) => {
      const roof = rooflineTable(g, rooflines.get(g.fingerprint));
      return htmlTable(groupTable(g, multiMachine ? environments.get(g.fingerprint) : undefined)) + (roof ? htmlTable(roof) : '');
    });
    return `<section id="kernel-${escapeHtml(encodeURIComponent(k))}"><h2>${escapeHtml(k)}</h2>${descriptions}${tables.join('')}</section>`;
  });
  const skipped = skippedLines(analysis.skipped);
  const skippedList = skipped.length ? `<ul class="notes">${skipped.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '';
  // A file of a scaling run alone ranks nothing: its page is the parallel scaling section.
  const ranked = analysis.groups.length > 0;
  const profiles = profileSection(analysis.profiles ?? [], options);

  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing on this page may come from elsewhere: the policy makes a browser refuse it too.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<title>hotbench report</title>',
    `<style>${CSS}</style></head><body>`,
    '<h1>hotbench report</h1>',
    nav(ranked, workers.length > 0, profiles.length > 0),
    '<section id="runs"><h2>Runs</h2>',
    `<ul>${runs.join('')}</ul>`,
    '</section>',
    ...(analysis.pipelines?.length
      ? [
          '<section id="pipelines"><h2>Pipeline studies</h2>',
          ...analysis.pipelines.map((study) => `<p>${escapeHtml(study.description)}</p>${htmlTable(changeTable(study))}${htmlTable(sharesTable(study))}`),
          section('pipeline-stages'),
          `<p class="legend">${escapeHtml(PIPELINE_LEGEND)}</p>`,
          '</section>',
        ]
      : []),
    ...(ranked
      ? [
          '<section id="speedups"><h2>Speedups</h2>',
          '<p class="muted">Per kernel and size, each ranked variant\'s speedup over the baseline (log scale), the whiskers its confidence interval (order statistics of the per-round ratios); colour: the rung of the ladder.</p>',
          section('speedup'),
          noBaseline.length ? `<p class="note">No speedup chart for ${escapeHtml(noBaseline.join(', '))}: no valid baseline in the group.</p>` : '',
          htmlTable(targetTable(analysis.groups)),
          htmlTable(crossTargetTable(analysis)),
          skippedList,
          '</section>',
        ]
      : []),
    ...(workers.length
      ? [
          '<section id="parallel"><h2>Parallel scaling</h2>',
          '<p class="muted">Each parallel variant (one per backend) at each number of workers p, measured in the same rounds as the serial variants of the run: its speedup S(p) over itself at p = 1 with the ideal S = p dashed, and its efficiency S(p)/p with the ideal 100% dashed; whiskers: the interval of each ratio over rounds.</p>',
          // A group's two charts side by side, then its tables.
          ...workers.map((g, i) => {
            const mine = charts.filter((c) => c.id.startsWith(`workers-speedup-${i + 1}-`) || c.id.startsWith(`workers-efficiency-${i + 1}-`));
            return `<div class="charts">${mine.map((c) => figures.get(c)).join('')}</div>${htmlTable(workersSideBySide(g))}${htmlTable(workersTable(g, multiMachine ? environments.get(g.fingerprint) : undefined))}`;
          }),
          `<p class="legend">${escapeHtml(WORKERS_LEGEND)}</p>`,
          // A scaling run alone has no speedups section to list what it skipped.
          ranked ? '' : skippedList,
          '</section>',
        ]
      : []),
    ...(ranked
      ? [
          '<section id="scaling"><h2>Scaling</h2>',
          section('scaling'),
          htmlTable(scalingTable(fits)),
          '</section>',
          '<section id="roofline"><h2>Roofline</h2>',
          section('roofline'),
          analysis.rooflines.length ? `<p class="muted">${escapeHtml(ROOFLINE_LEGEND)}.</p>` : '',
          ...analysis.rooflines.map((r) => htmlTable(ceilingTable(r))),
          '</section>',
          '<div id="tables">',
          ...kernelSections,
          '</div>',
          '<section id="cold-starts"><h2>Cold starts and setup</h2>',
          htmlTable(coldStartTable(analysis.groups), false),
          '</section>',
        ]
      : []),
    ...profiles,
    ...(ranked
      ? [
          '<section id="validation"><h2>Validation</h2>',
          '<p>Every variant is checked against the kernel\'s reference on the cell\'s input and on the kernel\'s edge cases before it is timed; an invalid or failed variant is never ranked.</p>',
          htmlTable(validationTable(analysis.groups), false),
          '</section>',
        ]
      : []),
    '<section id="machines"><h2>Machines</h2>',
    htmlTable(environmentTable(analysis.environments), false),
    '</section>',
    '<section id="method"><h2>Method</h2>',
    `<ul>${[...methodNotes(analysis.settings, hasDeviceTimes(analysis.groups)), ...(workers.length ? workersMethodNotes() : [])].map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    '</section>',
    '</body></html>',
    '',
  ].join('\n');
}
