// The shape of a dispatch file (dispatchVersion 1), checked when the runtime or the CLI reads one:
// a corrupt, truncated or foreign file is refused with one line naming the first problem, before
// any of it is trusted to pick code to run. Written out by hand rather than with ajv (as results
// files are checked): compiling a schema costs about 150 ms, and production code reads this file at
// start-up, where loading and choosing must cost a few ms.

type Check = (value: unknown, at: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v, at) => (typeof v === 'string' ? null : `${at}: must be string`);
const number: Check = (v, at) => (typeof v === 'number' ? null : `${at}: must be number`);
const boolean: Check = (v, at) => (typeof v === 'boolean' ? null : `${at}: must be boolean`);
const integerFrom = (min: number): Check => (v, at) => (Number.isInteger(v) && (v as number) >= min ? null : `${at}: must be an integer >= ${min}`);
const orNull = (check: Check): Check => (v, at) => (v === null ? null : check(v, at));

function object(fields: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, at) => {
    if (!isObject(v)) return `${at || '/'}: must be object`;
    for (const [key, check] of Object.entries(fields)) {
      if (!(key in v)) return `${at || '/'}: must have required property '${key}'`;
      const problem = check(v[key], `${at}/${key}`);
      if (problem) return problem;
    }
    for (const [key, check] of Object.entries(optional)) {
      const problem = key in v ? check(v[key], `${at}/${key}`) : null;
      if (problem) return problem;
    }
    return null;
  };
}

function array(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return `${at}: must be array`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${at}/${i}`);
      if (problem) return problem;
    }
    return null;
  };
}

function record(value: Check): Check {
  return (v, at) => {
    if (!isObject(v)) return `${at}: must be object`;
    for (const [key, item] of Object.entries(v)) {
      const problem = value(item, `${at}/${key}`);
      if (problem) return problem;
    }
    return null;
  };
}

const pair: Check = (v, at) => (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && (v[1] === null || typeof v[1] === 'number') ? null : `${at}: must be [number, number or null]`);

const ref = object({ builtIn: boolean, file: string, exportName: string }, { index: integerFrom(0) });

const candidate = object({
  id: string,
  variant: string,
  target: string,
  rung: string,
  rank: integerFrom(1),
  medianNs: number,
  speedup: orNull(object({ ratio: number, ciLow: number, ciHigh: number, ciLevel: number })),
  ref,
});

const dispatchFile = object({
  dispatchVersion: number,
  createdAt: string,
  command: array(string),
  harnessVersion: string,
  machines: array(object({ fingerprint: string, cpuModel: string, x86Level: orNull(string), cores: number, sources: array(string) })),
  kernels: array(
    object({
      name: string,
      ref,
      sizes: array(object({ name: string, params: record(number), ranges: record(pair), byMachine: record(array(candidate)) })),
    }),
  ),
});

/** Null when `data` has the shape of a dispatch file, else its first problem: `/kernels/0: must have required property 'ref'`. */
export function dispatchProblem(data: unknown): string | null {
  return dispatchFile(data, '');
}
