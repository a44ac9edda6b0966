// The HTML report in a real browser: Debian's headless Chromium driven by playwright-core opens the
// page from a file: URL and must draw every chart (each marked as the spec builders say, with its
// bars, points and lines), print no console error, and request nothing but the page itself.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { analyze } from '../bench/analysis/analyze.js';
import { scalingFits } from '../bench/analysis/scaling.js';
import { reportCharts } from '../bench/report/charts.js';
import { renderHtml } from '../bench/report/html.js';
import type { Analysis, Cell } from '../bench/types.js';
import { cell, invalid, results } from './helpers/results.js';
import { twoBuildRoofline } from './helpers/roofline.js';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get install -y --no-install-recommends chromium';
const present = existsSync(CHROMIUM);
const ci = process.env.CI === 'true';
if (!present && !ci) console.warn(`browser test skipped: ${CHROMIUM} is absent; install Debian's chromium with \`${INSTALL}\` (as root)`);

/** Two kernels at three sizes, one invalid variant, a user's description that would load an image if unescaped. */
function analysis(): Analysis {
  const sizes = [100, 1000, 10000];
  const at = (kernel: string, variant: string, n: number, ns: number | null, overrides: Partial<Cell> = {}) =>
    cell(variant, ns, { kernel, size: { name: `n${n}`, params: { n } }, elements: n, nsPerElement: ns === null ? null : ns / n, work: { flops: 4 * n, bytes: 16 * n }, ...overrides });
  const cells = sizes.flatMap((n) => [
    at('k', 'naive', n, 5 * n ** 1.5),
    at('k', 'fast', n, 0.5 * n, { rung: 'unrolled', description: '<img src="http://example.invalid/pixel.png">' }),
    at('k', 'wasm', n, 0.3 * n, { rung: 'wasm', target: 'simd' }),
    at('other', 'naive', n, 20 * n),
    at('other', 'native', n, 2 * n, { rung: 'native', target: 'x86-64-v3' }),
    at('other', 'broken', n, null, { validation: invalid }),
  ]);
  const base = analyze([{ source: 'results.json', results: results(cells, undefined, [
    { name: 'k', description: 'k', baseline: 'naive', tolerance: { abs: 0, rel: 0, ulp: 0 } },
    { name: 'other', description: 'other', baseline: 'naive', tolerance: { abs: 0, rel: 0, ulp: 0 } },
  ]) }]);
  const roofline = twoBuildRoofline(base.environments[0].fingerprint);
  return { ...base, rooflines: [roofline] };
}

describe.skipIf(!present && !ci)('the HTML report in headless Chromium', () => {
  it('draws every chart with its marks, with no console error and no request but the page', async () => {
    if (!present) throw new Error(`${CHROMIUM} is absent: CI must install it (${INSTALL}, in .ci/run)`);
    const a = analysis();
    const charts = reportCharts(a, scalingFits(a.groups));
    expect(charts.map((c) => c.kind)).toEqual(['speedup', 'speedup', 'speedup', 'speedup', 'speedup', 'speedup', 'scaling', 'scaling', 'roofline']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-browser-'));
    const file = path.join(dir, 'index.html');
    writeFileSync(file, await renderHtml(a, { outFile: file }));
    const url = pathToFileURL(file).href;

    const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const requested: string[] = [];
      await context.route('**/*', (route) => {
        if (route.request().url() === url) return route.continue();
        requested.push(route.request().url());
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('requestfailed', (request) => {
        if (request.url() !== url) requested.push(request.url());
      });
      const response = await page.goto(url, { waitUntil: 'load' });
      expect(response === null || response.ok()).toBe(true);

      const drawn = await page.$$eval('figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector(':scope > svg');
          const box = svg?.getBoundingClientRect();
          const paths = (cls: string) => [...f.querySelectorAll(`g.${cls}.role-mark > path`)].map((p) => p.getAttribute('d') ?? '');
          return {
            id: f.id,
            kind: f.getAttribute('data-chart'),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            // The first layer's rects: the errorbar's caps are rects too.
            bars: paths('mark-rect.layer_0_marks'),
            symbols: paths('mark-symbol'),
            lines: paths('mark-line'),
            whiskers: f.querySelectorAll('g.mark-rule.role-mark > line').length,
          };
        }),
      );
      expect(drawn.map((d) => d.id)).toEqual(charts.map((c) => c.id));
      for (const [i, d] of drawn.entries()) {
        const chart = charts[i];
        expect(d.width, d.id).toBeGreaterThan(200);
        expect(d.height, d.id).toBeGreaterThan(100);
        for (const shape of [...d.bars, ...d.symbols, ...d.lines]) expect(shape, d.id).toMatch(/^M[^N]*$/); // drawn, no NaN
        const spec = chart.spec as { data?: { values: unknown[] }; layer: { data?: { values: { roof?: string }[] } }[] };
        if (chart.kind === 'speedup') {
          const bars = spec.data!.values.length;
          expect(d.bars, d.id).toHaveLength(bars);
          expect(d.whiskers, d.id).toBeGreaterThanOrEqual(bars); // a CI rule per bar (+ caps and the line at 1)
        } else if (chart.kind === 'scaling') {
          expect(d.symbols, d.id).toHaveLength(spec.data!.values.length);
          expect(d.lines.length, d.id).toBeGreaterThan(0);
        } else {
          const [roofs, points] = spec.layer;
          expect(d.symbols, d.id).toHaveLength(points.data!.values.length);
          expect(d.lines, d.id).toHaveLength(new Set(roofs.data!.values.map((r) => r.roof)).size);
        }
      }
      expect(errors).toEqual([]);
      expect(requested).toEqual([]);
      await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: true });
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
