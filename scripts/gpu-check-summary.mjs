// The GPU check's verdict (scripts/gpu-check.sh): from a results file and `hotbench targets --json
// --bandwidth`, each gpu@cuda cell's two figures against issue 20's targets, which are CuPy's on an
// H200 in double precision (KERNELS.md, "Peer figures"):
//   - device-only (the kernels alone, CUDA events): within 1.5x of CuPy's with the data on the device;
//   - with transfers (the whole call, the wall-clock median): within 1.2x of what the host <-> device
//     link allows, the bytes each call must move over the pinned-memory bandwidth measured on the
//     same machine (legval and ghspots; kmeans moves 4 MB of labels after 2 ms of kernels, so its
//     call is bound by the kernels, not the link).
// Plain JavaScript with no imports from hotbench: the check runs it with the bundle's node.
//
// usage: node scripts/gpu-check-summary.mjs RESULTS.json TARGETS.json
// Prints a table; exit 0 when every gpu@cuda cell is valid and measured, 1 otherwise (a missed
// target is reported, not an error: it is the finding the check is for).

import { readFileSync } from 'node:fs';

const [resultsFile, targetsFile] = process.argv.slice(2);
if (!resultsFile || !targetsFile) {
  process.stderr.write('usage: node scripts/gpu-check-summary.mjs RESULTS.json TARGETS.json\n');
  process.exit(2);
}
const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const targets = JSON.parse(readFileSync(targetsFile, 'utf8'));
const bandwidth = targets.bandwidth && !targets.bandwidth.skipped ? targets.bandwidth : null;

/** CuPy's device-only figures (issue 20), ns per call at the given size. */
const CUPY_DEVICE_NS = {
  'legval desi': 0.0148 * 1425 * 2326,
  'ghspots desi': 1.95e6,
  'kmeans intel': 2.43e6,
};
/** Kernels whose with-transfer figure is judged against the link (see above). */
const LINK_BOUND = new Set(['legval', 'ghspots']);

/** Bytes a gpu@cuda call moves: up (its per-call inputs), down (its output), as the variants do. */
function transfers(kernel, p) {
  if (kernel === 'legval') return { up: 8 * p.nseries * (p.deg + 1), down: 8 * p.nseries * p.nx };
  if (kernel === 'ghspots') return { up: 8 * 53 * p.nspots, down: 8 * 187 * p.nspots };
  if (kernel === 'kmeans') return { up: 8 * p.k * p.d, down: 4 * p.n + 8 * (p.k * p.d + p.k + 1) };
  return null;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** A duration with three significant digits in ms, or µs below a millisecond. */
const ms = (ns) => (ns === null || ns === undefined ? '–' : ns >= 1e6 ? `${(ns / 1e6).toPrecision(3)} ms` : `${(ns / 1e3).toPrecision(3)} µs`);
const ratio = (x) => (x === null ? '–' : `${x.toFixed(2)}x`);

const lines = [];
const say = (line = '') => lines.push(line);
let ok = true;

const gpu = targets.gpu ?? {};
say(`GPU: ${gpu.devices?.map((d) => `${d.name} (${(d.memoryBytes / 2 ** 30).toFixed(1)} GiB, compute ${d.computeCapability})`).join(', ') || `none: ${gpu.status}`}; driver ${gpu.driver ?? '?'} (CUDA ${gpu.driverCuda ?? '?'})`);
if (bandwidth) {
  const gb = (x) => `${(x / 1e9).toFixed(1)} GB/s`;
  say(`link: host->device pinned ${gb(bandwidth.hostToDevicePinned)}, pageable ${gb(bandwidth.hostToDevicePageable)}; device->host pinned ${gb(bandwidth.deviceToHostPinned)}, pageable ${gb(bandwidth.deviceToHostPageable)}; device copy ${gb(bandwidth.deviceToDevice)}`);
} else {
  say(`link: ${targets.bandwidth?.skipped ?? 'not measured (targets --bandwidth was not run)'}`);
}
say();

const cells = results.cells.filter((c) => c.variant === 'gpu' && c.target === 'cuda');
for (const s of results.skipped.filter((s) => s.variant === 'gpu' && s.target === 'cuda')) {
  say(`SKIPPED ${s.kernel} gpu@cuda: ${s.reason}`);
  ok = false;
}
const header = ['cell', 'status', 'wall/call', 'device-only', 'CuPy device', 'dev/CuPy', 'link floor', 'wall/floor', 'verdict'];
const rows = [];
for (const c of cells) {
  const key = `${c.kernel} ${c.size.name}`;
  if (c.validation.status !== 'valid' || !c.stats) {
    ok = false;
    rows.push([key, `${c.validation.status.toUpperCase()}${c.failure ? ` (${c.failure.kind})` : ''}`, '–', '–', '–', '–', '–', '–', c.validation.message ?? c.error ?? '']);
    continue;
  }
  const wall = c.stats.medianNs;
  const perRound = c.rounds.map((r) => r.deviceNsPerCall).filter((x) => typeof x === 'number');
  const device = perRound.length ? median(perRound) : null;
  const cupy = CUPY_DEVICE_NS[key] ?? null;
  const t = transfers(c.kernel, c.size.params);
  const floor = bandwidth && t ? (t.up / bandwidth.hostToDevicePinned + t.down / bandwidth.deviceToHostPinned) * 1e9 : null;
  const devRatio = device !== null && cupy !== null ? device / cupy : null;
  const wallRatio = floor ? wall / floor : null;
  const verdicts = [];
  if (device === null) verdicts.push('no device-only time recorded (the sampler reads deviceTime())');
  else if (devRatio !== null) verdicts.push(devRatio <= 1.5 ? 'device OK (<= 1.5x CuPy)' : 'device MISS (> 1.5x CuPy)');
  if (LINK_BOUND.has(c.kernel) && wallRatio !== null) verdicts.push(wallRatio <= 1.2 ? 'transfers OK (<= 1.2x link)' : 'transfers MISS (> 1.2x link)');
  rows.push([key, `valid (max abs err ${c.validation.maxAbsError.toExponential(1)})`, ms(wall), ms(device), ms(cupy), ratio(devRatio), ms(floor), ratio(wallRatio), verdicts.join('; ')]);
}
if (cells.length === 0) {
  say('no gpu@cuda cell was measured');
  ok = false;
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
say(line(header));
say(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) say(line(r));
say();
for (const c of results.cells.filter((c) => !(c.variant === 'gpu' && c.target === 'cuda'))) {
  say(`${c.kernel} ${c.size.name} ${c.variant}@${c.target}: ${c.validation.status}${c.stats ? `, ${ms(c.stats.medianNs)} per call` : ''}`);
}
say();
say(ok ? 'gpu-check: every gpu@cuda cell valid and measured' : 'gpu-check: FAILED: a gpu@cuda cell is skipped, invalid, failed or missing');
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(ok ? 0 : 1);
