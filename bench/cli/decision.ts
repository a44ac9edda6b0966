// The decision flags shared by `compare` and `gate`: significance level, thresholds (a default and
// per kernel) and the basis.

import { DEFAULT_COMPARE } from '../analysis/compare.js';
import { UserError } from '../errors.js';
import type { CompareSettings } from '../types.js';
import { list, number, text, type Options, type Parsed } from './args.js';

export const decisionOptions: Options = {
  alpha: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  basis: { type: 'string' },
};

export const decisionHelp = `  --alpha P           significance level of the Mann-Whitney U test (default ${DEFAULT_COMPARE.alpha})
  --threshold T       slower only when head/base >= 1 + T (default ${DEFAULT_COMPARE.threshold}, i.e. ${DEFAULT_COMPARE.threshold * 100}%;
                      a fraction or a percentage: 0.03 or 3%); KERNEL=T for one kernel; repeatable.
                      Precedence: KERNEL=T, then the kernel's own gateThreshold, then T
  --basis B           auto | absolute | relative (default auto: absolute times when the machine
                      fingerprints match, else times relative to each run's baseline variant)`;

const BASES = ['auto', 'absolute', 'relative'] as const;

function fraction(command: string, raw: string): number {
  const percent = raw.trim().endsWith('%');
  const value = Number(percent ? raw.trim().slice(0, -1) : raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UserError(`${command}: --threshold needs a fraction or a percentage, got ${JSON.stringify(raw)}`);
  const t = percent ? value / 100 : value;
  if (t < 0 || t >= 10) throw new UserError(`${command}: --threshold must be in [0, 10) as a fraction (0.05 = 5%), got ${raw}`);
  return t;
}

export function decisionSettingsFromFlags(command: string, values: Parsed['values']): CompareSettings {
  const alpha = number(command, 'alpha', values.alpha) ?? DEFAULT_COMPARE.alpha;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`${command}: --alpha must be in (0, 1)`);
  const basis = text(values.basis) ?? 'auto';
  if (!(BASES as readonly string[]).includes(basis)) throw new UserError(`${command}: unknown basis ${JSON.stringify(basis)} (known: ${BASES.join(', ')})`);

  let threshold = DEFAULT_COMPARE.threshold;
  const kernelThresholds: Record<string, number> = {};
  for (const item of list(values.threshold) ?? []) {
    const at = item.indexOf('=');
    if (at < 0) threshold = fraction(command, item);
    else kernelThresholds[item.slice(0, at).trim()] = fraction(command, item.slice(at + 1));
  }
  return { ...DEFAULT_COMPARE, alpha, basis: basis as CompareSettings['basis'], threshold, kernelThresholds };
}
