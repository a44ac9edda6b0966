// hotbench report: analysis and report from results files alone, without measuring again.

import path from 'node:path';
import { analyze, DEFAULT_ANALYSIS } from '../analysis/analyze.js';
import { UserError } from '../errors.js';
import { formatFromExtension, isReportFormat, renderReport, REPORT_FORMATS, writeReport } from '../report/render.js';
import { findProfileFolders, profilesBeside, readProfileRecord } from '../profile/store.js';
import { readResults } from '../results/store.js';
import { list, number, parse, text } from './args.js';
import { cachedRoofline } from './roofline.js';

export const reportHelp = `usage: hotbench report FILE... [options]

Analyses one or more results files (no measuring) and prints the ranked report: per kernel and size,
each variant's median, its confidence interval, speedup over the baseline with its confidence
interval (order statistics over rounds), and a verdict (suspect results flagged and unranked), then one table of every variant's speedup per machine and build. Files from several
machines (or the shards of 'run --shard' from different machines) are grouped by machine
fingerprint, each against its own machine's baseline. Where a results file carries its machine's
roofline (or, for an older file, this machine's cache holds one for its fingerprint: see hotbench
roofline), each kernel and size also gets a roofline table: GFLOP/s, GB/s and % of roof. The
hotspot tables of the profiles that belong to a run follow: those in the profiles/ folder beside
its results file (where 'hotbench profile --run FILE' puts them) and those named with --profiles.

options:
  --format F          ${REPORT_FORMATS.join(' | ')} (default: from --out's extension, .md .html
                      .json .txt, else terminal); html: one self-contained page with charts
                      (speedups with CIs, scaling with a fitted exponent, roofline) and every table
  --out FILE          write the report to FILE instead of standard output
  --noise FRACTION    speedups within 1 ± this are "unchanged" (default ${DEFAULT_ANALYSIS.noiseThreshold})
  --profiles DIR      also show this profile folder, or the profile folders in it (repeatable)

exit status: 0 report written; 2 bad usage or an unreadable results file.`;

/** The format --out's extension names, or terminal when it names none (any file name may take --format). */
function formatFromOut(out: string): string {
  try {
    return formatFromExtension(out);
  } catch {
    return 'terminal';
  }
}

export async function reportCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    'report',
    argv,
    { format: { type: 'string' }, out: { type: 'string' }, noise: { type: 'string' }, profiles: { type: 'string', multiple: true } },
    true,
  );
  if (values.help) {
    process.stdout.write(`${reportHelp}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UserError('report: give at least one results file (see hotbench report --help)');
  const out = text(values.out);
  const format = text(values.format) ?? (out ? formatFromOut(out) : 'terminal');
  if (!isReportFormat(format)) throw new UserError(`report: unknown format ${JSON.stringify(format)} (known: ${REPORT_FORMATS.join(', ')})`);
  const noise = number('report', 'noise', values.noise) ?? DEFAULT_ANALYSIS.noiseThreshold;
  if (noise < 0 || noise >= 1) throw new UserError('report: --noise must be in [0, 1)');

  // A file written without a roofline borrows its machine's from the cache, when there is one.
  const inputs = positionals.map((source) => {
    const results = readResults(source);
    const roofline = results.roofline ?? cachedRoofline(results.environment.fingerprint);
    return { source, results: roofline ? { ...results, roofline } : results };
  });
  const profileFolders = [...positionals.flatMap(profilesBeside), ...(list(values.profiles) ?? []).flatMap(findProfileFolders)];
  const profiles = [...new Set(profileFolders.map((folder) => path.resolve(folder)))].map(readProfileRecord);
  const analysis = {
    ...analyze(inputs, { ...DEFAULT_ANALYSIS, noiseThreshold: noise }),
    ...(profiles.length > 0 ? { profiles } : {}),
  };
  if (out) await writeReport(out, analysis, format);
  else process.stdout.write(await renderReport(analysis, format));
  return 0;
}
