// Profile folders on disk: writing a record (JSON and Markdown), reading it back with its shape
// checked, and finding the profiles that belong to a run.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../results/store.js';
import type { ProfileRecord } from '../types.js';
import { PROFILES_BESIDE_RESULTS, RECORD_FILE } from './layout.js';

export function writeProfileRecord(record: ProfileRecord): void {
  writeFileAtomic(path.join(record.folder, RECORD_FILE), `${JSON.stringify(record, null, 1)}\n`);
}

/** Reads a profile folder's record; `folder` is set to where it was found. */
export function readProfileRecord(folder: string): ProfileRecord {
  const file = path.join(folder, RECORD_FILE);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file (not a hotbench profile folder)' : `cannot read (${code ?? (error as Error).message})`}`);
  }
  const r = data as Partial<Record<keyof ProfileRecord, unknown>> | null;
  const table = r?.table as { hotspots?: unknown; samples?: unknown; sampledMs?: unknown } | undefined;
  const target = r?.target as { kind?: unknown } | undefined;
  if (
    typeof r !== 'object' || r === null || typeof r.tool !== 'string' || !Array.isArray(r.artifacts) || !Array.isArray(r.command) ||
    typeof target !== 'object' || (target.kind !== 'kernel' && target.kind !== 'script') ||
    typeof table !== 'object' || !Array.isArray(table.hotspots) || typeof table.samples !== 'number' || typeof table.sampledMs !== 'number'
  ) {
    throw new UserError(`${file}: not a hotbench profile record`);
  }
  return { ...(data as ProfileRecord), folder };
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** `dir` itself when it is a profile folder, else the profile folders directly inside it, in name (= time) order. */
export function findProfileFolders(dir: string): string[] {
  if (!isDirectory(dir)) throw new UserError(`profiles folder ${dir} does not exist or is not a folder`);
  if (existsSync(path.join(dir, RECORD_FILE))) return [dir];
  return readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name))
    .filter((sub) => existsSync(path.join(sub, RECORD_FILE)));
}

/** The folder where the profiles of the run that wrote `resultsFile` are kept. */
export function profilesFolderOf(resultsFile: string): string {
  return path.join(path.dirname(resultsFile), PROFILES_BESIDE_RESULTS);
}

/** The profiles kept beside a results file (none when there is no such folder). */
export function profilesBeside(resultsFile: string): string[] {
  const dir = profilesFolderOf(resultsFile);
  return isDirectory(dir) ? findProfileFolders(dir) : [];
}
