// Where hotbench keeps what it can reuse between runs on this machine (rooflines per machine
// fingerprint, built gate bases): $HOTBENCH_CACHE_DIR, else $XDG_CACHE_HOME/hotbench, else
// ~/.cache/hotbench. Nothing in it is ever needed: deleting the folder only costs time.

import path from 'node:path';

export const CACHE_DIR_VARIABLE = 'HOTBENCH_CACHE_DIR';

/** The cache folder from the environment's variables and the user's home folder. */
export function cacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  if (env[CACHE_DIR_VARIABLE]) return path.resolve(env[CACHE_DIR_VARIABLE]);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'hotbench');
  return path.join(home, '.cache', 'hotbench');
}
