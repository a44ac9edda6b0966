// Seeded pseudo-random numbers. Inputs must be identical in every child process of a cell and in
// every re-analysis (bootstrap), so nothing in hotbench may use Math.random.
//
// The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state),
// seeded through splitmix32 so that nearby seeds give unrelated streams.

export interface Random {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform double in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal deviate (Box-Muller; one value per call, the pair's twin is discarded). */
  normal(): number;
  /**
   * Fills `out` with uniform doubles in [low, high): the same values, in order, as that many
   * `uniform(low, high)` calls, in a tight loop (inputs of millions of values are generated in
   * every child process).
   */
  fillUniform(out: Float64Array, low: number, high: number): Float64Array;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const mix = splitmix32(Math.trunc(seed));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();

  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // Warm the state up so weak seeds do not show in the first outputs.
  for (let i = 0; i < 12; i++) next32();

  const next = (): number => {
    const high = next32() >>> 5; // 27 bits
    const low = next32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  };

  const fillUniform = (out: Float64Array, low: number, high: number): Float64Array => {
    // next() inlined with the state in locals: the same stream, several times faster.
    let [sa, sb, sc, sd] = [a, b, c, d];
    const span = high - low;
    for (let i = 0; i < out.length; i++) {
      let t = (((sa + sb) >>> 0) + sd) >>> 0;
      sd = (sd + 1) >>> 0;
      sa = sb ^ (sb >>> 9);
      sb = (sc + (sc << 3)) >>> 0;
      sc = (sc << 21) | (sc >>> 11);
      sc = (sc + t) >>> 0;
      const high27 = t >>> 5;
      t = (((sa + sb) >>> 0) + sd) >>> 0;
      sd = (sd + 1) >>> 0;
      sa = sb ^ (sb >>> 9);
      sb = (sc + (sc << 3)) >>> 0;
      sc = (sc << 21) | (sc >>> 11);
      sc = (sc + t) >>> 0;
      out[i] = low + span * ((high27 * 67108864 + (t >>> 6)) / 9007199254740992);
    }
    [a, b, c, d] = [sa, sb, sc, sd];
    return out;
  };

  return {
    next,
    fillUniform,
    uniform: (low, high) => low + (high - low) * next(),
    int: (n) => Math.floor(next() * n),
    normal: () => {
      let u = next();
      while (u === 0) u = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}
