// The static structure of a patch's normal equations, computed once in prepare from the stamps'
// positions (never from ivar or the pixels): which pairs of flux bins overlap and where, and the
// envelope of iCov, inside which its Cholesky factor stays (no fill-in outside a row's first
// non-zero). Shared by the precomputed, unrolled, wasm and native rungs.

import { NX, NY } from '../../kernels/ghspots/index.js';
import type { Patch } from '../../kernels/normaleq/patch.js';

/**
 * Pair q (i ≤ j, sorted by j, then i) shares `rows[q]` × `cols[q]` pixels; its first shared pixel is
 * `pixel[q]` in the patch and `offI[q]`, `offJ[q]` within stamps i and j (rows 17 apart in a stamp,
 * nx apart in the patch). Row j of iCov is non-zero from column first[j] to j (and symmetrically).
 * The skyline storage of the factor keeps row j's columns first[j]..j at rowStart[j]...
 */
export interface Overlaps {
  readonly n: number;
  readonly count: number;
  readonly pi: Int32Array;
  readonly pj: Int32Array;
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly pixel: Int32Array;
  readonly offI: Int32Array;
  readonly offJ: Int32Array;
  /** The pairs for the compiled rungs: 7 values per pair (i, j, rows, cols, pixel, offI, offJ). */
  readonly packed: Int32Array;
  readonly first: Int32Array;
  readonly rowStart: Int32Array;
  /** Values of the skyline factor. */
  readonly skyline: number;
}

export function findOverlaps(patch: Patch): Overlaps {
  const n = patch.nspec * patch.nwave;
  const { row0, col0, nx } = patch;
  const found: number[][] = [];
  const first = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    first[j] = j;
    for (let i = 0; i <= j; i++) {
      const r0 = Math.max(row0[i], row0[j]);
      const r1 = Math.min(row0[i], row0[j]) + NY;
      const c0 = Math.max(col0[i], col0[j]);
      const c1 = Math.min(col0[i], col0[j]) + NX;
      if (r0 >= r1 || c0 >= c1) continue;
      if (i < first[j]) first[j] = i;
      found.push([i, j, r1 - r0, c1 - c0, r0 * nx + c0, (r0 - row0[i]) * NX + (c0 - col0[i]), (r0 - row0[j]) * NX + (c0 - col0[j])]);
    }
  }
  const column = (k: number) => Int32Array.from(found, (f) => f[k]);
  const rowStart = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) rowStart[j + 1] = rowStart[j] + (j - first[j] + 1);
  return {
    n, count: found.length, pi: column(0), pj: column(1), rows: column(2), cols: column(3), pixel: column(4), offI: column(5), offJ: column(6),
    packed: Int32Array.from(found.flat()), first, rowStart, skyline: rowStart[n],
  };
}
