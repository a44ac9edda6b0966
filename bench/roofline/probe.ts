// The roofline's measuring code: runs one native build's probes (native/src/roofline.cc, timed there
// with std::chrono::steady_clock) in a child process of its own and turns the best times into
// GB/s and GFLOP/s. One core: the kernels are single-threaded, so that is the roof that bounds them.

import { fork } from 'node:child_process';
import { harnessExecArgv, harnessModule } from '../paths.js';
import type { RooflineCeiling } from '../types.js';

/** How the probes run; see defaultProbeSettings for the choices. */
export interface ProbeSettings {
  /** Bytes of each of the three bandwidth arrays. */
  readonly arrayBytes: number;
  /** Passes of each bandwidth loop; the best counts. */
  readonly passes: number;
  /** Shortest repetition of the peak loop, seconds. */
  readonly minRepSeconds: number;
  /** Repetitions of the peak loop; the best counts. */
  readonly reps: number;
  /** The child is killed after this long, ms. */
  readonly timeoutMs: number;
}

export interface ProbeJob {
  readonly level: string;
  readonly elements: number;
  readonly passes: number;
  readonly minRepSeconds: number;
  readonly reps: number;
}

export interface ProbeFigures {
  readonly level: string;
  readonly bandwidth: { readonly triadSeconds: number; readonly storeSeconds: number; readonly checksum: number };
  readonly peak: {
    readonly flopsPerRep: number;
    readonly bestSeconds: number;
    readonly chains: number;
    readonly vectorBits: number;
    readonly fma: boolean;
    readonly checksum: number;
  };
}

export type ProbeReply = ({ readonly ok: true } & ProbeFigures) | { readonly ok: false; readonly message: string };

const MiB = 2 ** 20;

/**
 * Arrays of 4 × the last-level cache each (STREAM's rule: no pass can be served from the cache),
 * at least 32 MiB and at most 1 GiB; 128 MiB where the cache size is unknown. Best of 20 passes
 * and the peak loop in repetitions of at least 5 ms, best of 30: on a shared machine a neighbour's
 * burst can halve a pass, and the best of many short ones is the likeliest to have run alone (the
 * clock's resolution is far below 5 ms). About a second per build.
 */
export function defaultProbeSettings(lastLevelCacheBytes: number | null): ProbeSettings {
  const wanted = lastLevelCacheBytes === null ? 128 * MiB : 4 * lastLevelCacheBytes;
  const arrayBytes = Math.min(1024 * MiB, Math.max(32 * MiB, Math.ceil(wanted / MiB) * MiB));
  return { arrayBytes, passes: 20, minRepSeconds: 0.005, reps: 30, timeoutMs: 120_000 };
}

function positive(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`the probe gave a ${what} of ${value}`);
  return value;
}

/** One build's ceiling from its probe's best times: bytes and flops counted per element and step. */
export function ceilingFromFigures(figures: ProbeFigures, arrayBytes: number): RooflineCeiling {
  const elements = Math.floor(arrayBytes / 8);
  const { bandwidth, peak } = figures;
  if (!Number.isFinite(bandwidth.checksum) || !Number.isFinite(peak.checksum)) throw new Error('the probe\'s checksum is not finite');
  return {
    target: figures.level,
    // bytes per ns = GB/s; flops per ns = GFLOP/s.
    peakGflops: positive('peak', peak.flopsPerRep / (positive('peak time', peak.bestSeconds) * 1e9)),
    triadGBps: positive('triad bandwidth', (24 * elements) / (positive('triad time', bandwidth.triadSeconds) * 1e9)),
    storeGBps: positive('store bandwidth', (8 * elements) / (positive('store time', bandwidth.storeSeconds) * 1e9)),
    vectorBits: peak.vectorBits,
    fma: peak.fma,
    chains: peak.chains,
  };
}

/** Runs `level`'s probes in a fresh child process; rejects with the reason when it fails. */
export function probeLevel(level: string, settings: ProbeSettings): Promise<RooflineCeiling> {
  const job: ProbeJob = {
    level,
    elements: Math.floor(settings.arrayBytes / 8),
    passes: settings.passes,
    minRepSeconds: settings.minRepSeconds,
    reps: settings.reps,
  };
  return new Promise((resolve, reject) => {
    let reply: ProbeReply | undefined;
    let stderr = '';
    const child = fork(harnessModule('roofline/probe-child'), [], { execArgv: [...harnessExecArgv], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(() => {
      reply ??= { ok: false, message: `timed out after ${settings.timeoutMs} ms` };
      child.kill('SIGKILL');
    }, settings.timeoutMs);
    child.on('message', (message: ProbeReply) => {
      reply ??= message;
    });
    child.on('error', (error) => {
      reply ??= { ok: false, message: `could not start a child process: ${error.message}` };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!reply) {
        const last = stderr.trim().split('\n').pop()?.trim();
        reply = { ok: false, message: `the probe's process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${last ? `: ${last}` : ''}` };
      }
      if (!reply.ok) return reject(new Error(reply.message));
      if (reply.level !== level) return reject(new Error(`the ${level} binary says it was built for ${reply.level}`));
      try {
        resolve(ceilingFromFigures(reply, settings.arrayBytes));
      } catch (error) {
        reject(error);
      }
    });
    child.send(job);
  });
}
