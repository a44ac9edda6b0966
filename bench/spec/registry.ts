// Discovery: the built-in kernels and variants, plus every kernel and variant exported from the
// user's folders (`--kernels DIR`, or `kernels` in hotbench.config.*). A module may export any number
// of definitions, by name, as default, or as an array; discovery recognises them by their mark.

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtInKernelsDir, builtInPipelinesDir, builtInVariantsDir, moduleExtension } from '../paths.js';
import {
  KERNEL_MARK,
  PIPELINE_MARK,
  type PipelineDefinition,
  VARIANT_MARK,
  type DefinitionRef,
  type KernelDefinition,
  type Located,
  type Registry,
  type VariantDefinition,
} from '../types.js';
import { DefinitionError, variantId } from './define.js';
import { MODULE_FILE, importModule } from './load-module.js';
import { pipelineView } from './pipeline.js';

const SKIPPED_FILE = /\.d\.[cm]?ts$|\.(?:test|spec)\.[cm]?[jt]s$|\.map$/;
const MAX_DEPTH = 4;

function isMarked(value: unknown, mark: string): boolean {
  return typeof value === 'object' && value !== null && (value as { hotbench?: unknown }).hotbench === mark;
}

function moduleFilesUnder(dir: string, depth = 0): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // assembly/ holds AssemblyScript sources, compiled to WebAssembly, not imported.
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || (entry.isDirectory() && entry.name === 'assembly')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth < MAX_DEPTH) files.push(...moduleFilesUnder(full, depth + 1));
    else if (entry.isFile() && MODULE_FILE.test(entry.name) && !SKIPPED_FILE.test(entry.name)) files.push(full);
  }
  return files;
}

/** Where a build of hotbench keeps its built-in kernels and variants, and in which flavour. */
export interface BuiltIns {
  readonly kernelsDir: string;
  readonly variantsDir: string;
  /** Absent for a build of hotbench older than pipelines. */
  readonly pipelinesDir?: string;
  /** `.js` compiled, `.ts` from source. */
  readonly extension: string;
}

/** The built-ins of a compiled build of hotbench, from its dist/ folder (the gate's base, say). */
export function compiledBuiltIns(dist: string): BuiltIns {
  return { kernelsDir: path.join(dist, 'kernels'), variantsDir: path.join(dist, 'variants'), pipelinesDir: path.join(dist, 'pipelines'), extension: '.js' };
}

/** The running hotbench's own built-ins. */
export const ownBuiltIns: BuiltIns = { kernelsDir: builtInKernelsDir, variantsDir: builtInVariantsDir, pipelinesDir: builtInPipelinesDir, extension: moduleExtension };

/** The built-in modules in the build's flavour. */
function builtInFiles({ kernelsDir, variantsDir, pipelinesDir, extension }: BuiltIns): string[] {
  const ours = (file: string) => file.endsWith(extension) && !SKIPPED_FILE.test(file);
  const pipelines = pipelinesDir && existsSync(pipelinesDir) ? moduleFilesUnder(pipelinesDir) : [];
  return [...moduleFilesUnder(kernelsDir), ...moduleFilesUnder(variantsDir), ...pipelines].filter(ours);
}

interface Found {
  readonly kernels: Located<KernelDefinition>[];
  readonly variants: Located<VariantDefinition>[];
  readonly pipelines: Located<PipelineDefinition>[];
}

async function definitionsIn(file: string, builtIn: boolean, found: Found): Promise<void> {
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(file);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DefinitionError(`cannot load ${file}: ${message}`);
  }
  for (const [exportName, value] of Object.entries(exports)) {
    const items = Array.isArray(value) ? value.map((item, index) => [item, index] as const) : [[value, undefined] as const];
    for (const [item, index] of items) {
      const ref: DefinitionRef = index === undefined ? { file, exportName } : { file, exportName, index };
      if (isMarked(item, KERNEL_MARK)) found.kernels.push({ definition: item as KernelDefinition, ref, builtIn });
      if (isMarked(item, VARIANT_MARK)) found.variants.push({ definition: item as VariantDefinition, ref, builtIn });
      if (isMarked(item, PIPELINE_MARK)) found.pipelines.push({ definition: item as PipelineDefinition, ref, builtIn });
    }
  }
}

/**
 * Discovers the built-in kernels (of this hotbench, or of another build of it: the gate's base) and
 * those in `userDirs` (absolute paths).
 */
export async function discover(userDirs: readonly string[] = [], builtIns: BuiltIns = ownBuiltIns): Promise<Registry> {
  const found: Found = { kernels: [], variants: [], pipelines: [] };
  for (const file of builtInFiles(builtIns)) await definitionsIn(file, true, found);
  for (const dir of userDirs) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new DefinitionError(`kernels folder ${dir} does not exist or is not a folder`);
    const files = moduleFilesUnder(dir);
    if (files.length === 0) throw new DefinitionError(`kernels folder ${dir} holds no .ts or .js modules`);
    for (const file of files) await definitionsIn(file, false, found);
  }

  const kernels = byName('kernel', found.kernels);
  const variants = new Map<string, Located<VariantDefinition>[]>([...kernels.keys()].map((name) => [name, []]));
  for (const variant of found.variants) {
    const { kernel, name, target = 'js' } = variant.definition;
    const list = variants.get(kernel);
    if (!list) throw new DefinitionError(`variant ${name} in ${variant.ref.file} is for kernel ${kernel}, which is not defined`);
    const id = variantId(name, target);
    const twin = list.find((v) => variantId(v.definition.name, v.definition.target ?? 'js') === id);
    if (twin && twin.definition !== variant.definition) {
      throw new DefinitionError(`variant ${id} of kernel ${kernel} is defined twice: in ${twin.ref.file} and ${variant.ref.file}`);
    }
    if (!twin) list.push(variant);
  }
  return { kernels, variants, pipelines: byName('pipeline', found.pipelines) };
}

/** Definitions by name; one name defined twice (two different objects) is a DefinitionError. */
function byName<D extends { readonly name: string }>(what: string, found: readonly Located<D>[]): Map<string, Located<D>> {
  const named = new Map<string, Located<D>>();
  for (const item of found) {
    const other = named.get(item.definition.name);
    if (other && other.definition !== item.definition) {
      throw new DefinitionError(`${what} ${item.definition.name} is defined twice: in ${other.ref.file} and ${item.ref.file}`);
    }
    named.set(item.definition.name, item);
  }
  return named;
}

/** The definition `ref` names among a module's exports. */
export function definitionIn(exports: Record<string, unknown>, ref: DefinitionRef): unknown {
  const value = exports[ref.exportName];
  return ref.index === undefined ? value : (value as unknown[])[ref.index];
}

/** Imports exactly one definition, in a child process. */
export async function loadDefinition(ref: DefinitionRef): Promise<unknown> {
  const definition = definitionIn(await importModule(ref.file), ref);
  // A pipeline is measured through the kernel and variants derived from it (bench/spec/pipeline.ts).
  return ref.view === undefined ? definition : pipelineView(definition as PipelineDefinition, ref.view);
}
