// A pipeline study's chart as a Vega-Lite spec: per configuration (in study order), a bar of its
// time per call stacked by stage, so that where the time went after each change is seen at once.
// Drawing it is svg.ts's job.

import type { TopLevelSpec } from 'vega-lite';
import type { Analysis, ReportChart, PipelineStudy } from '../types.js';

function spec(study: PipelineStudy): TopLevelSpec {
  const order = study.changes.map((c) => c.configuration);
  const values = study.changes.flatMap((c, index) => [
    ...c.stages.filter((s) => Number.isFinite(s.nsPerCall)).map((s) => ({ configuration: c.configuration, index, stage: s.stage, ms: s.nsPerCall / 1e6 })),
    ...(c.otherNsPerCall !== null ? [{ configuration: c.configuration, index, stage: 'other', ms: c.otherNsPerCall / 1e6 }] : []),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `${study.pipeline} (${study.size}): time per call by stage`, subtitle: 'each configuration after its change, in study order; each stage timed inside the timed calls' },
    width: 520,
    height: 260,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'configuration', type: 'nominal', sort: order, axis: { labelAngle: -30 }, title: null },
      y: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms per call' },
      color: { field: 'stage', type: 'nominal', sort: [...study.stages, 'other'], title: 'stage' },
      tooltip: [{ field: 'configuration' }, { field: 'stage' }, { field: 'ms', format: '.3f' }],
    },
  } as TopLevelSpec;
}

export function pipelineCharts(analysis: Analysis): ReportChart[] {
  return (analysis.pipelines ?? []).map((study, i) => ({
    id: `pipeline-stages-${i + 1}-${study.pipeline.replace(/[^a-z0-9]+/g, '-')}`,
    kind: 'pipeline-stages',
    title: `${study.pipeline}: time per call by stage`,
    spec: spec(study),
    notes: study.changes.filter((c) => !c.stats).map((c) => `${c.configuration}: not measured (${c.verdict})`),
  }));
}
