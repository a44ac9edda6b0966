// The matrix filters shared by `run` and `validate`: which kernels, variants and sizes.

import type { PlanFilters } from '../measure/plan.js';
import type { Options, Parsed } from './args.js';
import { list } from './args.js';
import type { Workspace } from './workspace.js';

export const filterOptions: Options = {
  kernel: { type: 'string', multiple: true },
  variant: { type: 'string', multiple: true },
  size: { type: 'string', multiple: true },
  quick: { type: 'boolean' },
};

export const filterHelp = `  --kernel NAME       only these kernels (repeatable or comma-separated)
  --variant NAME      only these variants, by name (naive) or id (naive@js)
  --size NAME         only these sizes, in or out of the default matrix (a kernel may leave slow
                      sizes out of it: \`hotbench list\` marks them opt-in); all: every size
  --quick             only each kernel's quick sizes (tiny and small)`;

/**
 * The flags' filters. Without --kernel, a config that says `"builtIns": false` (as `hotbench init`
 * writes) keeps the run to the user's own kernels; built-in kernels stay measurable by name.
 */
export function filtersFromFlags(values: Parsed['values'], workspace?: Workspace): PlanFilters {
  const mine = workspace?.config.builtIns === false ? [...workspace.registry.kernels.values()].filter((k) => !k.builtIn).map((k) => k.definition.name) : undefined;
  return {
    kernels: list(values.kernel) ?? mine,
    variants: list(values.variant),
    sizes: list(values.size),
    quick: Boolean(values.quick),
  };
}
