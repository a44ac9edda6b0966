// Reading and writing results files. Writes are atomic (a temporary file, then rename), so a file on
// disk is always either the old complete version or the new one. Reads check the schema version and
// the shape, and turn a bad file into one clear line.
//
// JSON has no NaN or Infinity, and validation figures can be either (a NaN where a number was
// expected has an infinite error), so non-finite numbers are written as the strings "NaN",
// "Infinity" and "-Infinity" and read back as numbers.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { SCHEMA_VERSION, type ResultsFile } from '../types.js';

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** Writes `text` to `file` atomically, creating its folder. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

export function serializeResults(results: ResultsFile): string {
  return `${JSON.stringify(results, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 1)}\n`;
}

export function writeResults(file: string, results: ResultsFile): void {
  writeFileAtomic(file, serializeResults(results));
}

function fail(file: string, why: string): never {
  throw new UserError(`${file}: ${why}`);
}

export function parseResults(text: string, file: string): ResultsFile {
  let data: unknown;
  try {
    data = JSON.parse(text, (_key, value) => (typeof value === 'string' && NON_FINITE.has(value) ? Number(value) : value));
  } catch (error) {
    fail(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(file, 'not a hotbench results file (not a JSON object)');
  const record = data as Record<string, unknown>;
  if (!('schemaVersion' in record)) fail(file, 'not a hotbench results file (no schemaVersion)');
  if (record.schemaVersion !== SCHEMA_VERSION) {
    fail(file, `results schema version ${JSON.stringify(record.schemaVersion)} is not supported (this hotbench reads version ${SCHEMA_VERSION})`);
  }
  if (typeof record.environment !== 'object' || record.environment === null) fail(file, 'results file has no environment');
  if (!Array.isArray(record.cells)) fail(file, 'results file has no cells array');
  for (const [i, cell] of (record.cells as unknown[]).entries()) {
    const c = cell as Record<string, unknown> | null;
    if (
      typeof c !== 'object' || c === null ||
      typeof c.kernel !== 'string' || typeof c.variant !== 'string' || typeof c.target !== 'string' ||
      typeof c.size !== 'object' || !Array.isArray(c.samples) || !Array.isArray(c.rounds) ||
      typeof c.validation !== 'object' || c.validation === null
    ) {
      fail(file, `cell ${i} is malformed`);
    }
  }
  return data as ResultsFile;
}

export function readResults(file: string): ResultsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (error as Error).message})`);
  }
  return parseResults(text, file);
}
