// Builds the GPU rung's addon, native/cuda → native/binding/hotbench_cuda.node, with node-gyp and
// the CUDA toolkit's nvcc (native/cuda/binding.gyp), and records the outcome in
// native/binding/hotbench_cuda.json: built, or why not. The gpu@cuda variants read that record to
// say why they are skipped.
//
// Run by npm's install step with --optional: there, a machine without a CUDA toolkit, or one whose
// toolkit fails to build the addon, gets one line saying so and exit 0, because `npm ci` must work on
// every machine and the CPU rungs need no GPU. `npm run build:cuda` (without --optional) fails loudly.
//
// The toolkit: $CUDA_HOME or $CUDA_PATH, else nvcc on the PATH, else /usr/local/cuda.
// HOTBENCH_SKIP_CUDA=1 skips the build (and records that it was skipped).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bindingDir = path.join(root, 'native', 'binding');
const binary = path.join(bindingDir, 'hotbench_cuda.node');
const record = path.join(bindingDir, 'hotbench_cuda.json');
const log = path.join(bindingDir, 'hotbench_cuda.log');
const optional = process.argv.includes('--optional');
// The GPU code the addon carries: machine code for these, and PTX for the last (newer GPUs).
const gencode = ['sm_80', 'sm_90', 'compute_90'];

function save(outcome) {
  mkdirSync(bindingDir, { recursive: true });
  writeFileSync(record, `${JSON.stringify({ ...outcome, recordedAt: new Date().toISOString() }, null, 1)}\n`);
}

/** Not built, for a reason that is no error (no toolkit): one line, recorded, exit 0. */
function skip(reason) {
  rmSync(binary, { force: true });
  save({ built: false, reason });
  console.log(`build-cuda: the gpu@cuda rung is not built: ${reason}`);
  process.exit(0);
}

/** The build was attempted and failed: loud, recorded; fatal unless --optional. */
function fail(reason) {
  rmSync(binary, { force: true });
  save({ built: false, reason });
  console.error(`build-cuda: ${reason}${optional ? ' (the gpu@cuda rung is skipped; npm run build:cuda to retry)' : ''}`);
  process.exit(optional ? 0 : 1);
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, command))) return path.join(dir, command);
  }
  return null;
}

function findNvcc() {
  for (const variable of ['CUDA_HOME', 'CUDA_PATH']) {
    const home = process.env[variable];
    if (home) {
      const nvcc = path.join(home, 'bin', 'nvcc');
      return existsSync(nvcc) ? nvcc : skip(`$${variable} is ${home}, but ${nvcc} does not exist`);
    }
  }
  return onPath('nvcc') ?? (existsSync('/usr/local/cuda/bin/nvcc') ? '/usr/local/cuda/bin/nvcc' : null);
}

/**
 * The toolkit's root as nvcc itself reports it (its dry run prints TOP=…): nvcc on the PATH may be a
 * wrapper script outside the toolkit. Else the folder above nvcc's own.
 */
function toolkitRoot(nvcc) {
  const dry = spawnSync(nvcc, ['--dryrun', '-x', 'cu', '-c', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' });
  const top = `${dry.stdout ?? ''}${dry.stderr ?? ''}`.match(/^#\$ TOP=(.+)$/m)?.[1]?.trim();
  if (top && existsSync(top)) return realpathSync(top);
  return path.dirname(path.dirname(realpathSync(nvcc)));
}

/** The first of `candidates` (relative to the toolkit's root) that exists. */
function inToolkit(home, candidates) {
  return candidates.map((c) => path.join(home, c)).find((p) => existsSync(p)) ?? null;
}

/** node-gyp as npm runs it (npm sets npm_config_node_gyp for lifecycle scripts), else npm's own beside this node. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package: the candidates above
  }
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

if (process.env.HOTBENCH_SKIP_CUDA === '1') skip('HOTBENCH_SKIP_CUDA=1 was set when hotbench was installed');
const nvcc = findNvcc();
if (!nvcc) skip('no CUDA toolkit was found when hotbench was installed (no nvcc in $CUDA_HOME, $CUDA_PATH, on the PATH or in /usr/local/cuda)');
const home = toolkitRoot(nvcc);
const include = inToolkit(home, ['include/cuda_runtime.h', 'targets/x86_64-linux/include/cuda_runtime.h']);
const cudart = inToolkit(home, ['lib64/libcudart_static.a', 'targets/x86_64-linux/lib/libcudart_static.a', 'lib/libcudart_static.a']);
if (!include || !cudart) skip(`the CUDA toolkit at ${home} lacks ${!include ? 'cuda_runtime.h' : 'libcudart_static.a'}`);
const version = spawnSync(nvcc, ['--version'], { encoding: 'utf8' });
const release = /release (\d+\.\d+)/.exec(version.stdout ?? '')?.[1];
if (version.status !== 0 || !release) fail(`${nvcc} --version failed: ${(version.stderr || version.stdout || String(version.error)).trim().split('\n').pop()}`);
const nodeGyp = findNodeGyp();
if (!nodeGyp) fail('node-gyp not found (run this through npm: npm run build:cuda)');

console.log(`build-cuda: CUDA ${release} (${nvcc}), device code ${gencode.join(', ')}`);
rmSync(binary, { force: true });
mkdirSync(bindingDir, { recursive: true });
const started = Date.now();
// Node's headers: npm passes its nodedir setting to node-gyp; run directly, node-gyp would try to
// download them, so point it at the headers installed beside this node when there are some.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir ? [] : existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
const build = spawnSync(
  process.execPath,
  [
    nodeGyp, 'rebuild', ...nodedir, `--directory=${path.join(root, 'native', 'cuda')}`, '--jobs=max', '--',
    `-Dnvcc=${nvcc}`, `-Dcuda_include=${path.dirname(include)}`, `-Dcudart_static=${cudart}`,
    `-Dhost_compiler=${process.env.CXX || 'g++'}`, `-Dmodule_path=${bindingDir}`,
  ],
  { cwd: path.join(root, 'native', 'cuda'), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
);
writeFileSync(log, `${build.stdout ?? ''}${build.stderr ?? ''}`);
if (build.status !== 0 || !existsSync(binary)) {
  // The first compiler error, else node-gyp's own reason.
  const lines = readFileSync(log, 'utf8').split('\n');
  const why = lines.find((l) => /\berror\b.*:|: error/i.test(l) && !l.startsWith('gyp')) ?? lines.find((l) => l.startsWith('gyp ERR! stack Error:'))?.slice('gyp ERR! stack '.length);
  fail(`the CUDA addon failed to build: ${(why ?? `node-gyp exited with ${build.status ?? build.signal}`).trim()} (log: ${path.relative(root, log)})`);
}
save({ built: true, cuda: release, nvcc, gencode, seconds: Math.round((Date.now() - started) / 1000) });
console.log(`build-cuda: ${path.relative(root, binary)} in ${Math.round((Date.now() - started) / 1000)} s`);
