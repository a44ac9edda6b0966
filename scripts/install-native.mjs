// npm's install step for hotbench's native addons (package.json "install"; also what
// `npm rebuild hotbench` runs).
//
// The published package carries the linux-x64 builds (one addon per x86-64 level, the MPI bindings
// where they were built, the CUDA addon), made from clean sources by `npm pack` (scripts/pack-native.mjs,
// the "prepack" script). So:
// - where the shipped x86-64 baseline addon loads (linux-x64, a glibc as new as the packing
//   machine's), there is nothing to build: this says so and stops. npm 11 runs no install script of a
//   dependency unless the user approves it, and the package works all the same;
// - elsewhere, or with --build-from-source (`npm rebuild hotbench --build-from-source`, which npm
//   hands on as npm_config_build_from_source), the addons are built from native/src with node-gyp
//   (through node-pre-gyp), then the CUDA addon where a CUDA toolkit is found.
//
// A failed build is fatal in hotbench's own checkout (npm ci there must give every rung), and only a
// warning where hotbench is a dependency: the native rungs are then skipped, each with the reason.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const baseline = path.join(root, 'native', 'binding', 'hotbench_x86_64.node');

const fromSource = ['true', '1', 'hotbench'].includes(String(process.env.npm_config_build_from_source ?? '').toLowerCase());
// npm sets INIT_CWD to where `npm install` was typed: this package's own folder in a checkout.
const ownCheckout = path.resolve(process.env.INIT_CWD ?? process.cwd()) === root;

function shippedBuildLoads() {
  try {
    require(baseline);
    return true;
  } catch {
    return false;
  }
}

if (!fromSource && shippedBuildLoads()) {
  console.log(`hotbench: using the native addons in ${path.relative(process.cwd(), path.dirname(baseline)) || '.'} (npm rebuild hotbench --build-from-source rebuilds them)`);
  process.exit(0);
}

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

const nodePreGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp');
if (!run(nodePreGyp, ['rebuild', '--jobs=max'])) {
  const why = 'hotbench: building the native addons from source failed (a C++ compiler, make and python3 are needed)';
  if (ownCheckout) {
    console.error(why);
    process.exit(1);
  }
  console.error(`${why}; the native rungs will be skipped, each with the reason`);
}
run(path.join(root, 'scripts', 'build-cuda.mjs'), ['--optional']);
