// The Python that runs the Python peers, and what it has: found once per process. HOTBENCH_PYTHON
// when set; else, of `python3` on the PATH and the system's /usr/bin/python3 (where Debian's
// python3-numba and python3-sklearn live when the PATH holds another, a pyenv's say), the first that
// has every module the peers use, else the first that has numpy. All peers of a run use the same
// interpreter, so that their figures compare; its path and versions are recorded in every peer's cell.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cacheDir } from '../env/cache-dir.js';
import { packageRoot } from '../paths.js';
import { defineExternalVariant, resolveCommand } from '../spec/external.js';
import type { VariantDefinition } from '../types.js';
import type { ExternalProgram } from '../types/external.js';
import os from 'node:os';

export const PYTHON_ENV = 'HOTBENCH_PYTHON';
/** Every module a shipped peer imports. */
export const PEER_MODULES = ['numpy', 'scipy', 'numba', 'sklearn'] as const;

export interface PythonFound {
  /** The interpreter's path. */
  readonly executable: string;
  readonly version: string;
  /** Module → its version, or null when it cannot be imported. */
  readonly modules: { readonly [module: string]: string | null };
}

const PROBE = `
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = getattr(importlib.import_module(name), '__version__', '?')
    except Exception:
        found[name] = None
print(json.dumps({'executable': sys.executable, 'version': sys.version.split()[0], 'modules': found}))
`;

function probe(command: string): PythonFound | null {
  const answer = spawnSync(command, ['-c', PROBE, ...PEER_MODULES], { encoding: 'utf8', timeout: 60_000 });
  if (answer.status !== 0) return null;
  try {
    return JSON.parse(answer.stdout.trim().split('\n').pop() ?? '') as PythonFound;
  } catch {
    return null;
  }
}

let found: PythonFound | string | undefined;

// `env` is typed without NodeJS.ProcessEnv: hotbench's public types must compile without @types/node.
/** The Python the peers run under, or why there is none. */
export function findPython(env: Readonly<Record<string, string | undefined>> = process.env): PythonFound | string {
  if (found !== undefined) return found;
  const given = env[PYTHON_ENV]?.trim();
  const candidates = given ? [given] : [...new Set(['python3', '/usr/bin/python3'].map((c) => resolveCommand(c, env)).filter((c): c is string => c !== null))];
  if (candidates.length === 0) return (found = 'python3 is not installed (Debian: apt-get install python3-numpy python3-scipy python3-numba python3-sklearn)');
  const probed = candidates.map((c) => ({ command: c, python: probe(c) }));
  const complete = probed.find((p) => p.python && PEER_MODULES.every((m) => p.python!.modules[m]));
  const withNumpy = probed.find((p) => p.python?.modules.numpy);
  const chosen = complete ?? withNumpy ?? probed.find((p) => p.python);
  if (!chosen?.python) return (found = `${candidates.join(', ')} did not run (${given ? `${PYTHON_ENV}=${given}` : 'python3'})`);
  return (found = { ...chosen.python, executable: chosen.command });
}

/** True, or why a peer needing `modules` cannot run here. */
export function pythonAvailable(modules: readonly string[]): true | string {
  const python = findPython();
  if (typeof python === 'string') return python;
  const missing = modules.filter((m) => !python.modules[m]);
  if (missing.length === 0) return true;
  const debian = missing.map((m) => `python3-${m}`).join(' ');
  return `${python.executable} (Python ${python.version}) lacks ${missing.join(', ')} (Debian: apt-get install ${debian})`;
}

/**
 * A Python program as an external variant's: `python3 SCRIPT ARGS...` under the peers' interpreter,
 * with hotbench_external (the protocol in Python) and `path` importable, one thread for every
 * library that could take more (the single-core ladder), numba's compiled code cached under
 * hotbench's cache dir.
 */
export function pythonProgram(script: string, args: readonly string[] = [], path_: readonly string[] = []): ExternalProgram {
  const python = findPython();
  if (typeof python === 'string') throw new Error(python);
  return {
    command: python.executable,
    args: [script, ...args],
    env: {
      PYTHONPATH: [path.join(packageRoot, 'bench', 'external', 'python'), ...path_, ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(path.delimiter),
      OPENBLAS_NUM_THREADS: '1',
      OMP_NUM_THREADS: '1',
      MKL_NUM_THREADS: '1',
      NUMBA_NUM_THREADS: '1',
      NUMBA_CACHE_DIR: path.join(cacheDir(process.env, os.homedir()), 'numba'),
      PYTHONDONTWRITEBYTECODE: '1',
    },
  };
}

/** A shipped peer: variants/KERNEL/python/SCRIPT VARIANT. */
export function pythonPeer(kernel: string, script: string, variant: string): ExternalProgram {
  const folder = path.join(packageRoot, 'variants', kernel, 'python');
  return pythonProgram(path.join(folder, script), [variant], [folder]);
}

/** A shipped Python peer of `kernel`: VARIANT of variants/KERNEL/python/SCRIPT, skipped where a module is missing. */
export function pythonPeerVariant(spec: {
  readonly kernel: string;
  readonly script: string;
  readonly name: string;
  readonly rung: 'numpy' | 'numba' | 'sklearn';
  readonly description: string;
  readonly modules: readonly string[];
  readonly sizes?: readonly string[];
}): VariantDefinition {
  const { kernel, script, name, rung, description, modules, sizes } = spec;
  return defineExternalVariant({
    kernel,
    name,
    rung,
    target: 'python',
    description,
    peer: true,
    ...(sizes ? { sizes } : {}),
    available: () => pythonAvailable(modules),
    program: () => pythonPeer(kernel, script, name),
  });
}
