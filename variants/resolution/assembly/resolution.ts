// resolution, WebAssembly rung (AssemblyScript). One source, two builds: scalar, and SIMD (--enable
// simd, f64x2). The unrolled rung's algorithm: Householder reduction on the lower triangle, Qᵀ
// accumulated backwards, implicit QL whose sweeps are recorded and applied afterwards down the
// eigenvectors (kept as rows of Vᵀ, padded to a multiple of 8 components): for each group of
// components a chain of rotations, one load and one store per step, four chains side by side
// (SIMD: four two-lane vectors); Cov's diagonal blocks and the inverse square roots by rank-1
// updates. `prepare` allocates every buffer (so memory never grows during a call); `resolution`
// returns 0, or 1 when a QL iteration cap was reached. WebAssembly has no fused multiply-add.
// Memory: the stub runtime's bump allocator (never frees); pointers are byte offsets.

/** A 16-byte-aligned block; may grow memory, after which JavaScript views must be renewed. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export const SIMD: bool = ASC_FEATURE_SIMD;

const MAX_QL_ITERATIONS: i32 = 30;
const THRESHOLD: f64 = 10 * f64.EPSILON;
const CHUNK: i32 = 8; // components per group of chains

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function ptr(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** The buffers of an eigh of order n: a (n × n), vt (n × ld), d, e, v, p, cs, sn (n each). */
class Workspace {
  n: i32;
  ld: i32;
  a: usize;
  vt: usize;
  d: usize;
  e: usize;
  v: usize;
  p: usize;
  cs: usize;
  sn: usize;
  constructor(n: i32) {
    this.n = n;
    this.ld = (n + CHUNK - 1) / CHUNK * CHUNK;
    this.a = heap.alloc(<usize>(n * n) << 3);
    this.vt = heap.alloc(<usize>(n * this.ld) << 3);
    this.d = heap.alloc(<usize>n << 3);
    this.e = heap.alloc(<usize>n << 3);
    this.v = heap.alloc(<usize>n << 3);
    this.p = heap.alloc(<usize>n << 3);
    this.cs = heap.alloc(<usize>n << 3);
    this.sn = heap.alloc(<usize>n << 3);
  }
}

let big: Workspace | null = null;
let small: Workspace | null = null;
let F: usize = 0;
let G: usize = 0;
let Q: usize = 0;

/** Allocates the buffers of one size (nspec fibers × nwave wavelengths); call before making views. */
export function prepare(nspec: i32, nwave: i32): void {
  big = new Workspace(nspec * nwave);
  small = new Workspace(nwave);
  F = heap.alloc(<usize>(nspec * nwave) << 3);
  G = heap.alloc(<usize>nwave << 3);
  Q = heap.alloc(<usize>(nwave * nwave) << 3);
}

function dot(a: usize, b: usize, n: i32): f64 {
  let s0: f64 = 0, s1: f64 = 0;
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    s0 += at(a, k) * at(b, k);
    s1 += at(a, k + 1) * at(b, k + 1);
  }
  if (k < n) s0 += at(a, k) * at(b, k);
  return s0 + s1;
}

/** y[k] += alpha·x[k], k < n. */
function axpy(alpha: f64, x: usize, y: usize, n: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f64x2.splat(alpha);
    for (; k + 2 <= n; k += 2) v128.store(ptr(y, k), f64x2.add(v128.load(ptr(y, k)), f64x2.mul(va, v128.load(ptr(x, k)))));
  }
  for (; k < n; k++) put(y, k, at(y, k) + alpha * at(x, k));
}

/** Householder on the lower triangle of w.a; reflection k's unit vector left in column k. */
function reduce(w: Workspace): void {
  const n = w.n, a = w.a, d = w.d, e = w.e, v = w.v, p = w.p;
  for (let k = 0; k < n - 2; k++) {
    put(d, k, at(a, k * n + k));
    let norm: f64 = 0;
    for (let i = k + 1; i < n; i++) norm += at(a, i * n + k) * at(a, i * n + k);
    norm = Math.sqrt(norm);
    if (norm == 0) {
      put(e, k, 0);
      continue;
    }
    const alpha = at(a, (k + 1) * n + k) >= 0 ? -norm : norm;
    let vnorm: f64 = 0;
    for (let i = k + 1; i < n; i++) {
      const vi = at(a, i * n + k) - (i == k + 1 ? alpha : 0);
      put(v, i, vi);
      vnorm += vi * vi;
    }
    const scale = 1 / Math.sqrt(vnorm);
    for (let i = k + 1; i < n; i++) {
      put(v, i, at(v, i) * scale);
      put(p, i, 0);
    }
    // p = A·v from the lower triangle: row i's left part is a dot product for p_i and an axpy into p_j.
    for (let i = k + 1; i < n; i++) {
      const row = ptr(a, i * n);
      const vi = at(v, i);
      const len = i - k - 1;
      const s = dot(ptr(row, k + 1), ptr(v, k + 1), len);
      axpy(vi, ptr(row, k + 1), ptr(p, k + 1), len);
      put(p, i, at(p, i) + s + at(row, i) * vi);
    }
    const vp = dot(ptr(v, k + 1), ptr(p, k + 1), n - k - 1);
    for (let i = k + 1; i < n; i++) put(p, i, 2 * (at(p, i) - vp * at(v, i)));
    for (let i = k + 1; i < n; i++) {
      const row = ptr(a, i * n);
      axpy(-at(v, i), ptr(p, k + 1), ptr(row, k + 1), i - k);
      axpy(-at(p, i), ptr(v, k + 1), ptr(row, k + 1), i - k);
    }
    put(e, k, alpha);
    for (let i = k + 1; i < n; i++) put(a, i * n + k, at(v, i));
  }
  if (n >= 2) {
    put(d, n - 2, at(a, (n - 2) * n + n - 2));
    put(e, n - 2, at(a, (n - 1) * n + n - 2));
    put(a, (n - 1) * n + n - 2, 0);
  }
  put(d, n - 1, at(a, (n - 1) * n + n - 1));
  put(e, n - 1, 0);
}

/** Qᵀ = H_{n-3}···H_0 into w.vt: row i of M·H_k is M_i - 2(M_i·v)·vᵀ on the trailing columns. */
function accumulate(w: Workspace): void {
  const n = w.n, ld = w.ld, a = w.a, vt = w.vt, v = w.v;
  memory.fill(vt, 0, <usize>(n * ld) << 3);
  for (let i = 0; i < n; i++) put(vt, i * ld + i, 1);
  for (let k = n - 3; k >= 0; k--) {
    let any = false;
    for (let i = k + 1; i < n; i++) {
      const vi = at(a, i * n + k);
      put(v, i, vi);
      if (vi != 0) any = true;
    }
    if (!any) continue;
    for (let i = k + 1; i < n; i++) {
      const row = ptr(vt, i * ld + k + 1);
      const t = dot(row, ptr(v, k + 1), n - k - 1);
      if (t != 0) axpy(-2 * t, ptr(v, k + 1), row, n - k - 1);
    }
  }
}

/** One sweep's rotations (q = m-1 down to lo) applied to rows lo..m of vt, CHUNK components at a time. */
function applySweep(vt: usize, ld: i32, lo: i32, m: i32, cs: usize, sn: usize): void {
  for (let k = 0; k < ld; k += CHUNK) {
    if (ASC_FEATURE_SIMD) {
      const top = ptr(vt, m * ld + k);
      let t0 = v128.load(top), t1 = v128.load(top, 16), t2 = v128.load(top, 32), t3 = v128.load(top, 48);
      for (let q = m - 1; q >= lo; q--) {
        const c = f64x2.splat(at(cs, q));
        const s = f64x2.splat(at(sn, q));
        const row = ptr(vt, q * ld + k);
        const below = row + (<usize>ld << 3);
        const x0 = v128.load(row), x1 = v128.load(row, 16), x2 = v128.load(row, 32), x3 = v128.load(row, 48);
        v128.store(below, f64x2.add(f64x2.mul(s, x0), f64x2.mul(c, t0)));
        v128.store(below, f64x2.add(f64x2.mul(s, x1), f64x2.mul(c, t1)), 16);
        v128.store(below, f64x2.add(f64x2.mul(s, x2), f64x2.mul(c, t2)), 32);
        v128.store(below, f64x2.add(f64x2.mul(s, x3), f64x2.mul(c, t3)), 48);
        t0 = f64x2.sub(f64x2.mul(c, x0), f64x2.mul(s, t0));
        t1 = f64x2.sub(f64x2.mul(c, x1), f64x2.mul(s, t1));
        t2 = f64x2.sub(f64x2.mul(c, x2), f64x2.mul(s, t2));
        t3 = f64x2.sub(f64x2.mul(c, x3), f64x2.mul(s, t3));
      }
      const bottom = ptr(vt, lo * ld + k);
      v128.store(bottom, t0);
      v128.store(bottom, t1, 16);
      v128.store(bottom, t2, 32);
      v128.store(bottom, t3, 48);
    } else {
      for (let h = 0; h < CHUNK; h += 4) {
        const top = ptr(vt, m * ld + k + h);
        let t0 = load<f64>(top), t1 = load<f64>(top, 8), t2 = load<f64>(top, 16), t3 = load<f64>(top, 24);
        for (let q = m - 1; q >= lo; q--) {
          const c = at(cs, q);
          const s = at(sn, q);
          const row = ptr(vt, q * ld + k + h);
          const below = row + (<usize>ld << 3);
          const x0 = load<f64>(row), x1 = load<f64>(row, 8), x2 = load<f64>(row, 16), x3 = load<f64>(row, 24);
          store<f64>(below, s * x0 + c * t0);
          store<f64>(below, s * x1 + c * t1, 8);
          store<f64>(below, s * x2 + c * t2, 16);
          store<f64>(below, s * x3 + c * t3, 24);
          t0 = c * x0 - s * t0;
          t1 = c * x1 - s * t1;
          t2 = c * x2 - s * t2;
          t3 = c * x3 - s * t3;
        }
        const bottom = ptr(vt, lo * ld + k + h);
        store<f64>(bottom, t0);
        store<f64>(bottom, t1, 8);
        store<f64>(bottom, t2, 16);
        store<f64>(bottom, t3, 24);
      }
    }
  }
}

/** Implicit QL with Wilkinson's shift; false when an eigenvalue needed more than the cap. */
function ql(w: Workspace): bool {
  const n = w.n, d = w.d, e = w.e, cs = w.cs, sn = w.sn;
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      let m = l;
      while (m < n - 1 && !(Math.abs(at(e, m)) <= f64.EPSILON * (Math.abs(at(d, m)) + Math.abs(at(d, m + 1))))) m++;
      if (m == l) break;
      if (iteration >= MAX_QL_ITERATIONS) return false;
      let g = (at(d, l + 1) - at(d, l)) / (2 * at(e, l));
      let r = Math.hypot(g, 1);
      g = at(d, m) - at(d, l) + at(e, l) / (g + (g >= 0 ? r : -r));
      let s: f64 = 1, c: f64 = 1, shift: f64 = 0;
      let split = false;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * at(e, i);
        const b = c * at(e, i);
        r = Math.hypot(f, g);
        put(e, i + 1, r);
        if (r == 0) {
          put(d, i + 1, at(d, i + 1) - shift);
          put(e, m, 0);
          split = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = at(d, i + 1) - shift;
        r = (at(d, i) - g) * s + 2 * c * b;
        shift = s * r;
        put(d, i + 1, g + shift);
        g = c * r - b;
        put(cs, i, c);
        put(sn, i, s);
      }
      const lo = split ? i + 1 : l;
      if (lo < m) applySweep(w.vt, w.ld, lo, m, cs, sn);
      if (split) continue;
      put(d, l, at(d, l) - shift);
      put(e, l, g);
      put(e, m, 0);
    }
  }
  return true;
}

function eigh(w: Workspace): bool {
  reduce(w);
  accumulate(w);
  return ql(w);
}

/** out (m × m) = Σ_k weight[k]·u_k·u_kᵀ, u_k = m values at rows + k·stride (doubles). */
function weightedGram(rows: usize, stride: i32, count: i32, weight: usize, m: i32, out: usize): void {
  memory.fill(out, 0, <usize>(m * m) << 3);
  for (let k = 0; k < count; k++) {
    const u = ptr(rows, k * stride);
    const wk = at(weight, k);
    for (let i = 0; i < m; i++) axpy(wk * at(u, i), u, ptr(out, i * m), m);
  }
}

/** R's diagonal blocks and ivar from iCov (nflux × nflux); 0, or 1 when the QL cap was reached. */
export function resolution(icov: usize, nspec: i32, nwave: i32, r: usize, ivar: usize): i32 {
  const b1 = big!, s1 = small!;
  const n = nspec * nwave;
  for (let q = 0; q < n * n; q++) {
    if (!isFinite<f64>(at(icov, q))) {
      for (let k = 0; k < n * nwave; k++) put(r, k, NaN);
      for (let k = 0; k < n; k++) put(ivar, k, NaN);
      return 0;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) put(b1.a, i * n + j, 0.5 * (at(icov, i * n + j) + at(icov, j * n + i)));
  }
  if (!eigh(b1)) return 1;
  let maxval = -Infinity;
  for (let k = 0; k < n; k++) maxval = Math.max(maxval, at(b1.d, k));
  const minval = maxval * THRESHOLD;
  for (let k = 0; k < n; k++) {
    const v = at(b1.d, k);
    put(F, k, v > minval ? 1 / v : 1 / minval);
  }
  for (let b = 0; b < nspec; b++) {
    const c0 = b * nwave;
    weightedGram(ptr(b1.vt, c0), b1.ld, n, F, nwave, s1.a);
    if (!eigh(s1)) return 1;
    let maxc = -Infinity;
    for (let k = 0; k < nwave; k++) maxc = Math.max(maxc, at(s1.d, k));
    const rootMin = Math.sqrt(maxc) * THRESHOLD;
    for (let k = 0; k < nwave; k++) {
      const root = Math.sqrt(at(s1.d, k));
      put(G, k, root > rootMin ? 1 / root : 1 / rootMin);
    }
    weightedGram(s1.vt, s1.ld, nwave, G, nwave, Q);
    for (let i = 0; i < nwave; i++) {
      let norm: f64 = 0;
      for (let j = 0; j < nwave; j++) norm += at(Q, i * nwave + j);
      for (let j = 0; j < nwave; j++) put(r, (c0 + i) * nwave + j, at(Q, i * nwave + j) / norm);
      put(ivar, c0 + i, norm * norm);
    }
  }
  return 0;
}
