// The measurement flags shared by `run` and `gate`: rounds, time, warm-up, seed, timeout.

import type { MeasureSettings } from '../types.js';
import { number, type Options, type Parsed } from './args.js';

export const measureOptions: Options = {
  rounds: { type: 'string' },
  time: { type: 'string' },
  warmup: { type: 'string' },
  seed: { type: 'string' },
  timeout: { type: 'string' },
};

export function measureHelp(defaults: MeasureSettings): string {
  return `  --rounds N          child processes per variant and cell (default ${defaults.rounds})
  --time MS           sampling time per round (default ${defaults.timeMs})
  --warmup MS         warm-up time per round (default ${defaults.warmupMs})
  --seed N            input seed (default ${defaults.seed})
  --timeout MS        kill a child process after this long (default ${defaults.timeoutMs})`;
}

/** The command line's layer of measurement settings (unset flags stay undefined). */
export function measureFromFlags(command: string, values: Parsed['values']): Partial<MeasureSettings> {
  return {
    rounds: number(command, 'rounds', values.rounds),
    timeMs: number(command, 'time', values.time),
    warmupMs: number(command, 'warmup', values.warmup),
    seed: number(command, 'seed', values.seed),
    timeoutMs: number(command, 'timeout', values.timeout),
  } as Partial<MeasureSettings>;
}
