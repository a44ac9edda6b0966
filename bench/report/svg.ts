// Drawing a chart: Vega-Lite spec → Vega spec → a headless Vega view (no canvas, no DOM) → SVG text
// that an HTML page inlines. The specs carry their data inline, so nothing is loaded.
//
// vega and vega-lite are optional peers of the package (18 MB of the 54 a plain install would
// weigh): loaded on the first chart, and where they are not installed the report keeps its tables
// and says, once per chart, how to get the drawings.

import type { TopLevelSpec } from 'vega-lite';
import type { ChartSpec } from '../types.js';

/** What a report prints in place of a chart where vega or vega-lite is missing. */
export const CHARTS_NEED = 'charts need the npm packages vega and vega-lite (npm install vega vega-lite)';

interface Drawing {
  readonly vega: typeof import('vega');
  readonly vegaLite: typeof import('vega-lite');
}

let drawing: Promise<Drawing | null> | undefined;

function loadDrawing(): Promise<Drawing | null> {
  drawing ??= Promise.all([import('vega'), import('vega-lite')]).then(
    ([vega, vegaLite]) => ({ vega, vegaLite }),
    () => null,
  );
  return drawing;
}

/** The chart as SVG text, or null where vega and vega-lite are not installed. */
export async function chartSvg(spec: ChartSpec): Promise<string | null> {
  const tools = await loadDrawing();
  if (!tools) return null;
  const { spec: vegaSpec } = tools.vegaLite.compile(spec as TopLevelSpec);
  const view = new tools.vega.View(tools.vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
