// Entry point of the child processes: one job, one reply, then exit. The job is received first (so
// that no message can arrive before anyone listens), then the process's layout is shifted
// (layout.ts), and only then is the harness loaded and the job performed, so that everything the
// harness and the variant allocate and compile lands after the shift. A process started by an MPI
// launcher (channel.ts) is one rank of the job: rank 0 performs it and replies like any child; the
// other ranks serve rank 0 through the variant's own `follow` (job.ts), and reply nothing.

import type { ChildReply } from '../types.js';
import { openChannel } from './channel.js';
import { applyLayoutShift, readLayoutShift } from './layout.js';

const channel = openChannel();
const shift = readLayoutShift(process.env);
if (shift) applyLayoutShift(shift);
const { follow, perform } = await import('./job.js');
if (channel.rank > 0) {
  await follow(await channel.job, { rank: channel.rank, ranks: channel.ranks });
  process.exit(0);
}
const reply: ChildReply = await perform(await channel.job, shift);
channel.reply(reply, () => process.exit(0));
