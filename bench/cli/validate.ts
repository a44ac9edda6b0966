// hotbench validate: every selected variant against its kernel's reference, on each cell's input
// and on the kernel's edge cases, without timing anything.

import { planCells } from '../measure/plan.js';
import { runMatrix } from '../measure/runner.js';
import { resolveSettings } from '../measure/settings.js';
import { variantId } from '../spec/define.js';
import { layoutTable } from '../report/terminal.js';
import { number, parse } from './args.js';
import { filterHelp, filterOptions, filtersFromFlags } from './filters.js';
import { createProgress } from './progress.js';
import { openWorkspace, workspaceHelp, workspaceOptions } from './workspace.js';

export const validateHelp = `usage: hotbench validate [options]

Checks every selected variant against its kernel's reference (max abs error, max rel error, max ULP
distance) on the cell's input and on the kernel's edge cases, each in its own child process.

options:
${filterHelp}
  --seed N            input seed (default 42)
  --no-progress       no progress display on stderr
${workspaceHelp}

exit status: 0 all valid; 1 a variant is invalid or failed; 2 bad usage or input.`;

export async function validateCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('validate', argv, {
    ...workspaceOptions,
    ...filterOptions,
    seed: { type: 'string' },
    'no-progress': { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${validateHelp}\n`);
    return 0;
  }
  const workspace = await openWorkspace(values);
  const settings = resolveSettings(workspace.config.measure, { seed: number('validate', 'seed', values.seed) });
  const plan = planCells(workspace.registry, filtersFromFlags(values, workspace));
  for (const s of plan.skipped) process.stderr.write(`skipped ${s.kernel} ${variantId(s.variant, s.target)}: ${s.reason}\n`);
  const cells = await runMatrix(plan.cells, { settings, validateOnly: true, onEvent: createProgress(process.stderr, !values['no-progress']) });
  const rows = cells.map((c) => {
    const v = c.validation;
    return [c.kernel, c.size.name, variantId(c.variant, c.target), v.status, String(v.cases.length), v.maxAbsError.toExponential(2), v.maxRelError.toExponential(2), String(v.maxUlp), v.message ?? ''];
  });
  process.stdout.write(
    `${layoutTable({
      title: 'validation against the reference (cell input + edge cases)',
      headers: ['kernel', 'size', 'variant', 'status', 'cases', 'max abs', 'max rel', 'max ulp', 'why'],
      align: ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'l'],
      rows,
      notes: [],
    })}\n`,
  );
  return cells.every((c) => c.validation.status === 'valid') ? 0 : 1;
}
