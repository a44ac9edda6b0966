// Progress of a run on stderr: a bar redrawn in place on a terminal; on a pipe or in CI, one line
// per finished cell so that logs stay readable.

import type { RunEvent } from '../types.js';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, enabled = true): (event: RunEvent) => void {
  const started = Date.now();
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  let lastWidth = 0;
  return (event) => {
    if (!enabled) return;
    const elapsed = Date.now() - started;
    if (event.type === 'start') {
      stream.write(`hotbench: ${event.cells} cells, ${event.jobs} child processes\n`);
    } else if (event.type === 'job' && interactive) {
      const width = 30;
      const filled = Math.round((width * event.done) / event.jobs);
      const eta = event.done > 0 ? ((event.jobs - event.done) * elapsed) / event.done : 0;
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.done}/${event.jobs} ${duration(elapsed)} (eta ${duration(eta)}) ${event.label}`;
      const columns = stream.columns ?? 120;
      const shown = line.slice(0, columns - 1);
      stream.write(`\r${shown.padEnd(lastWidth)}`);
      lastWidth = shown.length;
    } else if (event.type === 'cell') {
      const valid = event.cells.filter((c) => c.validation.status === 'valid').length;
      const summary = `${event.kernel}/${event.size}: ${valid}/${event.cells.length} variants valid (${duration(elapsed)})`;
      stream.write(interactive ? `\r${summary.padEnd(lastWidth)}\n` : `${summary}\n`);
      lastWidth = 0;
    }
  };
}
