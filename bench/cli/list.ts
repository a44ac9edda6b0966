// hotbench list: the kernels, their sizes and their variants, built-in and the user's.

import path from 'node:path';
import { variantId } from '../spec/define.js';
import { defaultSizes, quickSizes } from '../measure/plan.js';
import { parse } from './args.js';
import { listing as pipelineListing } from './pipeline.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';

export const listHelp = `usage: hotbench list [options]

Lists every kernel (built-in and from your folders), its sizes and its variants, then every
pipeline with its sizes and configurations. Parallel variants are marked with their backend: they
are measured by hotbench scale (or run --workers), and a kernel that names the size parameter weak
scaling grows says which.

options:
${workspaceHelp}`;

const RUNG_ORDER = ['naive', 'precomputed', 'unrolled', 'wasm', 'native', 'gpu'];

export async function listCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('list', argv, { ...workspaceOptions });
  if (values.help) {
    process.stdout.write(`${listHelp}\n`);
    return 0;
  }
  const { registry } = await openWorkspace(values);
  const lines: string[] = [];
  for (const [name, kernel] of registry.kernels) {
    const k = kernel.definition;
    lines.push(`${name} — ${k.description}${kernel.builtIn ? '' : `  [${path.relative(process.cwd(), kernel.ref.file)}]`}`);
    if (k.origin) lines.push(`  origin: ${k.origin}`);
    if (k.grows) lines.push(`  weak scaling grows: ${k.grows}`);
    const quick = new Set(quickSizes(k));
    const inDefault = new Set(defaultSizes(k));
    for (const [size, params] of Object.entries(k.sizes)) {
      const described = Object.entries(params).map(([p, v]) => `${p}=${v}`).join(' ');
      const marks = [quick.has(size) ? 'quick' : '', inDefault.has(size) ? '' : `opt-in: --size ${size}`].filter(Boolean);
      lines.push(`  size ${size.padEnd(14)} ${described}${marks.length ? `  (${marks.join('; ')})` : ''}`);
    }
    const rank = (rung: string) => (RUNG_ORDER.includes(rung) ? RUNG_ORDER.indexOf(rung) : RUNG_ORDER.length);
    const variants = [...(registry.variants.get(name) ?? [])].sort((a, b) => rank(a.definition.rung) - rank(b.definition.rung));
    for (const v of variants) {
      const id = variantId(v.definition.name, v.definition.target ?? 'js');
      const baseline = v.definition.name === (k.baseline ?? 'naive') ? ' (baseline)' : '';
      const where = v.builtIn ? '' : `  [${path.relative(process.cwd(), v.ref.file)}]`;
      const parallel = v.definition.parallel ? `  (parallel: ${v.definition.parallel.backend}; hotbench scale)` : '';
      lines.push(`  variant ${id.padEnd(24)} ${v.definition.rung.padEnd(12)} ${v.definition.description}${baseline}${parallel}${where}`);
    }
    if (variants.length === 0) lines.push('  (no variants)');
    lines.push('');
  }
  const pipelines = [...(registry.pipelines?.values() ?? [])];
  if (pipelines.length > 0) lines.push('pipelines (hotbench pipeline NAME):', pipelineListing(pipelines));
  process.stdout.write(lines.join('\n'));
  return 0;
}
