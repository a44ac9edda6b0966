// `npm pack`'s clean native step (package.json "prepack"): the binaries the package ships are built
// here from native/src, never whatever a working copy happened to hold. It removes every earlier
// build output (native/binding, build/, native/cuda/build), builds the addons with node-pre-gyp (one
// per x86-64 level, and the MPI bindings where an MPI compiler wrapper answers), then the CUDA addon
// where a CUDA toolkit is found, and records which were built in native/binding/PACKED.json, which
// the package carries. Only linux-x64 builds are shipped: elsewhere it refuses, because an addon
// built on another platform would be shipped to linux-x64 users as if it were theirs.
//
// HOTBENCH_PACK_KEEP_NATIVE=1 skips the rebuild and packs the build that is there (the package
// test, test/package.test.ts, packs the build `npm ci` just made, rather than rebuild under tests
// that are loading it).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bindingDir = path.join(root, 'native', 'binding');

function fail(message) {
  console.error(`pack-native: ${message}`);
  process.exit(1);
}

function record() {
  const built = existsSync(bindingDir) ? readdirSync(bindingDir).filter((f) => f.endsWith('.node')).sort() : [];
  if (!built.includes('hotbench_x86_64.node')) fail('no native/binding/hotbench_x86_64.node to ship');
  writeFileSync(
    path.join(bindingDir, 'PACKED.json'),
    `${JSON.stringify({ platform: process.platform, arch: process.arch, node: process.version, napi: process.versions.napi, addons: built, packedAt: new Date().toISOString() }, null, 1)}\n`,
  );
  console.log(`pack-native: shipping ${built.join(', ')}`);
}

if (process.env.HOTBENCH_PACK_KEEP_NATIVE === '1') {
  record();
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') fail(`the package ships linux-x64 builds; this is ${process.platform}-${process.arch}`);

for (const dir of [bindingDir, path.join(root, 'build'), path.join(root, 'native', 'cuda', 'build')]) rmSync(dir, { recursive: true, force: true });
const steps = [
  [require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp'), 'rebuild', '--jobs=max'],
  [path.join(root, 'scripts', 'build-cuda.mjs'), '--optional'],
];
for (const [script, ...args] of steps) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`${path.basename(script)} ${args.join(' ')} failed`);
}
record();
