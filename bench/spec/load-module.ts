// Imports a kernel or variant module by file path, TypeScript or JavaScript, from anywhere on disk.

import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { harnessFile, isHarnessCode, moduleExtension, publicEntry } from '../paths.js';

// Loaders are registered only when a user's module is loaded: they cost tens of milliseconds in
// every child process, and the built-in kernels, compiled, need neither.
let loadersReady = false;

async function ensureLoaders(): Promise<void> {
  if (loadersReady) return;
  loadersReady = true;
  // Compiled, the harness needs tsx to load users' .ts files; from source a TypeScript loader
  // (tsx or vitest) is already running. tsx goes first so that the hook below runs outside it and
  // can tell it that users' .ts files are ES modules.
  if (moduleExtension === '.js') {
    const tsx = await import('tsx/esm/api');
    tsx.register();
  }
  register(pathToFileURL(harnessFile('spec/self-resolve-hooks.mjs')).href, {
    data: { entryUrl: pathToFileURL(publicEntry).href },
  });
}

export const MODULE_FILE = /\.(?:[cm]?[jt]s)$/;

export async function importModule(file: string): Promise<Record<string, unknown>> {
  // The harness's own code imports 'hotbench' nowhere and is plain JavaScript when compiled.
  if (!(isHarnessCode(file) && moduleExtension === '.js')) await ensureLoaders();
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
