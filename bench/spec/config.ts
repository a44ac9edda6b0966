// hotbench.config.{ts,mts,js,mjs,json}: the user's kernel folders and measurement defaults, found in
// the working directory unless --config names one.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { HotbenchConfig } from '../types.js';
import { importModule } from './load-module.js';

export const CONFIG_NAMES = ['hotbench.config.ts', 'hotbench.config.mts', 'hotbench.config.js', 'hotbench.config.mjs', 'hotbench.config.json'];

export interface LoadedConfig {
  readonly file: string | null;
  readonly config: HotbenchConfig;
  /** `config.kernels`, made absolute against the config file's folder. */
  readonly kernelDirs: readonly string[];
}

export function findConfig(cwd: string): string | null {
  for (const name of CONFIG_NAMES) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return file;
  }
  return null;
}

function check(file: string, value: unknown): HotbenchConfig {
  const bad = (why: string): never => {
    throw new UserError(`${file}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('the config must be an object');
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) if (!['kernels', 'measure', 'builtIns'].includes(key)) bad(`unknown field ${JSON.stringify(key)} (known: kernels, measure, builtIns)`);
  if (config.builtIns !== undefined && typeof config.builtIns !== 'boolean') bad('builtIns must be true or false');
  if (config.kernels !== undefined && (!Array.isArray(config.kernels) || !config.kernels.every((k) => typeof k === 'string'))) {
    bad('kernels must be an array of folder paths');
  }
  if (config.measure !== undefined && (typeof config.measure !== 'object' || config.measure === null || Array.isArray(config.measure))) {
    bad('measure must be an object');
  }
  return config as HotbenchConfig;
}

/** Loads `explicit`, or the config found in `cwd`, or an empty config. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : findConfig(cwd);
  if (!file) return { file: null, config: {}, kernelDirs: [] };
  if (!existsSync(file)) throw new UserError(`config file ${file} does not exist`);
  let raw: unknown;
  try {
    if (file.endsWith('.json')) raw = JSON.parse(readFileSync(file, 'utf8'));
    else raw = (await importModule(file)).default;
  } catch (error) {
    throw new UserError(`${file}: cannot load (${(error as Error).message.split('\n')[0]})`);
  }
  const config = check(file, raw);
  const dir = path.dirname(file);
  return { file, config, kernelDirs: (config.kernels ?? []).map((k) => path.resolve(dir, k)) };
}

/** For users' hotbench.config.ts: types the object, does nothing else. */
export function defineConfig(config: HotbenchConfig): HotbenchConfig {
  return config;
}
