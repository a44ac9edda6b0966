// The compiled rungs' layout of X, built once in prepare (X is static): blocks of BLOCK points,
// coordinate-major within a block, so that one vector holds coordinate j of consecutive points:
// xb[(b*d + j)*BLOCK + l] = x[(b*BLOCK + l)*d + j]. The last block's missing lanes are zeros (their
// results are never written).

export const BLOCK = 8;

export function blockedLength(n: number, d: number): number {
  return Math.ceil(n / BLOCK) * BLOCK * d;
}

/** Packs row-major x (n × d) into `out` (zero-filled, blockedLength(n, d) values). */
export function packBlocks(x: Float64Array, n: number, d: number, out: Float64Array = new Float64Array(blockedLength(n, d))): Float64Array {
  for (let i = 0; i < n; i++) {
    const base = (i - (i % BLOCK)) * d + (i % BLOCK);
    for (let j = 0; j < d; j++) out[base + j * BLOCK] = x[i * d + j];
  }
  return out;
}
