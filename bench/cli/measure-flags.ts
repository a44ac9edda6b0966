// The measurement flags shared by `run` and `gate`: rounds, time, warm-up, seed, timeout.

import type { MeasureSettings } from '../types.js';
import { number, type Options, type Parsed } from './args.js';

export const measureOptions: Options = {
  rounds: { type: 'string' },
  time: { type: 'string' },
  warmup: { type: 'string' },
  seed: { type: 'string' },
  timeout: { type: 'string' },
  'max-heap': { type: 'string' },
};

export function measureHelp(defaults: MeasureSettings): string {
  return `  --rounds N          child processes per variant and cell (default ${defaults.rounds})
  --time MS           sampling time per round (default ${defaults.timeMs})
  --warmup MS         warm-up time per round (default ${defaults.warmupMs})
  --seed N            input seed (default ${defaults.seed})
  --timeout MS        kill a child process after this long; its cell fails as timeout (default ${defaults.timeoutMs})
  --max-heap MB       V8 heap limit of each child process; beyond it the cell fails as out-of-memory (default ${defaults.maxHeapMb})`;
}

/** The command line's layer of measurement settings (unset flags stay undefined). */
export function measureFromFlags(command: string, values: Parsed['values']): Partial<MeasureSettings> {
  return {
    rounds: number(command, 'rounds', values.rounds),
    timeMs: number(command, 'time', values.time),
    warmupMs: number(command, 'warmup', values.warmup),
    seed: number(command, 'seed', values.seed),
    timeoutMs: number(command, 'timeout', values.timeout),
    maxHeapMb: number(command, 'max-heap', values['max-heap']),
  } as Partial<MeasureSettings>;
}
