// Layout randomisation of the child processes. A JavaScript function's speed can depend on where
// things happen to land in memory: the same code, started from a folder whose path is a few
// characters longer, ran the legval naive rung 6% slower in every process (the gate's base
// worktree against head; README, "The layout bias, found and removed"). A fixed layout turns that luck into a bias
// that every process of a side shares and no number of rounds averages away (Mytkowicz et al.,
// "Producing wrong data without doing anything obviously wrong!", ASPLOS 2009). So each child
// starts from a layout of its own, drawn at random like ASLR: its stack shifted by an environment
// variable of random length, its heap by a retained array of random size, its code space by a
// function of random size compiled and optimised, all before the harness and the variant load.
// The luck then varies between rounds, where the statistics see it, and falls on both sides of a
// comparison alike (Curtsinger & Berger, "Stabilizer", ASPLOS 2013).
//
// This module runs first in every child process: it imports nothing.

import type { LayoutShift } from '../types.js';

/** The environment variables that carry a child's shift. */
export const LAYOUT_ENV = 'HOTBENCH_LAYOUT';
export const LAYOUT_PAD_ENV = 'HOTBENCH_LAYOUT_PAD';

/** Upper bounds of the shifts: a page of stack, 64 KiB of heap, about a kilobyte of machine code. */
export const LAYOUT_LIMITS: LayoutShift = { envBytes: 4096, heapWords: 8192, codeOps: 48 };

/** A shift drawn uniformly below LAYOUT_LIMITS; `random` returns numbers in [0, 1). */
export function drawLayoutShift(random: () => number = Math.random): LayoutShift {
  const below = (limit: number) => Math.floor(random() * limit);
  return { envBytes: below(LAYOUT_LIMITS.envBytes), heapWords: below(LAYOUT_LIMITS.heapWords), codeOps: below(LAYOUT_LIMITS.codeOps) };
}

/** The environment a child with this shift is started with (added to the parent's). */
export function layoutEnvironment(shift: LayoutShift): Record<string, string> {
  return { [LAYOUT_ENV]: `${shift.heapWords},${shift.codeOps}`, [LAYOUT_PAD_ENV]: 'x'.repeat(shift.envBytes) };
}

/** The shift a child was started with; none when it was started without one. */
export function readLayoutShift(env: NodeJS.ProcessEnv): LayoutShift | null {
  const match = /^(\d+),(\d+)$/.exec(env[LAYOUT_ENV] ?? '');
  if (!match) return null;
  return { envBytes: env[LAYOUT_PAD_ENV]?.length ?? 0, heapWords: Number(match[1]), codeOps: Number(match[2]) };
}

/** Set to 1, child processes start without a shift: for showing the bias it removes, not for measuring. */
export const NO_LAYOUT_SHIFT_ENV = 'HOTBENCH_NO_LAYOUT_SHIFT';

/** Kept reachable for the life of the process, so that what the shift allocated stays where it is. */
const retained: unknown[] = [];

/**
 * Applies the heap and code parts of a shift (the stack part is the environment itself). The
 * function is a chain of `codeOps` integer steps, called until V8 has optimised it: its bytecode
 * and machine code then occupy space that everything compiled later lands after.
 */
export function applyLayoutShift(shift: LayoutShift): void {
  retained.push(new Array<number>(shift.heapWords).fill(0));
  const steps = Array.from({ length: shift.codeOps }, (_, k) => `a = (a * ${k + 3} + i) | 0;`).join(' ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generating code of a chosen size is the point
  const padding = new Function('i', `let a = i; ${steps} return a;`) as (i: number) => number;
  let sum = 0;
  for (let i = 0; i < 20_000; i++) sum = (sum + padding(i)) | 0;
  retained.push(padding, sum);
}
