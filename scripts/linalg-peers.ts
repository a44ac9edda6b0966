// npm run linalg:peers — the numpy/scipy peers of the normaleq and resolution kernels, timed on the
// very inputs hotbench measures (a benchmark, not a test). For each size it writes the kernels'
// generated inputs (the same seed as `hotbench run`) into a temporary folder as raw little-endian
// arrays with a JSON header, then runs scripts/linalg-peers.py on them, which times specter's
// formulas with scipy (OpenBLAS on one thread) and prints the medians.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../bench/measure/settings.js';
import { packageRoot } from '../bench/paths.js';
import normaleq, { normalEquations, normaleqReference } from '../kernels/normaleq/index.js';
import { resolutionReference } from '../kernels/resolution/index.js';

const usage = `usage: npm run linalg:peers -- [options]

  --size NAME        normaleq/resolution size (repeatable; default desi-subbundle)
  --seed N           input seed (default: hotbench run's, ${DEFAULT_SETTINGS.seed})
  --repeats N        timed calls per peer (default 15)
  --check            also write the TypeScript references' outputs, and print each peer's largest
                     difference from them (the resolution reference takes about 45 s at desi-bundle)
  --python PATH      (default python3)
  --help`;

function fail(message: string): never {
  process.stderr.write(`linalg:peers: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        size: { type: 'string', multiple: true },
        seed: { type: 'string', default: String(DEFAULT_SETTINGS.seed) },
        repeats: { type: 'string', default: '15' },
        check: { type: 'boolean', default: false },
        python: { type: 'string', default: 'python3' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const sizes = values.size?.length ? values.size : ['desi-subbundle'];
for (const size of sizes) if (!(size in normaleq.sizes)) fail(`unknown size ${size} (known: ${Object.keys(normaleq.sizes).join(', ')})`);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail('--seed must be an integer');

const folder = mkdtempSync(path.join(os.tmpdir(), 'hotbench-linalg-peers-'));
try {
  for (const size of sizes) {
    const params = normaleq.sizes[size];
    const inputs = normaleq.generate(params, seed);
    const arrays: Record<string, Float64Array | Int32Array> = {
      row0: inputs.static.row0,
      col0: inputs.static.col0,
      stamps: inputs.static.stamps,
      pixels: inputs.perCall.pixels,
      ivar: inputs.perCall.ivar,
      // resolution's input for the same seed: the same patch and exposure (kernels/resolution).
      icov: normalEquations(inputs.static, inputs.perCall).icov,
    };
    if (values.check) {
      const n = normaleqReference(inputs, params);
      const r = resolutionReference({ static: inputs.static, perCall: { icov: arrays.icov as Float64Array } }, params);
      Object.assign(arrays, { x: n.x, r: r.r, rivar: r.ivar });
    }
    writeFileSync(path.join(folder, `${size}.json`), JSON.stringify({ size, seed, ...params, ny: inputs.static.ny, nx: inputs.static.nx, arrays: Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, a instanceof Int32Array ? 'int32' : 'float64'])) }));
    for (const [name, array] of Object.entries(arrays)) writeFileSync(path.join(folder, `${size}.${name}.bin`), Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  }
  const script = path.join(packageRoot, 'scripts', 'linalg-peers.py');
  const result = spawnSync(values.python, [script, '--repeats', values.repeats, ...sizes.map((s) => path.join(folder, `${s}.json`))], { stdio: 'inherit' });
  if (result.error) fail(`cannot run ${values.python}: ${result.error.message}`);
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
