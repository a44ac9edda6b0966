// Reading and writing results files. Writes are atomic (a temporary file, then rename), so a file on
// disk is always either the old complete version or the new one. Reads check the schema version and
// the shape against the JSON Schema (schema.ts, with ajv), and turn a bad file into one clear line.
//
// JSON has no NaN or Infinity, and validation figures can be either (a NaN where a number was
// expected has an infinite error), so non-finite numbers are written as the strings "NaN",
// "Infinity" and "-Infinity" and read back as numbers.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { SCALING_SCHEMA_VERSION, SCHEMA_VERSION, type ResultsFile } from '../types.js';
import { resultsProblem } from './schema.js';

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** Writes `text` to `file` atomically, creating its folder. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** JSON with non-finite numbers as strings; `indent` 0 gives one line (the journal's). */
export function toJson(value: unknown, indent = 1): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), indent || undefined);
}

/** Parses what toJson wrote (throws JSON.parse's SyntaxError). */
export function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, value) => (typeof value === 'string' && NON_FINITE.has(value) ? Number(value) : value));
}

export function serializeResults(results: ResultsFile): string {
  return `${toJson(results)}\n`;
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
    data = fromJson(text);
  } catch (error) {
    fail(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(file, 'not a hotbench results file (not a JSON object)');
  const record = data as Record<string, unknown>;
  if (!('schemaVersion' in record)) fail(file, 'not a hotbench results file (no schemaVersion)');
  if (record.schemaVersion !== SCHEMA_VERSION && record.schemaVersion !== SCALING_SCHEMA_VERSION) {
    fail(file, `results schema version ${JSON.stringify(record.schemaVersion)} is not supported (this hotbench reads versions ${SCHEMA_VERSION} and ${SCALING_SCHEMA_VERSION})`);
  }
  const problem = resultsProblem(data);
  if (problem) fail(file, `not a valid results file: ${problem}`);
  return data as ResultsFile;
}

/** The text of `file`; a file that is missing or unreadable is a UserError naming it. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (error as Error).message})`);
  }
}

export function readResults(file: string): ResultsFile {
  return parseResults(readText(file), file);
}
