// The npm packages hotbench needs at run time, for the portable bundle: its dependencies (package.json)
// less those only the install or `hotbench profile`'s external tools use, and everything those need
// in turn, found as Node finds them (each package's own node_modules first, then its parents').
// devDependencies are never part of it.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Dependencies the bundle leaves out, and why. Whatever else package.json lists goes in, so that a
 * dependency added later is carried unless it is named here.
 */
export const NOT_AT_RUN_TIME: Readonly<Record<string, string>> = {
  '@mapbox/node-pre-gyp': 'builds or fetches the native addons at install; the bundle carries them built',
  'node-addon-api': 'C++ headers for building the native addons',
  '0x': 'only hotbench profile --tool 0x (the bundle says so when it is asked for)',
  clinic: 'only hotbench profile --tool clinic-flame / clinic-doctor',
};

/**
 * Optional peers of the package that the bundle carries all the same: a GPU machine's HTML report
 * should have its charts, and nothing can be installed there.
 */
export const CARRIED_PEERS: readonly string[] = ['vega', 'vega-lite'];

/** The packages hotbench itself asks for at run time: its dependencies, then the carried peers. */
export function runtimeRoots(own: { dependencies?: Record<string, string> }): string[] {
  return [...Object.keys(own.dependencies ?? {}).filter((name) => !(name in NOT_AT_RUN_TIME)), ...CARRIED_PEERS];
}

export interface RuntimePackage {
  readonly name: string;
  readonly version: string;
  /** The package's folder, absolute. */
  readonly dir: string;
  /** The folder relative to the package root (`node_modules/vega`, `node_modules/a/node_modules/b`). */
  readonly relative: string;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Where Node would find package `name` when required from `from`: the nearest node_modules up to `root`. */
function locate(root: string, from: string, name: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

/**
 * Every package the installed hotbench at `root` needs at run time, each once, in a stable order.
 * Throws when a required dependency is not installed; optional ones (a platform's esbuild binary,
 * fsevents on macOS) are carried when present.
 */
export function runtimePackages(root: string): RuntimePackage[] {
  const found = new Map<string, RuntimePackage>();
  const visit = (dir: string) => {
    if (found.has(dir)) return;
    const m = manifest(dir);
    found.set(dir, { name: m.name, version: m.version, dir, relative: path.relative(root, dir) });
    const optionalPeers = new Set(Object.entries(m.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name));
    const wanted: [string, boolean][] = [
      ...Object.keys(m.dependencies ?? {}).map((name): [string, boolean] => [name, true]),
      ...Object.keys(m.optionalDependencies ?? {}).map((name): [string, boolean] => [name, false]),
      ...Object.keys(m.peerDependencies ?? {}).map((name): [string, boolean] => [name, !optionalPeers.has(name)]),
    ];
    for (const [name, required] of wanted) {
      const at = locate(root, dir, name);
      if (at) visit(at);
      else if (required) throw new Error(`${m.name} needs ${name}, which is not installed (npm ci)`);
    }
  };
  const own = manifest(root);
  for (const name of runtimeRoots(own)) {
    const at = locate(root, root, name);
    if (!at) throw new Error(`hotbench needs ${name}, which is not installed (npm ci)`);
    visit(at);
  }
  return [...found.values()].sort((a, b) => a.relative.localeCompare(b.relative));
}
