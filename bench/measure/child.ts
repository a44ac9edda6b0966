// Entry point of the child processes: one job over IPC, one reply, then exit. The job is received
// first (so that no message can arrive before anyone listens), then the process's layout is
// shifted (layout.ts), and only then is the harness loaded and the job performed, so that
// everything the harness and the variant allocate and compile lands after the shift.

import type { ChildJob, ChildReply } from '../types.js';
import { applyLayoutShift, readLayoutShift } from './layout.js';

const job = new Promise<ChildJob>((resolve) => process.once('message', resolve));
const shift = readLayoutShift(process.env);
if (shift) applyLayoutShift(shift);
const { perform } = await import('./job.js');
const reply: ChildReply = await perform(await job, shift);
process.send?.(reply, () => process.exit(0));
