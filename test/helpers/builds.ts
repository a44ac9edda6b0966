// The compiled builds a kernel's tests must find: both wasm builds and every native level up to this
// CPU's. npm ci builds every native level and npm run build both wasm modules, so a level the CPU
// supports but that is missing is a failed build, not a skip.

import { expect, it } from 'vitest';
import { levelRank, readCpuInfo } from '../../bench/env/cpu.js';
import { variantId } from '../../bench/spec/define.js';
import type { VariantDefinition } from '../../bench/types.js';

/** The native variants this CPU can run; registers the test that every build is there. */
export function runnableBuilds<V extends Pick<VariantDefinition, 'name' | 'target' | 'available'>>(wasmBuilds: readonly V[], nativeBuilds: readonly V[]): V[] {
  const host = readCpuInfo().x86Level;
  const runnableNative = nativeBuilds.filter((v) => host !== null && levelRank(v.target!) <= levelRank(host));
  it('has every build it should: both wasm builds and each native level up to this CPU\'s', () => {
    for (const v of [...wasmBuilds, ...runnableNative]) expect(v.available!(), variantId(v.name, v.target!)).toBe(true);
    expect(wasmBuilds.map((v) => v.target)).toEqual(['scalar', 'simd']);
    expect(nativeBuilds.map((v) => v.target)).toEqual(['x86-64', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4']);
  });
  return runnableNative;
}
