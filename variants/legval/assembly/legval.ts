// legval, WebAssembly rung (AssemblyScript). One source, two builds: scalar, and SIMD (--enable
// simd, f64x2 over pairs of x values). Clenshaw in numpy's form with the constants (n-1)/n and
// (2n-1)/n hoisted into a table, as the unrolled and native rungs do.
// Memory: the stub runtime's bump allocator (never frees); the JavaScript side allocates x, C and
// out once in prepare and works through views on the exported memory. Pointers are byte offsets.
import { specialised, SPECIALISED_STEP } from './legval.generated';

const MAX_DEGREE: i32 = 127;
const TA: usize = memory.data(8 * (MAX_DEGREE + 1), 16); // (n-1)/n
const TB: usize = memory.data(8 * (MAX_DEGREE + 1), 16); // (2n-1)/n
for (let n = 2; n <= MAX_DEGREE; n++) {
  store<f64>(TA + (<usize>n << 3), <f64>(n - 1) / <f64>n);
  store<f64>(TB + (<usize>n << 3), <f64>(2 * n - 1) / <f64>n);
}

/** A 16-byte-aligned block; may grow memory, after which JavaScript views must be renewed. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export const SIMD: bool = ASC_FEATURE_SIMD;

// Runtime-degree loops: degrees without a specialised kernel, and the columns it leaves. ldo is the
// output row stride.
function genericScalar(x: usize, nx: i32, c: usize, ns: i32, deg: i32, out: usize, ldo: i32): void {
  for (let s = 0; s < ns; s++) {
    const cs = c + <usize>s * (<usize>(deg + 1) << 3);
    const o = out + ((<usize>s * <usize>ldo) << 3);
    for (let i = 0; i < nx; i++) {
      const xi = load<f64>(x + (<usize>i << 3));
      let c0 = load<f64>(cs + (<usize>(deg - 1) << 3));
      let c1 = load<f64>(cs + (<usize>deg << 3));
      for (let n = deg; n >= 2; n--) {
        const previous = c0;
        c0 = load<f64>(cs + (<usize>(n - 2) << 3)) - c1 * load<f64>(TA + (<usize>n << 3));
        c1 = previous + c1 * (xi * load<f64>(TB + (<usize>n << 3)));
      }
      store<f64>(o + (<usize>i << 3), c0 + c1 * xi);
    }
  }
}

// @ts-ignore: decorator
@inline function splat(p: usize): v128 {
  return v128.load64_splat(p);
}

// Two series per pass share x * (2n-1)/n.
function genericSimd(x: usize, nx: i32, c: usize, ns: i32, deg: i32, out: usize, ldo: i32): void {
  const stride = <usize>(deg + 1) << 3;
  const rowBytes = <usize>ldo << 3;
  const nx2 = nx & ~1;
  let s = 0;
  for (; s + 2 <= ns; s += 2) {
    const ca = c + <usize>s * stride, cb = ca + stride;
    const oa = out + <usize>s * rowBytes, ob = oa + rowBytes;
    for (let i = 0; i < nx2; i += 2) {
      const off = <usize>i << 3;
      const xv = v128.load(x + off);
      let a0 = splat(ca + (<usize>(deg - 1) << 3)), a1 = splat(ca + (<usize>deg << 3));
      let b0 = splat(cb + (<usize>(deg - 1) << 3)), b1 = splat(cb + (<usize>deg << 3));
      for (let n = deg; n >= 2; n--) {
        const nb = <usize>n << 3, kb = <usize>(n - 2) << 3;
        const A = splat(TA + nb), xb = f64x2.mul(xv, splat(TB + nb));
        const ta = a0, tb = b0;
        a0 = f64x2.sub(splat(ca + kb), f64x2.mul(a1, A));
        b0 = f64x2.sub(splat(cb + kb), f64x2.mul(b1, A));
        a1 = f64x2.add(ta, f64x2.mul(a1, xb));
        b1 = f64x2.add(tb, f64x2.mul(b1, xb));
      }
      v128.store(oa + off, f64x2.add(a0, f64x2.mul(a1, xv)));
      v128.store(ob + off, f64x2.add(b0, f64x2.mul(b1, xv)));
    }
    if (nx2 < nx) genericScalar(x + (<usize>nx2 << 3), nx - nx2, ca, 2, deg, oa + (<usize>nx2 << 3), ldo);
  }
  if (s < ns) genericScalar(x, nx, c + <usize>s * stride, ns - s, deg, out + <usize>s * rowBytes, ldo);
}

function generic(x: usize, nx: i32, c: usize, ns: i32, deg: i32, out: usize, ldo: i32): void {
  if (ASC_FEATURE_SIMD) genericSimd(x, nx, c, ns, deg, out, ldo);
  else genericScalar(x, nx, c, ns, deg, out, ldo);
}

/** out[s*nx + i] = sum_k C[s*(deg+1) + k] * P_k(x[i]). */
export function legval(x: usize, nx: i32, c: usize, ns: i32, deg: i32, out: usize): void {
  if (deg < 0 || deg > MAX_DEGREE || nx <= 0 || ns <= 0) unreachable();
  if (deg == 0) {
    for (let s = 0; s < ns; s++) {
      const v = load<f64>(c + (<usize>s << 3));
      const o = out + ((<usize>s * <usize>nx) << 3);
      for (let i = 0; i < nx; i++) store<f64>(o + (<usize>i << 3), v);
    }
    return;
  }
  if (specialised(deg, x, nx, c, ns, out)) {
    const done = nx - nx % SPECIALISED_STEP;
    if (done < nx) generic(x + (<usize>done << 3), nx - done, c, ns, deg, out + (<usize>done << 3), nx);
    return;
  }
  generic(x, nx, c, ns, deg, out, nx);
}
