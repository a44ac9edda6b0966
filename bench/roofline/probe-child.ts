// Entry point of a roofline probe's child process: one level's probes, one reply over IPC, then
// exit. A process per level keeps a crash in one build (or a level the CPU cannot run after all)
// from taking the others, or the cache, with it.

import { loadNative } from '../../native/index.js';
import type { ProbeJob, ProbeReply } from './probe.js';

function probe(job: ProbeJob): ProbeReply {
  const addon = loadNative(job.level);
  const bandwidth = addon.rooflineBandwidth(job.elements, job.passes);
  // m slightly below 1 and a small: every chain converges to a / (1 - m) = 1, finite and normal.
  const peak = addon.rooflinePeak(job.minRepSeconds, job.reps, 1 - 1e-6, 1e-6);
  return { ok: true, level: addon.level(), bandwidth, peak };
}

process.once('message', (job: ProbeJob) => {
  let reply: ProbeReply;
  try {
    reply = probe(job);
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(reply, () => process.exit(0));
});
