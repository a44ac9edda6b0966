// kmeans, WebAssembly rung (AssemblyScript). One source, two builds: scalar, and SIMD (--enable
// simd, f64x2). X is packed by the JavaScript side into blocks of 8 points, coordinate-major within
// a block (variants/kmeans/blocks.ts), once, in prepare, with the points' squared norms |x|²; each
// call streams over the blocks, then updates (labels, counts, sums, inertia) for the block's points
// while they are in cache.
// - scalar: exact distances (x - c)², summed over j in the reference's order, eight points in
//   registers: results equal the reference's to the bit.
// - SIMD: the precomputed rung's expansion |x|² - 2x·c + |c|² (a multiply and an add per
//   coordinate instead of three operations), the two smallest distances kept per lane; a point whose
//   two best are within the rounding bound of each other, or whose best has cancelled too far, is
//   re-examined with exact distances, as in the precomputed rung (bounds passed from there).
// Memory: the stub runtime's bump allocator (never frees); pointers are byte offsets.

/** A 16-byte-aligned block; may grow memory, after which JavaScript views must be renewed. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export const SIMD: bool = ASC_FEATURE_SIMD;

const LANES: i32 = 8;
const BEST: usize = memory.data(8 * LANES, 16); // per lane: the smallest distance so far
const LABEL: usize = memory.data(8 * LANES, 16); // per lane: its centroid, as f64
const SECOND: usize = memory.data(8 * LANES, 16); // per lane: the second smallest (SIMD build)
const TIE_RELATIVE: f64 = 1e-9;

// @ts-ignore: decorator
@inline function sq2(acc: v128, x: v128, c: v128): v128 {
  const t = f64x2.sub(x, c);
  return f64x2.add(acc, f64x2.mul(t, t));
}

// @ts-ignore: decorator
@inline function keepMin(p: usize, acc: v128, cv: v128): void {
  const best = v128.load(BEST + p);
  const less = f64x2.lt(acc, best);
  v128.store(BEST + p, v128.bitselect(acc, best, less));
  v128.store(LABEL + p, v128.bitselect(cv, v128.load(LABEL + p), less));
}

// @ts-ignore: decorator
@inline function keepTwo(p: usize, s: v128, cv: v128): void {
  const best = v128.load(BEST + p);
  const less = f64x2.lt(s, best);
  v128.store(SECOND + p, v128.bitselect(best, f64x2.min(v128.load(SECOND + p), s), less));
  v128.store(BEST + p, v128.bitselect(s, best, less));
  v128.store(LABEL + p, v128.bitselect(cv, v128.load(LABEL + p), less));
}

// @ts-ignore: decorator
@inline function expand(xx: v128, dot: v128, cc: v128): v128 {
  return f64x2.add(f64x2.sub(xx, f64x2.add(dot, dot)), cc); // (|x|² - 2x·c) + |c|²
}

function assignSimd(block: usize, xx: usize, d: i32, c: usize, cc: usize, k: i32): void {
  for (let q = 0; q < LANES; q++) {
    store<f64>(BEST + (<usize>q << 3), Infinity);
    store<f64>(SECOND + (<usize>q << 3), Infinity);
    store<f64>(LABEL + (<usize>q << 3), 0);
  }
  const x0 = v128.load(xx), x1 = v128.load(xx, 16), x2 = v128.load(xx, 32), x3 = v128.load(xx, 48);
  for (let m = 0; m < k; m++) {
    const cm = c + (<usize>(m * d) << 3);
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let j = 0; j < d; j++) {
      const cj = v128.load64_splat(cm + (<usize>j << 3));
      const p = block + (<usize>j << 6);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), cj));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), cj));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), cj));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), cj));
    }
    const ccm = v128.load64_splat(cc + (<usize>m << 3));
    const cv = f64x2.splat(<f64>m);
    keepTwo(0, expand(x0, a0, ccm), cv);
    keepTwo(16, expand(x1, a1, ccm), cv);
    keepTwo(32, expand(x2, a2, ccm), cv);
    keepTwo(48, expand(x3, a3, ccm), cv);
  }
}

/** Lane q's exact nearest centroid by (x - c)²; its distance in BEST, its label in LABEL. */
function exactLane(block: usize, q: i32, d: i32, c: usize, k: i32): void {
  let best = Infinity;
  let label = 0;
  const x = block + (<usize>q << 3);
  for (let m = 0; m < k; m++) {
    const cm = c + (<usize>(m * d) << 3);
    let s: f64 = 0;
    for (let j = 0; j < d; j++) {
      const t = load<f64>(x + (<usize>j << 6)) - load<f64>(cm + (<usize>j << 3));
      s += t * t;
    }
    if (s < best) {
      best = s;
      label = m;
    }
  }
  store<f64>(BEST + (<usize>q << 3), best);
  store<f64>(LABEL + (<usize>q << 3), <f64>label);
}

// @ts-ignore: decorator
@inline function sq(acc: f64, p: usize, cj: f64): f64 {
  const t = load<f64>(p) - cj;
  return acc + t * t;
}

function assignScalar(block: usize, d: i32, c: usize, k: i32): void {
  let b0 = Infinity, b1 = Infinity, b2 = Infinity, b3 = Infinity, b4 = Infinity, b5 = Infinity, b6 = Infinity, b7 = Infinity;
  let l0: f64 = 0, l1: f64 = 0, l2: f64 = 0, l3: f64 = 0, l4: f64 = 0, l5: f64 = 0, l6: f64 = 0, l7: f64 = 0;
  for (let m = 0; m < k; m++) {
    const cm = c + (<usize>(m * d) << 3);
    let a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0, a5: f64 = 0, a6: f64 = 0, a7: f64 = 0;
    for (let j = 0; j < d; j++) {
      const cj = load<f64>(cm + (<usize>j << 3));
      const p = block + (<usize>j << 6);
      a0 = sq(a0, p, cj); a1 = sq(a1, p + 8, cj); a2 = sq(a2, p + 16, cj); a3 = sq(a3, p + 24, cj);
      a4 = sq(a4, p + 32, cj); a5 = sq(a5, p + 40, cj); a6 = sq(a6, p + 48, cj); a7 = sq(a7, p + 56, cj);
    }
    const mf = <f64>m;
    if (a0 < b0) { b0 = a0; l0 = mf; }
    if (a1 < b1) { b1 = a1; l1 = mf; }
    if (a2 < b2) { b2 = a2; l2 = mf; }
    if (a3 < b3) { b3 = a3; l3 = mf; }
    if (a4 < b4) { b4 = a4; l4 = mf; }
    if (a5 < b5) { b5 = a5; l5 = mf; }
    if (a6 < b6) { b6 = a6; l6 = mf; }
    if (a7 < b7) { b7 = a7; l7 = mf; }
  }
  store<f64>(BEST, b0); store<f64>(BEST, b1, 8); store<f64>(BEST, b2, 16); store<f64>(BEST, b3, 24);
  store<f64>(BEST, b4, 32); store<f64>(BEST, b5, 40); store<f64>(BEST, b6, 48); store<f64>(BEST, b7, 56);
  store<f64>(LABEL, l0); store<f64>(LABEL, l1, 8); store<f64>(LABEL, l2, 16); store<f64>(LABEL, l3, 24);
  store<f64>(LABEL, l4, 32); store<f64>(LABEL, l5, 40); store<f64>(LABEL, l6, 48); store<f64>(LABEL, l7, 56);
}

/**
 * One Lloyd assignment over blocked X (xb) with its points' squared norms (xx, padded like xb),
 * centroids c (k × d) and room for their norms (cc, k values). Writes labels (i32[n]), the
 * per-cluster coordinate sums (f64[k*d]) and point counts (f64[k]); returns the inertia. The
 * JavaScript side divides sums by counts. rounding and cancellation: the near-tie bounds, as
 * fractions of |x|² + max |c|² (SIMD build).
 */
export function kmeans(xb: usize, xx: usize, n: i32, d: i32, c: usize, cc: usize, k: i32, labels: usize, sums: usize, counts: usize, rounding: f64, cancellation: f64): f64 {
  memory.fill(sums, 0, <usize>(k * d) << 3);
  memory.fill(counts, 0, <usize>k << 3);
  let ccMax: f64 = 0;
  for (let m = 0; m < k; m++) {
    const cm = c + (<usize>(m * d) << 3);
    let s: f64 = 0;
    for (let j = 0; j < d; j++) s += load<f64>(cm + (<usize>j << 3)) * load<f64>(cm + (<usize>j << 3));
    store<f64>(cc + (<usize>m << 3), s);
    ccMax = max(ccMax, s);
  }
  let inertia: f64 = 0;
  const blocks = (n + LANES - 1) / LANES;
  for (let b = 0; b < blocks; b++) {
    const block = xb + ((<usize>b * <usize>d) << 6);
    if (ASC_FEATURE_SIMD) assignSimd(block, xx + (<usize>b << 6), d, c, cc, k);
    else assignScalar(block, d, c, k);
    const lanes = min(LANES, n - b * LANES);
    for (let q = 0; q < lanes; q++) {
      if (ASC_FEATURE_SIMD) {
        const best = load<f64>(BEST + (<usize>q << 3));
        const scale = load<f64>(xx + (<usize>(b * LANES + q) << 3)) + ccMax;
        if (load<f64>(SECOND + (<usize>q << 3)) - best <= rounding * scale + TIE_RELATIVE * abs(best) || best <= cancellation * scale) {
          exactLane(block, q, d, c, k);
        }
      }
      const label = <i32>load<f64>(LABEL + (<usize>q << 3));
      store<i32>(labels + (<usize>(b * LANES + q) << 2), label);
      inertia += load<f64>(BEST + (<usize>q << 3));
      const cp = counts + (<usize>label << 3);
      store<f64>(cp, load<f64>(cp) + 1);
    }
    if (ASC_FEATURE_SIMD) addPairs(block, d, sums, b * LANES, labels, lanes);
    else for (let q = 0; q < lanes; q++) addPoint(block, q, d, sums, load<i32>(labels + (<usize>(b * LANES + q) << 2)));
  }
  return inertia;
}

/** sums[label] += the point in lane q of a block (its coordinates 64 bytes apart), coordinate by coordinate. */
function addPoint(block: usize, q: i32, d: i32, sums: usize, label: i32): void {
  const s = sums + (<usize>(label * d) << 3);
  const x = block + (<usize>q << 3);
  for (let j = 0; j < d; j++) {
    const sj = s + (<usize>j << 3);
    store<f64>(sj, load<f64>(sj) + load<f64>(x + (<usize>j << 6)));
  }
}

/**
 * The block's points added to their clusters' sums two at a time (SIMD build): the pair's two
 * coordinates j, j+1 are one 2 × 2 transpose of the block's rows away from two f64x2 adds, one per
 * point. Point q is added before q+1 (they may share a cluster), so every sum still adds its
 * points in index order: the sums are bitwise those of addPoint.
 */
function addPairs(block: usize, d: i32, sums: usize, first: i32, labels: usize, lanes: i32): void {
  let q = 0;
  for (; q + 1 < lanes; q += 2) {
    const sa = sums + (<usize>(load<i32>(labels + (<usize>(first + q) << 2)) * d) << 3);
    const sb = sums + (<usize>(load<i32>(labels + (<usize>(first + q + 1) << 2)) * d) << 3);
    const x = block + (<usize>q << 3);
    let j = 0;
    for (; j + 1 < d; j += 2) {
      const r0 = v128.load(x + (<usize>j << 6));
      const r1 = v128.load(x + (<usize>(j + 1) << 6));
      const pa = sa + (<usize>j << 3);
      v128.store(pa, f64x2.add(v128.load(pa), v128.shuffle<f64>(r0, r1, 0, 2)));
      const pb = sb + (<usize>j << 3);
      v128.store(pb, f64x2.add(v128.load(pb), v128.shuffle<f64>(r0, r1, 1, 3)));
    }
    if (j < d) {
      const r = x + (<usize>j << 6);
      const pa = sa + (<usize>j << 3);
      store<f64>(pa, load<f64>(pa) + load<f64>(r));
      const pb = sb + (<usize>j << 3);
      store<f64>(pb, load<f64>(pb) + load<f64>(r, 8));
    }
  }
  if (q < lanes) addPoint(block, q, d, sums, load<i32>(labels + (<usize>(first + q) << 2)));
}
