// Where hotbench keeps what it can reuse between runs on this machine (built gate bases, measured
// rooflines): $HOTBENCH_CACHE_DIR, else $XDG_CACHE_HOME/hotbench, else ~/.cache/hotbench. Nothing
// in it is ever needed: deleting the folder only costs time.

import os from 'node:os';
import path from 'node:path';

export const CACHE_DIR_VARIABLE = 'HOTBENCH_CACHE_DIR';

export function hotbenchCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env[CACHE_DIR_VARIABLE];
  if (own) return path.resolve(own);
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'hotbench');
}
