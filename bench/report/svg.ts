// Drawing a chart: Vega-Lite spec → Vega spec → a headless Vega view (no canvas, no DOM) → SVG text
// that an HTML page inlines. The specs carry their data inline, so nothing is loaded.

import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec);
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
