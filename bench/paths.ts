// Where hotbench's own files are. The same code runs compiled (dist/bench/…, .js) and from source
// under vitest or tsx (bench/…, .ts); everything that locates a sibling module goes through here.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** `.js` when running compiled, `.ts` when running from source. */
export const moduleExtension = path.extname(fileURLToPath(import.meta.url)) === '.ts' ? '.ts' : '.js';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'hotbench') return dir;
    if (path.dirname(dir) === dir) throw new Error(`hotbench: cannot find its package.json above ${start}`);
  }
}

export const packageRoot = findPackageRoot(here);

/** The tree the running code belongs to: the package root from source, dist/ when compiled. */
const codeRoot = path.resolve(here, '..');

/** True for a file of the running harness's own code tree (its built-in kernels included). */
export function isHarnessCode(file: string): boolean {
  const relative = path.relative(codeRoot, path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) && !relative.startsWith('node_modules');
}

export const builtInKernelsDir = path.join(codeRoot, 'kernels');
export const builtInVariantsDir = path.join(codeRoot, 'variants');
export const builtInPipelinesDir = path.join(codeRoot, 'pipelines');

/**
 * Node flags a harness child process needs to start from this tree: none compiled; from source (under
 * vitest or tsx) the child is TypeScript too and needs tsx, resolved from hotbench's own dependencies.
 */
export const harnessExecArgv: readonly string[] = moduleExtension === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];

/**
 * From source, tsx's API module (its `register()` installs the TypeScript loader in a thread that did
 * not start with it: a worker thread); compiled, null.
 */
export const harnessLoaderApi: string | null = moduleExtension === '.ts' ? import.meta.resolve('tsx/esm/api') : null;

/** The module users import as `hotbench`, in the running flavour. */
export const publicEntry = path.join(codeRoot, 'bench', `index${moduleExtension}`);

/** A module of the harness itself, by its path below bench/ without extension. */
export function harnessModule(relative: string): string {
  return path.join(codeRoot, 'bench', `${relative}${moduleExtension}`);
}

/** A file of the harness itself by its path below bench/, extension included. */
export function harnessFile(relative: string): string {
  return path.join(codeRoot, 'bench', relative);
}

export function packageVersion(): string {
  return String(JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version);
}

/** A moment as a file-name-safe stamp that sorts in time order: 2026-01-31T12-00-00-000Z. */
export function fileTimestamp(when: Date): string {
  return when.toISOString().replace(/[:.]/g, '-');
}
