// The pieces of reliability that need no child process: how a child's end is classified, and how a
// journal is written and read back (a cut-short last line ignored, a corrupt one refused).

import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../bench/measure/settings.js';
import { classifyExit } from '../bench/measure/spawn.js';
import { Journal, journalFile, readJournal, type JournalHead } from '../bench/results/journal.js';
import { cell, results } from './helpers/results.js';

describe('classifyExit', () => {
  it('tells a crash, a signal from outside, running out of memory and a bad exit apart', () => {
    expect(classifyExit(null, 'SIGSEGV', '')).toEqual({ kind: 'crashed', message: 'child process killed by SIGSEGV', signal: 'SIGSEGV' });
    expect(classifyExit(null, 'SIGABRT', 'something\nlast words\n')).toMatchObject({ kind: 'crashed', message: 'child process killed by SIGABRT: last words' });
    expect(classifyExit(134, null, '')).toMatchObject({ kind: 'crashed', exitCode: 134 });
    expect(classifyExit(null, 'SIGKILL', '')).toMatchObject({ kind: 'signal', signal: 'SIGKILL' });
    expect(classifyExit(null, 'SIGTERM', '')).toMatchObject({ kind: 'signal' });
    expect(classifyExit(3, null, 'Error: bye')).toEqual({ kind: 'crashed', message: 'child process exited with code 3: Error: bye', exitCode: 3 });
    const v8 = '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb7 node::Abort()\n';
    const oom = classifyExit(null, 'SIGABRT', v8);
    expect(oom).toMatchObject({ kind: 'out-of-memory', signal: 'SIGABRT' });
    expect(oom.message).toMatch(/ran out of memory \(killed by SIGABRT\): FATAL ERROR: Reached heap limit/);
  });
});

describe('journal', () => {
  const head = (): JournalHead => {
    const { cells: _cells, ...header } = results([]);
    return { journal: 1, cwd: '/somewhere', argv: ['--out', 'r.json'], plan: ['k/small/naive@js', 'k/small/fast@js'], header: { ...header, settings: DEFAULT_SETTINGS } };
  };

  it('writes a header and one line per cell, reads them back, ignores a cut-short last line, and is removed when finished', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-journal-'));
    const file = journalFile(path.join(dir, 'r.json'));
    const journal = new Journal(file, head());
    const first = [cell('naive', 100, { validation: { status: 'invalid', maxAbsError: Infinity, maxRelError: NaN, maxUlp: Infinity, cases: [] } })];
    journal.append(first);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    appendFileSync(file, '{"cells":[{"kernel":"k","vari');
    const read = readJournal(file);
    expect(read.head.argv).toEqual(['--out', 'r.json']);
    expect(read.done).toHaveLength(1);
    expect(read.done[0][0].validation.maxAbsError).toBe(Infinity);
    expect(read.done[0][0].validation.maxRelError).toBeNaN();

    // Resume drops the cut-short tail and appends after the last complete line.
    const resumed = new Journal(file, read.head, true);
    resumed.append([cell('fast', 50)]);
    expect(readJournal(file).done.map((g) => g[0].variant)).toEqual(['naive', 'fast']);
    resumed.finish();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a journal that is empty, foreign or corrupt in the middle, with one line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-journal-'));
    const write = (name: string, text: string) => {
      const f = path.join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    expect(() => readJournal(write('empty', ''))).toThrow(/empty: journal is empty or cut short before its first line/);
    expect(() => readJournal(write('foreign', '{"hello":1}\n'))).toThrow(/foreign: not a hotbench journal/);
    const good = JSON.stringify(head());
    expect(() => readJournal(write('middle', `${good}\n{"cells":[\n{"cells":[]}\n`))).toThrow(/middle: journal line 2 is not valid JSON/);
    expect(() => readJournal(write('shape', `${good}\n{"cells":[{"kernel":1}]}\n`))).toThrow(/shape: not a valid results file: \/cells\/0/);
    expect(() => readJournal(path.join(dir, 'none'))).toThrow(/none: no such file/);
  });
});

describe('what the harness may do', () => {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const sources = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(?:ts|mts|mjs|js)$/.test(f) && !f.includes('node_modules'))
      .map((f) => path.join(root, dir, f));

  it('starts processes with argument arrays only (no shell, no exec) and imports no networking module', () => {
    const files = [...sources('bench'), ...sources('scripts'), ...sources('native').filter((f) => f.endsWith('.ts'))];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/\bexecSync\s*\(|\bexec\s*\(\s*['"`]|child_process['"];?[^\n]*\bexec\b|shell:\s*true/);
      expect(text, file).not.toMatch(/from ['"](?:node:)?(?:net|http|https|http2|dns|tls|dgram)['"]|\bfetch\s*\(/);
    }
  });
});
