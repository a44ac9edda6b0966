// npm run bundle — one tarball that runs `./hotbench run …` on an x86-64 Linux machine with no
// Node.js, as GPU and HPC compute nodes often have none:
//
//   hotbench-<version>-linux-x64/
//     hotbench              the launcher: runs the bundled node on the bundled harness
//     node/bin/node         this machine's Node.js binary (process.execPath)
//     lib/hotbench/         the compiled harness (dist/, without the dev scripts, source maps and
//                           type declarations), the native addons (every x86-64 level, and the CUDA
//                           addon where it was built), package.json, README, examples, and the
//                           npm packages it needs at run time (scripts/runtime-deps.ts)
//     BUNDLE.json           what is in it: versions, the packages, what was left out and why
//
// The harness runs compiled (dist/…/*.js), so it needs no TypeScript loader for itself; tsx (with
// esbuild) is carried for users' own TypeScript kernels (--kernels DIR). Files that are hard links
// of each other (esbuild's binary) are stored once. Needs tar and xz; fails when the tarball exceeds
// 60 MiB.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cudaBuildRecord, type CudaBuildRecord } from '../native/cuda.js';
import { binaryPath, NATIVE_LEVELS } from '../native/index.js';
import { packageRoot, packageVersion } from '../bench/paths.js';
import { NOT_AT_RUN_TIME, runtimePackages, runtimeRoots } from './runtime-deps.js';

export const MAX_BUNDLE_BYTES = 60 * 2 ** 20;

const usage = `usage: npm run bundle -- [--out DIR] [--level 0-9]

Writes DIR/hotbench-<version>-linux-x64.tar.xz (default DIR: dist-bundle): this machine's Node.js,
the built harness with its runtime dependencies, and its native, WebAssembly and CUDA builds, with a
./hotbench launcher. Unpack it anywhere (tar -xJf FILE) and run ./hotbench-<version>-linux-x64/hotbench.

options:
  --out DIR      where the tarball goes (default dist-bundle)
  --level N      xz compression preset, 0 (fastest) to 9 (smallest; default 6)`;

/** Ends the bundling with one line on stderr: exit 2 for bad usage, 1 when it cannot be made. */
class BundleError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function fail(message: string, code = 1): never {
  throw new BundleError(message, code);
}

function options() {
  try {
    const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist-bundle' }, level: { type: 'string', default: '6' }, help: { type: 'boolean', default: false } } });
    return values;
  } catch (error) {
    return fail(`${(error as Error).message.split('\n')[0]} (see --help)`, 2);
  }
}

/**
 * Copies files into the staging folder, keeping hard links: a file already copied under another
 * name (same device and inode) becomes a hard link to that copy, which tar then stores once.
 */
class Stager {
  private readonly copies = new Map<string, string>();
  bytes = 0;

  file(from: string, to: string): void {
    const s = statSync(from);
    mkdirSync(path.dirname(to), { recursive: true });
    const key = `${s.dev}:${s.ino}`;
    const earlier = s.nlink > 1 ? this.copies.get(key) : undefined;
    if (earlier) {
      linkSync(earlier, to);
      return;
    }
    copyFileSync(from, to);
    chmodSync(to, s.mode & 0o777);
    this.copies.set(key, to);
    this.bytes += s.size;
  }

  /** Every file under `from` that `keep` accepts (given its path relative to `from`), folders `skipDir` rejects left out. */
  tree(from: string, to: string, keep: (relative: string) => boolean = () => true, skipDir: (relative: string) => boolean = () => false, prefix = ''): void {
    for (const entry of readdirSync(path.join(from, prefix), { withFileTypes: true })) {
      const relative = path.join(prefix, entry.name);
      if (entry.isDirectory()) {
        if (!skipDir(relative)) this.tree(from, to, keep, skipDir, relative);
      } else if (entry.isFile() && keep(relative)) {
        this.file(path.join(from, relative), path.join(to, relative));
      }
    }
  }
}

/** Files of a package nothing runs: source maps, TypeScript sources and declarations, Markdown (licences stay). */
function runtimeFile(relative: string): boolean {
  const name = path.basename(relative);
  if (/^licen[cs]e/i.test(name) || /^notice/i.test(name)) return true;
  return !/\.(?:map|[cm]?ts|md|markdown)$/i.test(name);
}

const LAUNCHER = `#!/bin/sh
# hotbench with the Node.js it was bundled with: this machine needs no Node.js of its own.
# Only shell built-ins find the bundle's folder (readlink, where there is one, follows a symlink
# to this script), so that it runs with a bare PATH.
self=$0
if [ -L "$self" ] && command -v readlink >/dev/null 2>&1; then self=$(readlink -f "$self"); fi
case $self in */*) here=\${self%/*} ;; *) here=. ;; esac
here=$(cd "$here" && pwd -P) || exit 2
exec "$here/node/bin/node" "$here/lib/hotbench/dist/bench/cli/main.js" "$@"
`;

function gitCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: packageRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function main(): void {
  const values = options();
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const level = Number(values.level);
  if (!Number.isInteger(level) || level < 0 || level > 9) fail(`--level must be 0 to 9, got ${JSON.stringify(values.level)}`, 2);
  if (process.platform !== 'linux' || process.arch !== 'x64') fail(`the bundle is for x86-64 Linux and carries this machine's node: this is ${process.platform} ${process.arch}`, 2);

  const dist = path.join(packageRoot, 'dist');
  const needed = [path.join(dist, 'bench', 'cli', 'main.js'), path.join(dist, 'wasm'), ...NATIVE_LEVELS.map((l) => binaryPath(l))];
  const missing = needed.filter((f) => !existsSync(f));
  if (missing.length) fail(`not built: ${missing.map((f) => path.relative(packageRoot, f)).join(', ')} (npm ci, or npm run build and npm run build:native)`);
  let packages;
  try {
    packages = runtimePackages(packageRoot);
  } catch (error) {
    fail((error as Error).message);
  }

  const version = packageVersion();
  const name = `hotbench-${version}-linux-x64`;
  const work = mkdtempSync(path.join(os.tmpdir(), 'hotbench-bundle-'));
  const top = path.join(work, name);
  const lib = path.join(top, 'lib', 'hotbench');
  const stage = new Stager();
  try {
    stage.file(process.execPath, path.join(top, 'node', 'bin', 'node'));
    // The compiled harness: no dev scripts (this one among them), maps or declarations.
    stage.tree(dist, path.join(lib, 'dist'), (f) => !/\.(?:map|d\.ts)$/.test(f), (d) => d === 'scripts');
    const cuda: CudaBuildRecord | null = cudaBuildRecord();
    // The addons, and the CUDA build's record (why gpu@cuda is skipped, where it was not built).
    stage.tree(path.join(packageRoot, 'native', 'binding'), path.join(lib, 'native', 'binding'), (f) => /\.(?:node|json)$/.test(f));
    stage.tree(path.join(packageRoot, 'examples'), path.join(lib, 'examples'));
    for (const file of ['README.md', 'LICENSE']) if (existsSync(path.join(packageRoot, file))) stage.file(path.join(packageRoot, file), path.join(lib, file));
    for (const p of packages) stage.tree(p.dir, path.join(lib, p.relative), runtimeFile, (d) => d === 'node_modules' || d.endsWith(`${path.sep}node_modules`));

    const own = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
    const declared: Record<string, string> = { ...own.peerDependencies, ...own.dependencies };
    const dependencies = Object.fromEntries(runtimeRoots(own).map((dep) => [dep, declared[dep]]));
    const manifest = { name: own.name, version: own.version, description: own.description, type: own.type, license: own.license, engines: own.engines, bin: own.bin, main: own.main, exports: own.exports, dependencies };
    writeFileSync(path.join(lib, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(path.join(top, 'hotbench'), LAUNCHER);
    chmodSync(path.join(top, 'hotbench'), 0o755);
    const record = {
      name,
      version,
      createdAt: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      native: NATIVE_LEVELS,
      cuda: cuda?.built ? { built: true, cuda: cuda.cuda, gencode: cuda.gencode } : { built: false, reason: cuda?.reason ?? 'not built' },
      packages: packages.map((p) => `${p.name}@${p.version}`),
      leftOut: NOT_AT_RUN_TIME,
    };
    writeFileSync(path.join(top, 'BUNDLE.json'), `${JSON.stringify(record, null, 1)}\n`);

    const tar = path.join(work, `${name}.tar`);
    // Reproducible order and owners; hard links stay links.
    const packed = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-cf', tar, '-C', work, name], { encoding: 'utf8' });
    if (packed.status !== 0) fail(`tar failed: ${(packed.stderr || String(packed.error)).trim().split('\n')[0]}`);
    const squeezed = spawnSync('xz', ['-T0', `-${level}`, '-f', tar], { encoding: 'utf8' });
    if (squeezed.status !== 0) fail(`xz failed: ${(squeezed.stderr || String(squeezed.error)).trim().split('\n')[0]} (the bundle needs xz)`);
    const outDir = path.resolve(values.out!);
    mkdirSync(outDir, { recursive: true });
    const out = path.join(outDir, `${name}.tar.xz`);
    rmSync(out, { force: true });
    try {
      renameSync(`${tar}.xz`, out);
    } catch {
      copyFileSync(`${tar}.xz`, out); // another filesystem
    }
    const size = statSync(out).size;
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    const gpu = cuda?.built ? `gpu@cuda built (CUDA ${cuda.cuda}, ${cuda.gencode?.join(' ')})` : `gpu@cuda not built here (${cuda?.reason ?? 'no record'})`;
    process.stdout.write(`bundle: ${path.relative(process.cwd(), out) || out} (${mib(size)}; ${mib(stage.bytes)} unpacked): node ${process.version}, ${packages.length} npm packages, native ${NATIVE_LEVELS.join(' ')}, ${gpu}\n`);
    if (size > MAX_BUNDLE_BYTES) fail(`${mib(size)} is over the ${mib(MAX_BUNDLE_BYTES)} limit`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof BundleError)) throw error;
  process.stderr.write(`bundle: ${error.message}\n`);
  process.exitCode = error.exitCode;
}
