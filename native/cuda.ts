// Loads the GPU rung's addon, native/binding/hotbench_cuda.node (native/cuda, built by
// scripts/build-cuda.mjs where a CUDA toolkit was found), and says whether this machine can run it:
// the addon was built and loads, an NVIDIA driver is there, new enough for the addon's CUDA, and it
// sees a device. The runtime is linked into the addon, so the driver is all a machine needs.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineVariant } from '../bench/spec/define.js';
import type { DeviceTime, KernelOutput, SizeParams, VariantDefinition, VariantSpec } from '../bench/types.js';
import { bindingDir } from './index.js';

export const cudaBinaryPath = path.join(bindingDir, 'hotbench_cuda.node');
/** What scripts/build-cuda.mjs recorded: built, or why not. */
export const cudaBuildRecordPath = path.join(bindingDir, 'hotbench_cuda.json');

export interface CudaBuildRecord {
  readonly built: boolean;
  readonly reason?: string;
  /** The toolkit's CUDA version, e.g. `13.0`. */
  readonly cuda?: string;
  /** The GPU code carried: `sm_80`, `sm_90` machine code, `compute_90` PTX. */
  readonly gencode?: readonly string[];
}

export interface CudaDevice {
  readonly name: string;
  readonly memoryBytes: number;
  /** `9.0` for Hopper. */
  readonly computeCapability: string;
  readonly multiprocessors: number;
  readonly l2Bytes: number;
  readonly pciBusId: string;
}

export interface CudaDevices {
  /** CUDA versions as CUDA numbers them: 13000 = 13.0. driverVersion 0: no driver. */
  readonly runtimeVersion: number;
  readonly driverVersion: number;
  readonly devices: readonly CudaDevice[];
  /** Why the devices could not be listed. */
  readonly error?: string;
}

/** Bytes per second of each kind of copy (native/cuda/device.cu). */
export interface CudaBandwidth {
  readonly hostToDevicePinned: number;
  readonly deviceToHostPinned: number;
  readonly hostToDevicePageable: number;
  readonly deviceToHostPageable: number;
  /** Within device memory, bytes read plus bytes written. */
  readonly deviceToDevice: number;
}

/** A kernel object of the addon: made in prepare, its calls timed on the device. */
export interface GpuKernel {
  /** Device-only time of the calls since it was made (CUDA events around the kernels). */
  deviceTime(): DeviceTime;
  /** Frees the device memory; the output array stays readable. */
  dispose(): void;
}

export interface CudaAddon {
  devices(): CudaDevices;
  bandwidth(bytes: number, repeats: number): CudaBandwidth;
  /** Uploads x; run(C) writes `output` (page-locked, nseries × nx). */
  Legval: new (x: Float64Array, nseries: number, deg: number) => GpuKernel & {
    readonly output: Float64Array;
    run(coefficients: Float64Array): void;
  };
  /** run(…) writes `output` (page-locked, 187 values per spot). */
  Ghspots: new (nspots: number) => GpuKernel & {
    readonly output: Float64Array;
    run(dx: Float64Array, dy: Float64Array, sx: Float64Array, sy: Float64Array, g: Float64Array): void;
  };
  /** Uploads X (n × d); run(C, sums, counts) writes `labels` (page-locked), sums and counts, returns the inertia. */
  Kmeans: new (x: Float64Array, n: number, d: number, k: number) => GpuKernel & {
    readonly labels: Int32Array;
    run(centroids: Float64Array, sums: Float64Array, counts: Float64Array): number;
  };
}

export function cudaBuildRecord(): CudaBuildRecord | null {
  try {
    return JSON.parse(readFileSync(cudaBuildRecordPath, 'utf8')) as CudaBuildRecord;
  } catch {
    return null;
  }
}

/** 13000 → `13.0`. */
export function cudaVersion(version: number): string {
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

const require = createRequire(import.meta.url);
let addon: CudaAddon | undefined;
let loadError: string | undefined;

/** Why the addon is not there, or null when its binary exists. */
function missingReason(): string | null {
  if (existsSync(cudaBinaryPath)) return null;
  const record = cudaBuildRecord();
  if (record && !record.built && record.reason) return `not built: ${record.reason}`;
  return `not built: ${path.relative(process.cwd(), cudaBinaryPath) || cudaBinaryPath} is missing (npm run build:cuda)`;
}

function load(): CudaAddon | string {
  if (addon) return addon;
  if (loadError) return loadError;
  const missing = missingReason();
  if (missing) return (loadError = missing);
  try {
    addon = require(cudaBinaryPath) as CudaAddon;
    return addon;
  } catch (error) {
    return (loadError = `the CUDA addon does not load: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Why the devices listed none: the driver's own error, said plainly where it is a known one. */
function deviceReason(list: CudaDevices): string | null {
  if (list.driverVersion === 0) return list.error ?? 'no NVIDIA driver (libcuda.so.1) on this machine';
  const visible = process.env.CUDA_VISIBLE_DEVICES !== undefined ? ` (CUDA_VISIBLE_DEVICES=${JSON.stringify(process.env.CUDA_VISIBLE_DEVICES)})` : '';
  if (list.error?.includes('cudaErrorInsufficientDriver') || (list.driverVersion > 0 && list.driverVersion < list.runtimeVersion)) {
    return `the NVIDIA driver supports CUDA ${cudaVersion(list.driverVersion)}, older than this build's CUDA ${cudaVersion(list.runtimeVersion)}`;
  }
  if (list.error?.includes('cudaErrorNoDevice')) return `the NVIDIA driver sees no CUDA device${visible}`;
  if (list.error) return `the CUDA driver reports: ${list.error}`;
  if (list.devices.length === 0) return `no CUDA device${visible}`;
  return null;
}

let devices: CudaDevices | undefined;

/** The devices as the addon lists them (once per process), or why there is no addon to ask. */
export function cudaDevices(): CudaDevices | string {
  const loaded = load();
  if (typeof loaded === 'string') return loaded;
  return (devices ??= loaded.devices());
}

/** True when this machine can run the gpu@cuda variants, else why not. */
export function cudaStatus(): true | string {
  const list = cudaDevices();
  if (typeof list === 'string') return list;
  return deviceReason(list) ?? true;
}

/** The addon, for a variant's prepare; throws with the reason when this machine cannot run it. */
export function loadCudaAddon(): CudaAddon {
  const status = cudaStatus();
  if (status !== true) throw new Error(`gpu@cuda: ${status}`);
  return load() as CudaAddon;
}

/** The NVIDIA kernel module's version (`580.95.05`), from /proc, when the driver is loaded. */
export function nvidiaDriverVersion(): string | null {
  try {
    return /Kernel Module\s+(?:for \S+\s+)?([\d.]+)/.exec(readFileSync('/proc/driver/nvidia/version', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** What `hotbench targets` says of the GPU. */
export interface GpuSummary {
  readonly status: true | string;
  readonly build: CudaBuildRecord | null;
  readonly devices: readonly CudaDevice[];
  /** `580.95.05`, when readable. */
  readonly driver: string | null;
  /** The CUDA version the driver supports, and the one the addon was built with. */
  readonly driverCuda: string | null;
  readonly runtimeCuda: string | null;
}

export function gpuSummary(): GpuSummary {
  const list = cudaDevices();
  const listed = typeof list === 'string' ? null : list;
  return {
    status: cudaStatus(),
    build: cudaBuildRecord(),
    devices: listed?.devices ?? [],
    driver: nvidiaDriverVersion(),
    driverCuda: listed && listed.driverVersion > 0 ? cudaVersion(listed.driverVersion) : null,
    runtimeCuda: listed ? cudaVersion(listed.runtimeVersion) : null,
  };
}

/**
 * A kernel's GPU rung: the variant `gpu@cuda`, skipped (with the reason) where this machine cannot
 * run the CUDA addon. Its prepared variant must report `deviceTime`.
 */
export function cudaVariant<Static, PerCall, Output extends KernelOutput, Params extends SizeParams>(
  kernel: string,
  spec: Pick<VariantSpec<Static, PerCall, Output, Params>, 'description' | 'prepare'>,
): VariantDefinition<Static, PerCall, Output, Params> {
  return defineVariant<Static, PerCall, Output, Params>({ kernel, name: 'gpu', rung: 'gpu', target: 'cuda', available: cudaStatus, ...spec });
}

/**
 * Host <-> device copy bandwidth on device 0 (the link every call's transfers cross), bytes per
 * second: `bytes` per copy, the median of `repeats` (native/cuda/device.cu). Throws when this machine
 * cannot run the addon.
 */
export function measureCudaBandwidth(bytes = 256 * 2 ** 20, repeats = 10): CudaBandwidth {
  return loadCudaAddon().bandwidth(bytes, repeats);
}
