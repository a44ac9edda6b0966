// The matrix filters shared by `run` and `validate`: which kernels, variants and sizes.

import type { PlanFilters } from '../measure/plan.js';
import type { Options, Parsed } from './args.js';
import { list } from './args.js';

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

export function filtersFromFlags(values: Parsed['values']): PlanFilters {
  return {
    kernels: list(values.kernel),
    variants: list(values.variant),
    sizes: list(values.size),
    quick: Boolean(values.quick),
  };
}
