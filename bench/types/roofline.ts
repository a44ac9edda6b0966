// The roofline: a machine's peak GFLOP/s and bandwidth per native build, and a cell's place under it.

/**
 * What one build of the native roofline probes measured on a machine, on one core (the kernels are
 * single-threaded, so the roof that bounds them is one core's).
 */
export interface RooflineCeiling {
  /** The build that ran the probes: `x86-64`, `x86-64-v2`, `x86-64-v3`, `x86-64-v4`. */
  readonly target: string;
  /**
   * Independent chains acc = acc·m + a in the build's widest vectors: the floating-point peak of this
   * build, GFLOP/s. An FMA counts 2 (v3, v4); on x86-64 and v2, which have no FMA, each step is a
   * multiply and an add, 2 flops.
   */
  readonly peakGflops: number;
  /** STREAM-like triad a[i] = b[i] + s·c[i] over arrays far larger than the caches, GB/s (24 bytes per element). */
  readonly triadGBps: number;
  /** Store-only loop a[i] = s over the same size, GB/s (8 bytes per element). */
  readonly storeGBps: number;
  /** Width of the peak probe's vectors: 128 (SSE2), 256 (AVX2) or 512 (AVX-512) bits. */
  readonly vectorBits: number;
  /** Whether the peak probe used fused multiply-adds (else a multiply and an add). */
  readonly fma: boolean;
  /** Independent dependency chains in the peak probe, one vector register each. */
  readonly chains: number;
}

/** A machine's roofs: measured once per machine fingerprint, cached, and copied into results files. */
export interface MachineRoofline {
  readonly fingerprint: string;
  readonly measuredAt: string;
  /** One entry per native build this machine can run. */
  readonly ceilings: readonly RooflineCeiling[];
  /** The machine's roof: the highest peak and the highest triad bandwidth over its builds. */
  readonly peakGflops: number;
  readonly bandwidthGBps: number;
  /** Bytes of each of the bandwidth probes' three arrays (at least 4 × the last-level cache, as STREAM asks). */
  readonly arrayBytes: number;
  /** Native builds this machine could not run the probes on, with the reason. */
  readonly skipped: readonly { readonly target: string; readonly reason: string }[];
}

/** Where a measured cell sits under its machine's roofline. */
export interface RooflinePosition {
  /** Arithmetic intensity from the kernel's work model: flops per byte. */
  readonly intensity: number;
  /** min(peak, intensity × bandwidth): the best GFLOP/s this machine allows at this intensity. */
  readonly attainableGflops: number;
  /** Achieved GFLOP/s as a percentage of attainableGflops. */
  readonly percentOfRoof: number;
  /** Which roof limits this intensity. */
  readonly bound: 'memory' | 'compute';
}
