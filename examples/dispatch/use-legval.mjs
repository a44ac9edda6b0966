// Production code that ships a dispatch file beside itself and runs, on whatever machine it lands,
// the fastest legval variant that was measured valid and that this machine can run.
//
//   npx hotbench run --kernel legval --out results.json --dispatch examples/dispatch/dispatch.json
//   node examples/dispatch/use-legval.mjs
//
// (or write the file later: npx hotbench dispatch results.json --out examples/dispatch/dispatch.json)

import { loadDispatch } from 'hotbench/dispatch';

const nseries = 1425;
const nx = 2326;
const deg = 3;
// The static input, known ahead: the reduced wavelength grid, x in [-1, 1].
const x = Float64Array.from({ length: nx }, (_, i) => -1 + (2 * i) / (nx - 1));

const dispatch = loadDispatch(new URL('./dispatch.json', import.meta.url));
// Prepared once on the static input; verify: the first call is checked against the reference.
const legval = await dispatch.kernel('legval', { nseries, nx, deg }, { x }, { verify: true });
console.log(legval.explain());

const coefficients = Float64Array.from({ length: nseries * (deg + 1) }, (_, i) => Math.sin(i));
const out = await legval.run({ coefficients });
console.log(`${out.length} values; the first: ${out[0]}`);
legval.dispose();
