// The run's journal: an append-only JSON Lines file beside the results file (`results.json.journal`).
// Its first line says what the run is (the command, its folder, the plan, the results header); then
// one line per finished (kernel, size) cell with its variants' cells, each line written and fsync'd
// before the run goes on. A run killed at any moment (even SIGKILL) loses at most the cell in flight:
// `hotbench run --resume FILE` reads the journal and measures only what is missing. A last line cut
// short by the kill is ignored. The journal is removed once the complete results file is written.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { UserError } from '../errors.js';
import { variantId } from '../spec/define.js';
import type { Cell, PlannedCell } from '../types.js';
import type { ResultsHeader } from './record.js';
import { fromJson, parseResults, readText, toJson } from './store.js';

export const JOURNAL_VERSION = 1;

/** The journal's first line. */
export interface JournalHead {
  readonly journal: typeof JOURNAL_VERSION;
  /** The folder the run was started in (relative paths in `argv` are relative to it). */
  readonly cwd: string;
  /** The run's own arguments (after `hotbench run`). */
  readonly argv: readonly string[];
  /** Every (kernel, size, variant) the run plans, as planKeys gives them. */
  readonly plan: readonly string[];
  readonly header: ResultsHeader;
}

export interface JournalContents {
  readonly head: JournalHead;
  /** The finished (kernel, size) cells, in order, each with its variants' cells. */
  readonly done: readonly (readonly Cell[])[];
}

export function journalFile(resultsFile: string): string {
  return `${resultsFile}.journal`;
}

/** `kernel/size/variant@target` for every variant of every planned cell (a scaling run's parallel ones once per p and mode). */
export function planKeys(plan: readonly PlannedCell[]): string[] {
  return plan.flatMap((p) =>
    p.variants.flatMap((v) => {
      const key = `${p.kernel.definition.name}/${p.size}/${variantId(v.definition.name, v.definition.target ?? 'js')}`;
      return p.workers && v.definition.parallel ? p.workers.counts.map((count) => `${key} p=${count} ${p.workers!.mode}`) : [key];
    }),
  );
}

/** An open journal: each append is on disk (fsync) before it returns. */
export class Journal {
  private fd: number | null;

  /**
   * Creates `file` with `head`, or (`resume`) appends to the journal already there, after dropping
   * a last line the kill cut short (so that it cannot end up in the middle).
   */
  constructor(readonly file: string, head: JournalHead, resume = false) {
    if (resume) truncateSync(file, readFileSync(file).lastIndexOf(0x0a) + 1);
    this.fd = openSync(file, resume ? 'a' : 'w');
    if (!resume) this.write(head);
  }

  private write(value: unknown): void {
    if (this.fd === null) throw new Error(`journal ${this.file} is closed`);
    writeSync(this.fd, `${toJson(value, 0)}\n`);
    fsyncSync(this.fd);
  }

  /** Records one finished (kernel, size) cell. */
  append(cells: readonly Cell[]): void {
    this.write({ cells });
  }

  /** Closes the journal and removes it: the complete results file has been written. */
  finish(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.file, { force: true });
  }
}

function fail(file: string, why: string): never {
  throw new UserError(`${file}: ${why}`);
}

/** Reads a journal; a last line cut short (the run was killed while writing it) is ignored. */
export function readJournal(file: string): JournalContents {
  const text = readText(file);
  // What follows the last newline is empty, or a line the kill cut short.
  const complete = text.split('\n').slice(0, -1);
  if (complete.length === 0) fail(file, 'journal is empty or cut short before its first line');
  const parsed = complete.map((line, i) => {
    try {
      return fromJson(line) as Record<string, unknown>;
    } catch {
      return fail(file, `journal line ${i + 1} is not valid JSON`);
    }
  });
  const [head, ...rest] = parsed;
  if (
    head?.journal !== JOURNAL_VERSION || typeof head.cwd !== 'string' || !Array.isArray(head.argv) || !Array.isArray(head.plan) ||
    typeof head.header !== 'object' || head.header === null
  ) {
    fail(file, `not a hotbench journal (version ${JOURNAL_VERSION})`);
  }
  // The header and cells are checked as a results file would be.
  const done = rest.map((line, i) => {
    if (!Array.isArray(line?.cells)) fail(file, `journal line ${i + 2} is malformed`);
    return line.cells as Cell[];
  });
  parseResults(toJson({ ...(head.header as object), cells: done.flat() }), file);
  return { head: head as unknown as JournalHead, done };
}

/** The journal of the results file `file` (or `file` itself when it is a journal), if there is one. */
export function findJournal(file: string): string | null {
  if (file.endsWith('.journal') && existsSync(file)) return file;
  return existsSync(journalFile(file)) ? journalFile(file) : null;
}
