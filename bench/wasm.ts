// WebAssembly builds of the kernels: where they are, whether this runtime can run them, and
// instantiation. Modules are built by scripts/build-wasm.mjs into dist/wasm/<kernel>.<build>.wasm.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';
import { defineVariant } from './spec/define.js';
import type { KernelOutput, SizeParams, VariantDefinition, VariantSpec } from './types.js';

export const WASM_BUILDS = ['scalar', 'simd'] as const;
export type WasmBuild = (typeof WASM_BUILDS)[number];

export const wasmDir = path.join(packageRoot, 'dist', 'wasm');

export function wasmPath(kernel: string, build: WasmBuild): string {
  return path.join(wasmDir, `${kernel}.${build}.wasm`);
}

// The smallest module that uses a v128 instruction: () -> v128.const 0.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b,
]);

/** True when this runtime can run `build` at all (WebAssembly, and v128 for simd), else why not. */
export function wasmRuntimeStatus(build: WasmBuild): true | string {
  if (typeof WebAssembly !== 'object') return 'this runtime has no WebAssembly';
  if (build === 'simd' && !WebAssembly.validate(SIMD_PROBE)) return 'this runtime has no WebAssembly SIMD';
  return true;
}

/** wasmRuntimeStatus, and the kernel's module must have been built. */
export function wasmStatus(kernel: string, build: WasmBuild): true | string {
  const runtime = wasmRuntimeStatus(build);
  if (runtime !== true) return runtime;
  const file = wasmPath(kernel, build);
  return existsSync(file) ? true : `not built: ${path.relative(process.cwd(), file)} is missing (npm run build:wasm)`;
}

const compiled = new Map<string, WebAssembly.Module>();

/** A fresh instance of the kernel's module (compiled once per process). */
export function instantiateWasm<Exports>(kernel: string, build: WasmBuild): Exports {
  const file = wasmPath(kernel, build);
  let module = compiled.get(file);
  if (!module) compiled.set(file, (module = new WebAssembly.Module(readFileSync(file))));
  const imports = {
    env: {
      // AssemblyScript's only import: called on a failed assertion or allocation.
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`${kernel} wasm (${build}) aborted at ${line}:${column}`);
      },
    },
  };
  return new WebAssembly.Instance(module, imports).exports as Exports;
}

/**
 * A kernel's WebAssembly rung: one variant per build (`wasm@scalar`, `wasm@simd`), skipped where
 * this runtime cannot run the build or the module was not built. `perBuild` gives each build's
 * description and prepare.
 */
export function wasmVariants<Static, PerCall, Output extends KernelOutput, Params extends SizeParams>(
  kernel: string,
  perBuild: (build: WasmBuild) => Pick<VariantSpec<Static, PerCall, Output, Params>, 'description' | 'prepare'>,
): VariantDefinition<Static, PerCall, Output, Params>[] {
  return WASM_BUILDS.map((build) =>
    defineVariant<Static, PerCall, Output, Params>({
      kernel,
      name: 'wasm',
      rung: 'wasm',
      target: build,
      available: () => wasmStatus(kernel, build),
      ...perBuild(build),
    }),
  );
}
