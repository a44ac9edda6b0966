// The stacks of V8's tick profiler, as 0x (`--tree-debug`: stacks.<pid>.json) and clinic flame
// (<pid>.clinic-flame-samples) leave them, turned into the shape of a CPU profile so that one
// function computes every hotspot table. Ticks carry no times: each counts as one sampling
// interval of `--prof` (1 ms). Pure: text in, profile out.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../errors.js';
import type { CpuProfile, CpuProfileCallFrame, CpuProfileNode } from '../types.js';

/** V8's `--prof` samples every millisecond. */
export const TICK_US = 1000;

/** A frame as the tick processor names it: `fn /path/file.js:12:5` for JavaScript, else a symbol. */
interface TickFrame {
  readonly name: string;
  /** JS, CPP, SHARED_LIB, INIT (0x: JavaScript run at start-up), … */
  readonly type: string;
}

const JS_LOCATION = /^(.*?) ?(\S+):(\d+):(\d+)$/;

function callFrame(frame: TickFrame): CpuProfileCallFrame {
  const js = frame.type === 'JS' || frame.type === 'INIT';
  const m = js ? JS_LOCATION.exec(frame.name) : null;
  if (!m) {
    // Natives (C++, shared libraries, builtins) are script 0, as in a CPU profile; JavaScript without
    // a location gets a script of its own.
    return { functionName: frame.name, scriptId: js ? '-1' : '0', url: '', lineNumber: -1, columnNumber: -1 };
  }
  const [, name, where, line, column] = m;
  const url = path.isAbsolute(where) ? pathToFileURL(where).href : where;
  return { functionName: name === '(anonymous)' ? '' : name, scriptId: '-1', url, lineNumber: Number(line) - 1, columnNumber: Number(column) - 1 };
}

/** Builds a CPU profile's call tree and samples, one tick at a time. */
class ProfileBuilder {
  private readonly nodes: { id: number; callFrame: CpuProfileCallFrame; children: number[] }[] = [];
  private readonly childByKey = new Map<string, number>();
  private readonly samples: number[] = [];
  readonly root: number;

  constructor() {
    this.root = this.add(undefined, { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 });
  }

  private add(parent: number | undefined, frame: CpuProfileCallFrame): number {
    const id = this.nodes.length + 1;
    this.nodes.push({ id, callFrame: frame, children: [] });
    if (parent !== undefined) this.nodes[parent - 1].children.push(id);
    return id;
  }

  /** The child of `parent` for `frame`, made once. */
  child(parent: number, frame: TickFrame): number {
    const key = `${parent}\u0000${frame.type}\u0000${frame.name}`;
    let id = this.childByKey.get(key);
    if (id === undefined) this.childByKey.set(key, (id = this.add(parent, callFrame(frame))));
    return id;
  }

  tick(node: number, count = 1): void {
    for (let i = 0; i < count; i++) this.samples.push(node);
  }

  build(): CpuProfile {
    const nodes: CpuProfileNode[] = this.nodes.map((n) => ({ ...n, hitCount: 0 }));
    for (const id of this.samples) (nodes[id - 1] as { hitCount: number }).hitCount++;
    // The first tick at the start, each lasting one interval to the next, the last one to the end.
    const timeDeltas = this.samples.map((_, i) => (i === 0 ? 0 : TICK_US));
    return { nodes, startTime: 0, endTime: this.samples.length * TICK_US, samples: this.samples, timeDeltas };
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: not valid JSON (${(error as Error).message})`);
  }
}

/** A stack with no frame at all: time in V8 outside JavaScript. */
const PROGRAM: TickFrame = { name: '(program)', type: 'V8' };

/** clinic flame's samples: one stack per tick, outermost frame first. */
export function clinicSamplesToProfile(text: string, source: string): CpuProfile {
  const stacks = parseJson(text, source);
  if (!Array.isArray(stacks) || !stacks.every((s) => Array.isArray(s))) throw new UserError(`${source}: not clinic flame samples (an array of stacks)`);
  const builder = new ProfileBuilder();
  for (const stack of stacks as { name?: unknown; type?: unknown }[][]) {
    let node = builder.root;
    const frames = stack.length > 0 ? stack : [PROGRAM];
    for (const f of frames) node = builder.child(node, { name: String(f.name ?? ''), type: String(f.type ?? '') });
    builder.tick(node);
  }
  return builder.build();
}

interface ZeroXNode {
  readonly name: string;
  /** Ticks with this node on top of the stack. */
  readonly top: number;
  readonly children?: readonly ZeroXNode[];
}

function zeroXFrame(name: string): TickFrame {
  const m = / \[([A-Z_:]+)\]$/.exec(name);
  return m ? { name: name.slice(0, m.index), type: m[1] } : { name, type: 'JS' };
}

/** 0x's `--tree-debug` file: the merged call tree, each node with its ticks on top of the stack. */
export function zeroXStacksToProfile(text: string, source: string): CpuProfile {
  const data = parseJson(text, source) as { merged?: ZeroXNode } | null;
  const tree = data?.merged;
  if (typeof tree !== 'object' || tree === null || !Array.isArray(tree.children)) throw new UserError(`${source}: not 0x's stacks (no merged tree)`);
  const builder = new ProfileBuilder();
  const walk = (node: ZeroXNode, id: number) => {
    builder.tick(id, Number(node.top) || 0);
    for (const child of node.children ?? []) walk(child, builder.child(id, zeroXFrame(String(child.name))));
  };
  walk(tree, builder.root);
  return builder.build();
}
