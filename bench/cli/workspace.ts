// The user's side of a command: the config file and kernel folders, turned into the registry of
// kernels and variants and the config's measurement settings.

import path from 'node:path';
import { loadConfig } from '../spec/config.js';
import { discover } from '../spec/registry.js';
import type { HotbenchConfig, Registry } from '../types.js';
import type { Options, Parsed } from './args.js';
import { list, text } from './args.js';

export const workspaceOptions: Options = {
  kernels: { type: 'string', multiple: true },
  config: { type: 'string' },
};

export const workspaceHelp = `  --kernels DIR       a folder of your own kernels and variants (repeatable)
  --config FILE       config file (default: hotbench.config.{ts,mts,js,mjs,json} in this folder)`;

export interface Workspace {
  readonly registry: Registry;
  readonly config: HotbenchConfig;
  /** The user's kernel folders (config and --kernels), absolute. */
  readonly userDirs: readonly string[];
}

export async function openWorkspace(values: Parsed['values'], cwd = process.cwd()): Promise<Workspace> {
  const loaded = await loadConfig(cwd, text(values.config));
  const fromFlags = (list(values.kernels) ?? []).map((dir) => path.resolve(cwd, dir));
  const dirs = [...new Set([...loaded.kernelDirs, ...fromFlags])];
  return { registry: await discover(dirs), config: loaded.config, userDirs: dirs };
}
