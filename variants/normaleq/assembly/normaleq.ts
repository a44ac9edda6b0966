// normaleq, WebAssembly rung (AssemblyScript). One source, two builds: scalar, and SIMD (--enable
// simd, f64x2). The unrolled rung's algorithm: per stamp WA = ivar ⊙ A, its column weight and y
// from the weighted pixels; per overlapping pair (the static structure of overlaps.ts, copied into
// this module's memory once, in prepare) a dot product of stamp rows; specter's regularisation;
// the skyline Cholesky and the triangular solves. Every dot product has four accumulators (scalar
// build) or four two-lane accumulators (SIMD). WebAssembly has no fused multiply-add.
// Memory: the stub runtime's bump allocator (never frees); pointers are byte offsets.

/** A 16-byte-aligned block; may grow memory, after which JavaScript views must be renewed. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export const SIMD: bool = ASC_FEATURE_SIMD;

const NY: i32 = 11;
const NX: i32 = 17;
const SPOT: i32 = NY * NX;
const MIN_WEIGHT_FRACTION: f64 = 0.01;

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function int(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

function dotScalar(a: usize, b: usize, n: i32): f64 {
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 3;
    s0 += load<f64>(a + o) * load<f64>(b + o);
    s1 += load<f64>(a + o, 8) * load<f64>(b + o, 8);
    s2 += load<f64>(a + o, 16) * load<f64>(b + o, 16);
    s3 += load<f64>(a + o, 24) * load<f64>(b + o, 24);
  }
  for (; k < n; k++) s0 += at(a, k) * at(b, k);
  return (s0 + s1) + (s2 + s3);
}

function dotSimd(a: usize, b: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let k = 0;
  for (; k + 8 <= n; k += 8) {
    const pa = a + (<usize>k << 3);
    const pb = b + (<usize>k << 3);
    s0 = f64x2.add(s0, f64x2.mul(v128.load(pa), v128.load(pb)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(pa, 16), v128.load(pb, 16)));
    s2 = f64x2.add(s2, f64x2.mul(v128.load(pa, 32), v128.load(pb, 32)));
    s3 = f64x2.add(s3, f64x2.mul(v128.load(pa, 48), v128.load(pb, 48)));
  }
  for (; k + 2 <= n; k += 2) s0 = f64x2.add(s0, f64x2.mul(v128.load(a + (<usize>k << 3)), v128.load(b + (<usize>k << 3))));
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; k < n; k++) t += at(a, k) * at(b, k);
  return t;
}

// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, n: i32): f64 {
  if (ASC_FEATURE_SIMD) return dotSimd(a, b, n);
  return dotScalar(a, b, n);
}

/** The skyline Cholesky of h's envelope into l and the solve for x; false when a pivot is not positive. */
function skylineSolve(h: usize, y: usize, n: i32, first: usize, rowStart: usize, l: usize, x: usize): bool {
  for (let i = 0; i < n; i++) {
    const fi = int(first, i);
    const li = l + (<usize>(int(rowStart, i) - fi) << 3); // li[k] = L_ik
    for (let j = fi; j < i; j++) {
      const fj = int(first, j);
      const lj = l + (<usize>(int(rowStart, j) - fj) << 3);
      const k0 = fi > fj ? fi : fj;
      put(li, j, (at(h, i * n + j) - dot(li + (<usize>k0 << 3), lj + (<usize>k0 << 3), j - k0)) / at(lj, j));
    }
    const pivot = at(h, i * n + i) - dot(li + (<usize>fi << 3), li + (<usize>fi << 3), i - fi);
    if (!(pivot > 0)) return false;
    put(li, i, Math.sqrt(pivot));
  }
  for (let i = 0; i < n; i++) {
    const fi = int(first, i);
    const li = l + (<usize>(int(rowStart, i) - fi) << 3);
    put(x, i, (at(y, i) - dot(li + (<usize>fi << 3), x + (<usize>fi << 3), i - fi)) / at(li, i));
  }
  for (let i = n - 1; i >= 0; i--) {
    const fi = int(first, i);
    const li = l + (<usize>(int(rowStart, i) - fi) << 3);
    const xi = at(x, i) / at(li, i);
    put(x, i, xi);
    for (let k = fi; k < i; k++) put(x, k, at(x, k) - at(li, k) * xi);
  }
  return true;
}

/**
 * iCov's envelope entries (the rest of icov must be zero) and x for one exposure; wa (n·187),
 * wpix (npix), y, fluxweight (n) and l (the skyline) are scratch.
 */
export function normaleq(stamps: usize, n: i32, row0: usize, col0: usize, nx: i32, npix: i32, pairs: usize, npairs: i32, first: usize, rowStart: usize,
  pixels: usize, ivar: usize, icov: usize, x: usize, wa: usize, wpix: usize, y: usize, fluxweight: usize, l: usize): void {
  for (let p = 0; p < npix; p++) {
    const w = at(ivar, p);
    put(wpix, p, w == 0 ? 0 : w * at(pixels, p));
  }
  let maxWeight = -Infinity;
  for (let j = 0; j < n; j++) {
    const stamp = stamps + (<usize>(j * SPOT) << 3);
    const w = wa + (<usize>(j * SPOT) << 3);
    let weight: f64 = 0;
    let t: f64 = 0;
    for (let r = 0; r < NY; r++) {
      const p = (int(row0, j) + r) * nx + int(col0, j);
      for (let c = 0; c < NX; c++) {
        const v = at(ivar, p + c) * at(stamp, r * NX + c);
        put(w, r * NX + c, v);
        weight += v;
      }
      t += dot(stamp + (<usize>(r * NX) << 3), wpix + (<usize>p << 3), NX);
    }
    put(fluxweight, j, weight);
    put(y, j, t);
    if (weight > maxWeight) maxWeight = weight;
  }
  for (let q = 0; q < npairs; q++) {
    const pair = pairs + (<usize>(7 * q) << 2);
    const i = load<i32>(pair);
    const j = load<i32>(pair, 4);
    const rows = load<i32>(pair, 8);
    const cols = load<i32>(pair, 12);
    const a = wa + (<usize>(i * SPOT + load<i32>(pair, 20)) << 3);
    const b = stamps + (<usize>(j * SPOT + load<i32>(pair, 24)) << 3);
    let s: f64;
    if (cols == NX) s = dot(a, b, rows * NX);
    else {
      s = 0;
      for (let r = 0; r < rows; r++) s += dot(a + (<usize>(r * NX) << 3), b + (<usize>(r * NX) << 3), cols);
    }
    put(icov, i * n + j, s);
    put(icov, j * n + i, s);
  }
  const minweight = MIN_WEIGHT_FRACTION * maxWeight;
  let finite = true;
  for (let j = 0; j < n; j++) {
    const w = at(fluxweight, j);
    if (w < minweight) put(icov, j * n + j, at(icov, j * n + j) + (minweight - w) * (minweight - w));
    if (!isFinite<f64>(at(y, j))) finite = false;
  }
  if (!finite || !skylineSolve(icov, y, n, first, rowStart, l, x)) {
    for (let j = 0; j < n; j++) put(x, j, NaN);
  }
}
