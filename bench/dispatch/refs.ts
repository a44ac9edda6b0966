// Where a dispatch file says a definition lives, and back: a built-in's module relative to the code
// root of hotbench without its extension (so that the source and the compiled flavour both find it),
// a user's relative to the dispatch file's folder (so that the file can ship beside the project).
// Shared by the writer (build.ts) and the runtime, which must stay light to import.

import path from 'node:path';
import { builtInKernelsDir } from '../paths.js';
import type { DefinitionRef, Located } from '../types.js';
import type { DispatchRef } from '../types/dispatch.js';

/** The folder built-in definitions are relative to: the package root from source, dist/ compiled. */
export const builtInRoot = path.dirname(builtInKernelsDir);

/** A built-in's module without its extension, so that either flavour (source, compiled) finds it. */
const withoutExtension = (file: string): string => file.replace(/\.[cm]?[jt]s$/, '');
const posix = (file: string): string => file.split(path.sep).join('/');

/** Where a definition lives, written for the runtime: see DispatchRef. */
export function dispatchRef(located: Located<unknown>, dispatchDir: string): DispatchRef {
  const { ref, builtIn } = located;
  const file = builtIn ? withoutExtension(path.relative(builtInRoot, ref.file)) : path.relative(dispatchDir, ref.file);
  return { builtIn, file: posix(file), exportName: ref.exportName, ...(ref.index !== undefined ? { index: ref.index } : {}) };
}

/** The module a DispatchRef names, for this flavour of hotbench (built-ins) or beside the dispatch file. */
export function resolveDispatchRef(ref: DispatchRef, dispatchDir: string, extension: string): DefinitionRef {
  const file = ref.builtIn ? path.join(builtInRoot, `${ref.file}${extension}`) : path.resolve(dispatchDir, ref.file);
  return { file, exportName: ref.exportName, ...(ref.index !== undefined ? { index: ref.index } : {}) };
}

