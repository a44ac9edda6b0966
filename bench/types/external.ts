// External variants: a variant run by another program (a Python script, a compiled C program), which
// the harness starts in place of its own measured child process and speaks to through files: a JSON
// manifest with raw little-endian arrays beside it (docs/peers.md is the protocol's specification;
// bench/external/wire.ts writes and reads it). Versioned on its own: a program written against one
// version keeps working until the version changes.

/** The protocol's name and version, written in every job and required in every reply. */
export const EXTERNAL_PROTOCOL = 'hotbench-external/1';

/** How an external variant's program is started. */
export interface ExternalProgram {
  /** The executable: a path, or a name looked up on the PATH (no shell). */
  readonly command: string;
  readonly args?: readonly string[];
  /** Variables added to the program's environment (thread counts, caches). */
  readonly env?: Readonly<Record<string, string>>;
}

/** What makes a variant external: its program, and whether it is a peer (what a user would use otherwise). */
export interface ExternalSpec {
  /** The program, resolved when the variant is planned (so that a missing interpreter is a skip). */
  program(): ExternalProgram;
  /**
   * A peer is an implementation outside hotbench's own ladder that the ladder is held against (the
   * Python originals); reports give each cell a line "best hotbench rung against the best peer".
   */
  readonly peer?: boolean;
}

/** Element types arrays travel as, little-endian. */
export type WireDtype = 'f64' | 'f32' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8';

/** An array in a file of the job folder: raw little-endian elements, row-major, nothing else. */
export interface WireArray {
  readonly kind: 'array';
  readonly dtype: WireDtype;
  /** Flat unless the kernel says otherwise: the size's parameters give the dimensions. */
  readonly shape: readonly number[];
  /** File name, relative to the job folder. */
  readonly file: string;
}

/** A named group of values (an object of the kernel's inputs or outputs). */
export interface WireObject {
  readonly kind: 'object';
  readonly fields: { readonly [name: string]: WireValue };
}

/** A value on the wire: a number (in the JSON itself), an array (in a file) or an object of values. */
export type WireValue = number | WireArray | WireObject;

/** One set of inputs: the static input prepared once, then calls on per-call inputs by index. */
export interface WireCase {
  readonly name: string;
  readonly params: { readonly [param: string]: number };
  readonly static: WireValue;
  readonly perCall: readonly WireValue[];
  /** validate: the calls to make, in order, by index into perCall (A, B, A). */
  readonly calls: readonly number[];
}

/** How the timed loop must be run (the harness's own discipline, bench/measure/sampler.ts). */
export interface WireSettings {
  readonly warmupMs: number;
  readonly timeMs: number;
  readonly minSamples: number;
  readonly maxSamples: number;
  readonly minSampleNs: number;
}

/** job.json: what the program is asked. */
export interface WireJob {
  readonly protocol: typeof EXTERNAL_PROTOCOL;
  readonly kind: 'validate' | 'measure';
  readonly kernel: string;
  readonly variant: string;
  readonly size: string;
  /** validate: the cell and each edge case; measure: the cell alone. */
  readonly cases: readonly WireCase[];
  /** measure only. */
  readonly settings?: WireSettings;
  readonly round?: number;
  /** Where the reply goes, relative to the job folder. */
  readonly reply: string;
}

/** The program's own clock, as it measured it (the harness's TimerInfo). */
export interface WireTimer {
  readonly resolutionNs: number;
  readonly overheadNs: number;
}

/** A validate job's answer for one case. */
export interface WireCaseReply {
  /** One output per call, in the order of `calls`. */
  readonly outputs: readonly WireValue[];
  /** The inputs as the program holds them after its calls (static, then each per-call): a changed one is `mutated-input`. */
  readonly inputsAfter: { readonly static: WireValue; readonly perCall: readonly WireValue[] };
}

/** A measure job's answer. */
export interface WireMeasurement {
  /** Duration of prepare, ns. */
  readonly setupNs: number;
  readonly timer: WireTimer;
  /** Calls per sample. */
  readonly batch: number;
  /** f64 file: each sample's duration, ns, for `batch` calls (raw clock differences). */
  readonly samples: WireArray;
  /** Calls made in rotation from input 0, warm-up included; the last went to input (calls - 1) mod m. */
  readonly calls: number;
  /** The last timed call's output. */
  readonly output: WireValue;
  readonly inputsAfter: { readonly static: WireValue; readonly perCall: readonly WireValue[] };
  /** The same loop around an empty call: its median ns per call and MAD (optional). */
  readonly emptyCall?: { readonly medianNs: number; readonly madNs: number };
}

/** reply.json: the program's answer. */
export interface WireReply {
  readonly protocol: typeof EXTERNAL_PROTOCOL;
  /** What the program ran on: interpreter and library versions, thread settings (recorded as given). */
  readonly runtime?: { readonly [name: string]: string };
  /** Set when prepare or a call raised: the variant threw. */
  readonly error?: { readonly phase: string; readonly message: string };
  /** validate: time to load the program's modules, its first prepare and first call, ns. */
  readonly coldStart?: { readonly loadNs: number; readonly prepareNs: number; readonly firstCallNs: number };
  readonly cases?: readonly WireCaseReply[];
  readonly measurement?: WireMeasurement;
}

/**
 * A cell's ladder against its peers, decided in analysis: the fastest ranked variant that is not
 * external against the fastest ranked peer, as the peer's time over the ladder's, round by round
 * (above 1: the ladder is faster).
 */
export interface PeerComparison {
  /** `variant@target` of the best hotbench rung. */
  readonly best: string;
  /** `variant@target` of the best peer. */
  readonly bestPeer: string;
  readonly ratio: { readonly ratio: number; readonly ciLow: number; readonly ciHigh: number; readonly ciLevel: number };
  /** faster: the ladder is faster beyond the noise threshold; slower: the peer is; unchanged: neither can be told. */
  readonly verdict: 'faster' | 'slower' | 'unchanged';
}

/** What a results file records of an external variant's cell. */
export interface CellExternal {
  readonly protocol: typeof EXTERNAL_PROTOCOL;
  readonly peer: boolean;
  /** The command line it was started with. */
  readonly command: readonly string[];
  /** The environment variables the variant set (thread counts). */
  readonly env: { readonly [name: string]: string };
  /** What the program said it ran on (its last reply's `runtime`). */
  readonly runtime: { readonly [name: string]: string };
}
