// Imports a kernel or variant module by file path, TypeScript or JavaScript, from anywhere on disk.

import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { harnessModule, moduleExtension, publicEntry } from '../paths.js';

let loadersReady = false;

async function ensureLoaders(): Promise<void> {
  if (loadersReady) return;
  loadersReady = true;
  register(pathToFileURL(harnessModule('spec/self-resolve-hooks')).href, {
    data: { entryUrl: pathToFileURL(publicEntry).href },
  });
  // Compiled, the harness needs tsx to load users' .ts files; from source a TypeScript loader
  // (tsx or vitest) is already running.
  if (moduleExtension === '.js') {
    const tsx = await import('tsx/esm/api');
    tsx.register();
  }
}

export const MODULE_FILE = /\.(?:[cm]?[jt]s)$/;

export async function importModule(file: string): Promise<Record<string, unknown>> {
  await ensureLoaders();
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
