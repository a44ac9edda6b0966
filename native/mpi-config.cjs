// What binding.gyp needs to build the MPI addon (hotbench_mpi): `enabled` prints 1 when an MPI C++
// compiler wrapper answers (Open MPI's mpicxx --showme, or MPICH's mpicxx -show), else 0 and the
// target is empty; `compile` and `link` print its flags. HOTBENCH_NO_MPI=1 skips the addon. Run by
// gyp with arguments, never through a shell.
'use strict';
const { spawnSync } = require('node:child_process');

function ask(args) {
  const result = spawnSync(process.env.MPICXX || 'mpicxx', args, { encoding: 'utf8', timeout: 20000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Flags of one kind ('compile' or 'link'), or null without a wrapper. */
function flags(kind) {
  const openMpi = ask([`--showme:${kind}`]);
  if (openMpi !== null) return openMpi;
  // MPICH: one line, the compiler first; keep the -I/-D (compile) or -L/-l/-Wl (link) words.
  const mpich = ask(['-show']);
  if (mpich === null) return null;
  const words = mpich.split(/\s+/).slice(1);
  return words.filter((w) => (kind === 'compile' ? /^-[ID]/.test(w) : /^-(?:L|l|Wl)/.test(w))).join(' ');
}

const what = process.argv[2];
const enabled = process.env.HOTBENCH_NO_MPI !== '1' && flags('compile') !== null;
if (what === 'enabled') process.stdout.write(enabled ? '1' : '0');
else if (what === 'compile' || what === 'link') process.stdout.write(enabled ? flags(what) : '');
else {
  process.stderr.write('usage: node native/mpi-config.cjs enabled|compile|link\n');
  process.exit(2);
}
