// Fault injection through the public user-kernel API, end to end with the compiled CLI: variants
// that throw, return wrong or NaN output, hang, abort, segfault, exhaust memory, kill themselves, or
// crash only while being measured. Each fails its own cell with the right failure kind; the healthy
// variants' cells are valid and measured; the run exits 1. A run killed with SIGKILL resumes to the
// same cells. Bad input gets one line and exit 2. No timing is asserted anywhere.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runKilledAfterFirstCell } from './helpers/killed-run.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'bench', 'cli', 'main.js');
const quick = ['--rounds', '2', '--time', '10', '--warmup', '2', '--no-progress'];

function hotbench(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A kernel of a few values whose reference doubles its input. */
const KERNEL = (name: string, extra = '') => `import { defineKernel } from 'hotbench';
export const kernel = defineKernel({
  name: '${name}', description: 'doubles its input',
  sizes: { tiny: { n: 8 }, small: { n: 16 } },
  generate: ({ n }) => ({ static: {}, perCall: { x: Float64Array.from({ length: n }, (_, i) => i + 1) } }),
  reference: ({ perCall: { x } }) => x.map((v) => 2 * v),
  tolerance: { abs: 0, rel: 0, ulp: 0 },
  elements: ({ n }) => n,
  work: ({ n }) => ({ flops: n, bytes: 16 * n }),
  ${extra}
});
`;

/** A variant of `kernel` whose run is `body` (with `x` its input), after `setup` in prepare. */
const VARIANT = (kernel: string, name: string, body: string, setup = '', description = `${name} variant`) => `
export const ${name.replace(/-/g, '_')} = defineVariant({
  kernel: '${kernel}', name: '${name}', rung: 'unrolled', description: ${JSON.stringify(description)},
  prepare: () => { ${setup}; return { run: ({ x }) => { ${body} } }; },
});
`;

const GOOD = 'return x.map((v) => v + v);';

/** Every fault of the issue, one variant each, beside two healthy ones. */
const FAULTS: Record<string, { body: string; setup?: string; kind: string; phase: string; message: RegExp }> = {
  threw: { body: "throw new Error('variant blew up <b>');", kind: 'threw', phase: 'validate', message: /variant blew up/ },
  wrong: { body: 'return x.map((v) => v * 3);', kind: 'wrong-output', phase: 'validate', message: /values outside tolerance/ },
  nan: { body: 'return x.map(() => NaN);', kind: 'wrong-output', phase: 'validate', message: /values outside tolerance/ },
  hang: { body: 'for (;;) {}', kind: 'timeout', phase: 'validate', message: /timed out after 20000 ms/ },
  abort: { body: 'process.abort();', kind: 'crashed', phase: 'validate', message: /killed by SIGABRT/ },
  segfault: { body: "process.kill(process.pid, 'SIGSEGV');", kind: 'crashed', phase: 'validate', message: /killed by SIGSEGV/ },
  oom: { body: 'const hoard = []; for (;;) hoard.push(new Array(1e5).fill(Math.random()));', kind: 'out-of-memory', phase: 'validate', message: /out of memory/ },
  killed: { body: "process.kill(process.pid, 'SIGKILL');", kind: 'signal', phase: 'validate', message: /killed by SIGKILL/ },
  // Valid while validated (a few calls), crashes once measured (many calls).
  'crash-later': { setup: 'let calls = 0', body: "if (++calls > 20) process.kill(process.pid, 'SIGSEGV'); return x.map((v) => v + v);", kind: 'crashed', phase: 'measure', message: /round 1: child process killed by SIGSEGV/ },
};

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-faults-'));
  mkdirSync(path.join(dir, 'kernels'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, 'kernels', name), text);
  return dir;
}

function faultyFolder(): string {
  const variants = [
    VARIANT('faulty', 'naive', GOOD),
    VARIANT('faulty', 'healthy', GOOD),
    ...Object.entries(FAULTS).map(([name, f]) => VARIANT('faulty', name, f.body, f.setup)),
  ];
  return folder({ 'faulty.mjs': `${KERNEL('faulty')}\nimport { defineVariant } from 'hotbench';\n${variants.join('')}` });
}

interface CellJson {
  kernel: string;
  variant: string;
  target: string;
  size: { name: string };
  validation: { status: string; message?: string };
  stats: { medianNs: number } | null;
  samples: number[];
  rounds: unknown[];
  failure?: { kind: string; phase: string; message: string; signal?: string; exitCode?: number };
}

const readCells = (file: string): CellJson[] => JSON.parse(readFileSync(file, 'utf8')).cells;
const key = (c: CellJson) => `${c.kernel}/${c.size.name}/${c.variant}@${c.target}`;

beforeAll(() => {
  expect(existsSync(cli)).toBe(true); // built by `npm test`
});

describe('faults in user variants', () => {
  it('records each failure in its own cell; every other cell is intact; exit 1', () => {
    const dir = faultyFolder();
    const out = path.join(dir, 'r.json');
    const md = path.join(dir, 'r.md');
    const r = hotbench(['run', '--kernels', 'kernels', '--kernel', 'faulty', '--size', 'tiny', ...quick, '--timeout', '20000', '--max-heap', '64', '--out', out, '--report', md], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    const cells = readCells(out);
    const byName = Object.fromEntries(cells.map((c) => [c.variant, c]));
    expect(Object.keys(byName).sort()).toEqual(['healthy', 'naive', ...Object.keys(FAULTS)].sort());
    for (const name of ['naive', 'healthy']) {
      const c = byName[name];
      expect(c.validation.status, name).toBe('valid');
      expect(c.failure, name).toBeUndefined();
      expect(c.rounds, name).toHaveLength(2);
      expect(c.stats!.medianNs, name).toBeGreaterThan(0);
    }
    for (const [name, fault] of Object.entries(FAULTS)) {
      const c = byName[name];
      expect(c.failure, name).toMatchObject({ kind: fault.kind, phase: fault.phase });
      expect(c.failure!.message, name).toMatch(fault.message);
      expect(c.stats, name).toBeNull();
      if (fault.phase === 'validate') {
        expect(c.validation.status, name).not.toBe('valid');
        expect(c.samples, name).toEqual([]);
      } else {
        expect(c.validation.status, name).toBe('valid');
      }
    }
    expect(byName.segfault.failure!.signal).toBe('SIGSEGV');
    expect(byName.killed.failure!.signal).toBe('SIGKILL');
    // The report names each failure's kind.
    expect(r.stdout).toMatch(/FAILED \(timeout\)/);
    expect(r.stdout).toMatch(/segfault@js: crashed while validated: child process killed by SIGSEGV/);
    expect(r.stdout).toMatch(/crash-later@js: crashed while measured: round 1: child process killed by SIGSEGV/);
    // A user's message never reaches the Markdown report as HTML.
    const report = readFileSync(md, 'utf8');
    expect(report).toContain('&lt;b&gt;');
    expect(report).not.toContain('<b>');
  });

  it('a run killed with SIGKILL resumes to the same cells as an uninterrupted run', async () => {
    const dir = folder({
      'slowish.mjs': `${KERNEL('slowish')}\nimport { defineVariant } from 'hotbench';\n${VARIANT('slowish', 'naive', GOOD)}${VARIANT('slowish', 'other', GOOD)}${VARIANT('slowish', 'wrong', 'return x;')}`,
    });
    const args = ['run', '--kernels', 'kernels', '--kernel', 'slowish', ...quick];
    const whole = path.join(dir, 'whole.json');
    expect(hotbench([...args, '--out', whole], dir).code).toBe(1);

    const out = path.join(dir, 'killed', 'r.json');
    const journal = `${out}.journal`;
    await runKilledAfterFirstCell(cli, [...args, '--out', out], dir, journal);
    expect(existsSync(journal)).toBe(true);
    // Killed after its first cell: the journal holds the header and that cell (the results file may
    // or may not have been rewritten yet; the journal is what resume reads).
    expect(readFileSync(journal, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    // A half-written last line (killed mid-write) is ignored.
    writeFileSync(journal, `${readFileSync(journal, 'utf8')}{"cells":[{"kern`);

    const resumed = hotbench(['run', '--resume', out, '--no-progress'], dir);
    expect(resumed.stderr).toMatch(/resuming .*r\.json: 1 of 2 cells done/);
    expect(resumed.code).toBe(1);
    expect(existsSync(journal)).toBe(false); // complete: the journal is gone
    expect(readCells(out).map(key).sort()).toEqual(readCells(whole).map(key).sort());
    for (const c of readCells(out)) expect(c.validation.status).toBe(c.variant === 'wrong' ? 'invalid' : 'valid');

    const again = hotbench(['run', '--resume', out], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/nothing to resume/);
    const extra = hotbench(['run', '--resume', out, '--rounds', '3'], dir);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/--resume takes the interrupted run's flags/);
  });

  it('the harness opens no network connection; a variant that tries fails on its own', () => {
    const dir = folder({
      'net.mjs': `${KERNEL('net')}\nimport { defineVariant } from 'hotbench';\nimport net from 'node:net';\n${VARIANT('net', 'naive', GOOD)}${VARIANT('net', 'phone-home', GOOD, "net.connect(80, 'example.invalid')")}`,
    });
    const guard = path.join(dir, 'no-network.mjs');
    // Every way out through node's networking throws (in the CLI and in every child it forks).
    writeFileSync(
      guard,
      `import net from 'node:net'; import dns from 'node:dns'; import http from 'node:http'; import https from 'node:https';
const refuse = () => { throw new Error('network access refused by the test'); };
net.Socket.prototype.connect = refuse; dns.lookup = refuse; http.request = refuse; https.request = refuse; globalThis.fetch = refuse;
`,
    );
    const env = { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(guard).href}` };
    const out = path.join(dir, 'r.json');
    const r = hotbench(['run', '--kernels', 'kernels', '--kernel', 'net', '--size', 'tiny', ...quick, '--out', out], dir, env);
    expect(r.code).toBe(1);
    const byName = Object.fromEntries(readCells(out).map((c) => [c.variant, c]));
    expect(byName.naive.validation.status).toBe('valid');
    expect(byName.naive.stats).not.toBeNull();
    expect(byName['phone-home'].failure).toMatchObject({ kind: 'threw', message: expect.stringMatching(/network access refused/) });
    // The built-in kernels, under the same guard.
    const builtIn = hotbench(['run', '--kernel', 'legval', '--variant', 'naive,wasm', '--size', 'tiny', ...quick, '--out', path.join(dir, 'b.json')], dir, env);
    expect(builtIn.stderr).not.toMatch(/refused/);
    expect(builtIn.code).toBe(0);
  });
});

describe('bad input: one line, exit 2', () => {
  function expectOneLine(r: ReturnType<typeof hotbench>, pattern: RegExp, what: string) {
    expect(r.code, what).toBe(2);
    expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
    expect(r.stderr, what).toMatch(/^hotbench: /);
    expect(r.stderr, what).toMatch(pattern);
    expect(r.stderr, what).not.toMatch(/\n\s+at /);
  }

  it('unknown kernel, variant or size', () => {
    const dir = faultyFolder();
    expectOneLine(hotbench(['run', '--kernels', 'kernels', '--kernel', 'nope'], dir), /unknown kernel "nope"/, 'kernel');
    expectOneLine(hotbench(['run', '--kernels', 'kernels', '--kernel', 'faulty', '--variant', 'turbo'], dir), /unknown variant "turbo"/, 'variant');
    expectOneLine(hotbench(['run', '--kernels', 'kernels', '--kernel', 'faulty', '--size', 'huge'], dir), /unknown size "huge"/, 'size');
  });

  it('a malformed config', () => {
    const cases: Record<string, [string, RegExp]> = {
      'not JSON': ['{"kernels": [', /hotbench\.config\.json: cannot load/],
      'wrong type': ['{"kernels": 3}', /kernels must be an array/],
      'unknown field': ['{"kernel": ["x"]}', /unknown field "kernel"/],
      'bad setting': ['{"measure": {"rounds": "many"}}', /measure setting rounds must be an integer/],
      'unknown setting': ['{"measure": {"roundz": 3}}', /unknown measure setting "roundz"/],
    };
    for (const [what, [text, pattern]] of Object.entries(cases)) {
      const dir = faultyFolder();
      writeFileSync(path.join(dir, 'hotbench.config.json'), text);
      expectOneLine(hotbench(['run', '--kernel', 'faulty'], dir), pattern, what);
    }
  });

  it('a results or baseline file that is corrupt, truncated, not JSON or of another schema version', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hotbench-badfiles-'));
    const good = path.join(dir, 'good.json');
    expect(hotbench(['run', '--kernel', 'legval', '--variant', 'naive', '--size', 'tiny', ...quick, '--out', good], root).code).toBe(0);
    const text = readFileSync(good, 'utf8');
    const data = JSON.parse(text);
    const files: Record<string, [string, RegExp]> = {
      truncated: [text.slice(0, Math.floor(text.length / 2)), /not valid JSON/],
      'not JSON': ['hello', /not valid JSON/],
      'another schema version': [JSON.stringify({ ...data, schemaVersion: 3 }), /schema version 3 is not supported/],
      'no cells': [JSON.stringify({ ...data, cells: undefined }), /must have required property 'cells'/],
      'a corrupt cell': [JSON.stringify({ ...data, cells: [{ ...data.cells[0], samples: 'many' }] }), /\/cells\/0\/samples: must be array/],
      'a bad status': [JSON.stringify({ ...data, cells: [{ ...data.cells[0], validation: { ...data.cells[0].validation, status: 'fine' } }] }), /\/cells\/0\/validation\/status: must be equal to one of the allowed values/],
    };
    for (const [what, [content, pattern]] of Object.entries(files)) {
      const file = path.join(dir, `${what.replace(/ /g, '-')}.json`);
      writeFileSync(file, content);
      expectOneLine(hotbench(['report', file], root), pattern, `report: ${what}`);
      expectOneLine(hotbench(['compare', good, file], root), pattern, `compare: ${what}`);
      expectOneLine(hotbench(['gate', '--baseline', file, '--current', good], root), pattern, `gate: ${what}`);
      expectOneLine(hotbench(['run', '--resume', file], root), pattern, `resume: ${what}`);
    }
    const journal = path.join(dir, 'bad.json.journal');
    writeFileSync(journal, 'not a journal\n');
    expectOneLine(hotbench(['run', '--resume', path.join(dir, 'bad.json')], root), /journal line 1 is not valid JSON/, 'journal');
  });

  it('a user kernel whose reference throws, or whose sizes are invalid', () => {
    const throwing = folder({
      'k.mjs': `${KERNEL('faulty')}\nimport { defineVariant } from 'hotbench';\n${VARIANT('faulty', 'naive', GOOD)}`.replace('reference: ({ perCall: { x } }) => x.map((v) => 2 * v)', "reference: () => { throw new Error('reference broke'); }"),
    });
    expectOneLine(hotbench(['run', '--kernels', 'kernels', '--kernel', 'faulty', ...quick], throwing), /reference.*reference broke/, 'reference throws');
    const sizes: Record<string, [string, RegExp]> = {
      'no sizes': ['sizes: {},', /sizes must name at least one size/],
      'a non-numeric parameter': ["sizes: { tiny: { n: 'eight' } },", /size tiny: parameter n must be a finite number/],
    };
    for (const [what, [replacement, pattern]] of Object.entries(sizes)) {
      const dir = folder({ 'k.mjs': KERNEL('faulty').replace('sizes: { tiny: { n: 8 }, small: { n: 16 } },', replacement) });
      expectOneLine(hotbench(['run', '--kernels', 'kernels', '--kernel', 'faulty'], dir), pattern, what);
    }
  });
});
