// Two external variants of the built-in legval kernel (docs/peers.md): a Python script and a small C
// program, measured beside the ladder:
//   cc -O2 -o examples/external/legval-c examples/external/legval.c -lm
//   hotbench run --kernels examples/external --kernel legval --size small --variant c@cc-o2,script@python,native
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineExternalVariant, pythonAvailable, pythonProgram } from 'hotbench';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

export const script = defineExternalVariant({
  kernel: 'legval',
  name: 'script',
  rung: 'numpy',
  target: 'python',
  description: 'examples/external/legval_peer.py: numpy Clenshaw vectorised over series and x',
  available: () => pythonAvailable(['numpy']),
  program: () => pythonProgram(here('legval_peer.py'), ['clenshaw']),
});

export const c = defineExternalVariant({
  kernel: 'legval',
  name: 'c',
  rung: 'c',
  target: 'cc-o2',
  description: 'examples/external/legval.c: Clenshaw in C, -O2, libc only',
  available: () => (existsSync(here('legval-c')) ? true : 'not built: cc -O2 -o examples/external/legval-c examples/external/legval.c -lm'),
  program: { command: here('legval-c') },
});
