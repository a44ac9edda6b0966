// hotbench targets: this machine's fingerprint, its GPU, and the builds it can run.

import { gpuSummary, measureCudaBandwidth, type CudaBandwidth, type GpuSummary } from '../../native/cuda.js';
import { collectEnvironment } from '../env/environment.js';
import { findPython, PEER_MODULES, PYTHON_ENV, type PythonFound } from '../external/python.js';
import { hostTargets } from '../env/targets.js';
import { parse } from './args.js';

/** Bytes of each copy `--bandwidth` times, and how many copies. */
const BANDWIDTH_BYTES = 256 * 2 ** 20;
const BANDWIDTH_REPEATS = 10;

export const targetsHelp = `usage: hotbench targets [--json] [--bandwidth]

Prints this machine's fingerprint (CPU, x86-64 level from its flags, cores, memory, Node), its GPU
(name, memory, compute capability, NVIDIA driver and CUDA versions) or why there is none usable,
and which builds can run here: js, wasm@scalar, wasm@simd, native@x86-64 … native@x86-64-v4 and
gpu@cuda, and the Python the Python peers (numpy@python, numba@python, sklearn@python) run under,
with its modules' versions (${PYTHON_ENV} chooses it). A run measures only the runnable ones and
lists the others as skipped, with the reason.

options:
  --json              machine-readable output
  --bandwidth         also measure host <-> GPU copy bandwidth (pinned and pageable host memory,
                      ${BANDWIDTH_BYTES / 2 ** 20} MiB copies, median of ${BANDWIDTH_REPEATS}): what bounds the gpu@cuda
                      variants' transfers; needs a runnable gpu@cuda`;

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function gbps(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e9).toFixed(1)} GB/s`;
}

/** The GPU lines: one per device, then the driver and the addon's build, or why there is none. */
function gpuLines(gpu: GpuSummary): string[] {
  if (gpu.devices.length === 0) return [`gpu          none: ${gpu.status === true ? 'no CUDA device' : gpu.status}`];
  const devices = gpu.devices.map(
    (d, i) =>
      `gpu${gpu.devices.length > 1 ? ` ${i}`.padEnd(10) : '         '}${d.name} (${gib(d.memoryBytes)}, compute ${d.computeCapability}, ${d.multiprocessors} SMs, PCI ${d.pciBusId})`,
  );
  const build = gpu.build?.built ? `; the addon: CUDA ${gpu.build.cuda}, ${gpu.build.gencode?.join(' ')}` : '';
  return [...devices, `gpu driver   ${gpu.driver ?? 'version unknown'}, CUDA ${gpu.driverCuda}${build}`];
}

/** The Python peers' interpreter and its modules, or why there is none. */
function pythonLines(python: PythonFound | string): string[] {
  if (typeof python === 'string') return [`python       none: ${python}`];
  const modules = PEER_MODULES.map((m) => `${m} ${python.modules[m] ?? 'missing'}`).join(', ');
  return [`python       ${python.executable} (Python ${python.version}): ${modules}`];
}

function bandwidthLines(b: CudaBandwidth): string[] {
  return [
    `host <-> GPU copies (${BANDWIDTH_BYTES / 2 ** 20} MiB, median of ${BANDWIDTH_REPEATS}):`,
    `  host to device    pinned ${gbps(b.hostToDevicePinned)}, pageable ${gbps(b.hostToDevicePageable)}`,
    `  device to host    pinned ${gbps(b.deviceToHostPinned)}, pageable ${gbps(b.deviceToHostPageable)}`,
    `  device to device  ${gbps(b.deviceToDevice)} (bytes read + written)`,
  ];
}

export async function targetsCommand(argv: readonly string[]): Promise<number> {
  const { values } = parse('targets', argv, { json: { type: 'boolean' }, bandwidth: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${targetsHelp}\n`);
    return 0;
  }
  const env = collectEnvironment();
  const targets = hostTargets();
  const gpu = gpuSummary();
  const python = findPython();
  // Measured only when asked: a second or two of copies on the GPU.
  const bandwidth: CudaBandwidth | string | undefined = !values.bandwidth
    ? undefined
    : gpu.status === true
      ? measureCudaBandwidth(BANDWIDTH_BYTES, BANDWIDTH_REPEATS)
      : `not measured: ${gpu.status}`;
  if (values.json) {
    const copies = bandwidth === undefined ? {} : { bandwidth: typeof bandwidth === 'string' ? { skipped: bandwidth } : { bytes: BANDWIDTH_BYTES, repeats: BANDWIDTH_REPEATS, ...bandwidth } };
    process.stdout.write(`${JSON.stringify({ environment: env, gpu, targets, python: typeof python === 'string' ? { none: python } : python, ...copies }, null, 1)}\n`);
    return 0;
  }
  const lines = [
    `machine      ${env.fingerprint}`,
    `cpu          ${env.cpuModel} (${env.cores} cores, ${gib(env.memoryBytes)})`,
    `x86-64 level ${env.x86Level ?? 'none'}`,
    ...gpuLines(gpu),
    `node         ${env.node} (V8 ${env.v8}) on ${env.os.platform} ${env.os.arch}`,
    ...pythonLines(python),
    '',
    'builds:',
    ...targets.map((t) => `  ${t.build.padEnd(18)} ${t.status === true ? 'runnable' : `skipped: ${t.status}`}`),
    ...(bandwidth === undefined ? [] : ['', ...(typeof bandwidth === 'string' ? [`host <-> GPU copies: ${bandwidth}`] : bandwidthLines(bandwidth))]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
