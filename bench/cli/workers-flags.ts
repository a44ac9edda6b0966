// The workers flags shared by `scale` and `run`: --workers, --mode, --oversubscribe, --cores.

import { UserError } from '../errors.js';
import { defaultWorkerCounts, machineCores, parseWorkerCounts, type WorkersRequest } from '../measure/workers-plan.js';
import type { ScalingMode } from '../types.js';
import { list, number, text, type Options, type Parsed } from './args.js';

export const workersOptions: Options = {
  workers: { type: 'string', multiple: true },
  mode: { type: 'string' },
  oversubscribe: { type: 'boolean' },
  cores: { type: 'string' },
};

export function workersHelp(defaultWorkers: string): string {
  return `  --workers LIST      numbers of workers p to measure each parallel variant at, e.g. 1,2,4;
                      ${defaultWorkers}; p above the cores is refused
  --mode strong|weak  strong: the same problem split among p workers; weak: the kernel's growing
                      parameter (kmeans n, legval nseries, ghspots nspots) multiplied by p (default strong)
  --oversubscribe     allow p above the cores (every report marks those numbers)
  --cores N           the cores the workers may use (default: this machine's logical CPUs; an MPI
                      job across nodes: its allocation's, see examples/mpi/scale.sbatch)`;
}

function modeOf(command: string, value: unknown): ScalingMode {
  const mode = text(value) ?? 'strong';
  if (mode !== 'strong' && mode !== 'weak') throw new UserError(`${command}: --mode must be strong or weak, got ${JSON.stringify(mode)}`);
  return mode;
}

/**
 * The scaling run the flags ask for. `scale` always makes one (p defaulting to the powers of two up
 * to the cores, and the cores); `run` only with --workers, and refuses --mode or --oversubscribe without it.
 */
export function workersFromFlags(command: 'scale' | 'run', values: Parsed['values']): WorkersRequest | null {
  const given = list(values.workers);
  if (command === 'run' && given === undefined) {
    if (values.mode !== undefined || values.oversubscribe || values.cores !== undefined) throw new UserError(`run: --mode, --oversubscribe and --cores need --workers (or use hotbench scale)`);
    return null;
  }
  const cores = number(command, 'cores', values.cores) ?? machineCores();
  if (!(Number.isSafeInteger(cores) && cores >= 1)) throw new UserError(`${command}: --cores needs a whole number >= 1, got ${JSON.stringify(values.cores)}`);
  const counts = given === undefined ? defaultWorkerCounts(cores) : parseWorkerCounts(command, given);
  return { mode: modeOf(command, values.mode), counts, oversubscribe: Boolean(values.oversubscribe), cores };
}
