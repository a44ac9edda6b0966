// hotbench compare BASE.json HEAD.json: per cell, head against base, from the two results files
// alone; the verdicts are decided in analysis (bench/analysis/compare.ts).

import { compareResults } from '../analysis/compare.js';
import { UserError } from '../errors.js';
import { renderComparison } from '../report/comparison.js';
import { isTextFormat, TEXT_FORMATS } from '../report/render.js';
import { readResults, writeFileAtomic } from '../results/store.js';
import { parse, text } from './args.js';
import { decisionHelp, decisionOptions, decisionSettingsFromFlags } from './decision.js';

export const compareHelp = `usage: hotbench compare BASE.json HEAD.json [options]

Compares two results files cell by cell (kernel, size, variant): the time ratio head/base with a
distribution-free confidence interval (round by round), a two-sided Mann-Whitney U p-value on per-round medians, and a
verdict: faster, slower, unchanged, invalid, new or missing. Nothing is measured.

options:
  --format F          ${TEXT_FORMATS.join(' | ')} (default terminal)
  --out FILE          write to FILE instead of standard output
${decisionHelp}

exit status: 0 compared (whatever the verdicts: hotbench gate is the command that fails a build);
2 bad usage or an unreadable results file.`;

export async function compareCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse('compare', argv, { ...decisionOptions, format: { type: 'string' }, out: { type: 'string' } }, true);
  if (values.help) {
    process.stdout.write(`${compareHelp}\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new UserError('compare: give exactly two results files, BASE.json and HEAD.json (see hotbench compare --help)');
  const format = text(values.format) ?? 'terminal';
  if (!isTextFormat(format)) throw new UserError(`compare: unknown format ${JSON.stringify(format)} (known: ${TEXT_FORMATS.join(', ')})`);
  const settings = decisionSettingsFromFlags('compare', values);
  const [base, head] = positionals.map((source) => ({ source, results: readResults(source) }));
  const rendered = renderComparison(compareResults(base, head, settings), format);
  const out = text(values.out);
  if (out) writeFileAtomic(out, rendered);
  else process.stdout.write(rendered);
  return 0;
}
