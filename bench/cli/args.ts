// Command-line parsing shared by the verbs: node's parseArgs with errors turned into one-line
// UserErrors, lists given as repeated flags or comma-separated, numbers checked.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

export function parse(command: string, argv: readonly string[], options: Options, allowPositionals = false): Parsed {
  try {
    return parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw new UserError(`${command}: ${message} (see hotbench ${command} --help)`);
  }
}

/** `--kernel a --kernel b,c` → [a, b, c]. */
export function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  return items.map((s) => s.trim()).filter(Boolean);
}

export function number(command: string, flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) {
    throw new UserError(`${command}: --${flag} needs a number, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
