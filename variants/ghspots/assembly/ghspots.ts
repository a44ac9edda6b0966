// ghspots, WebAssembly rung (AssemblyScript). One source, two builds: scalar, and SIMD (--enable simd,
// f64x2). Per spot: the 12 row edges and 18 column edges get exp(-u²/2) once, shared by φ and Cody's
// erfc (erfc(|x|) = exp(-x²)·R(|x|) with x = -u/√2), and He_0..He_5 times φ; the pixel integrals
// are differences of neighbouring edges; then U = Gᵀ·pghY and S = Uᵀ·pghX (y contracted first:
// fewer operations than x first). The scalar build goes through a 32-lane batch (lanes 0..11 rows,
// 12..29 columns), branches per edge on Cody's interval and uses the standard library's exp. The
// SIMD build takes each axis two edges at a time with its own two-lane exp (Cody-Waite reduction,
// degree-11 polynomial by Estrin's scheme, 2^n from the exponent bits), Cody's intervals selected per
// lane (an interval only computed when a lane needs it), and forms that axis's pixel integrals in
// registers as it goes (one shuffle per row), with no batch in memory.
// Memory: the stub runtime's bump allocator; JavaScript allocates inputs and output once in prepare
// and works through views on the exported memory. Pointers are byte offsets.

const HY: i32 = 5, HX: i32 = 8, NY: i32 = 11, NX: i32 = 17, NG: i32 = 7, SPOT: i32 = 187;
const EY: i32 = 12, EX: i32 = 18, LANES: i32 = 32, XP: i32 = 20;
const INV_SQRT_2PI: f64 = 0.3989422804014327;
const SQRT1_2: f64 = 0.7071067811865476;

// Scalar: the 32-lane edge batch, its values, and the pixel integrals.
const U: usize = memory.data(8 * LANES, 16);
const E: usize = memory.data(8 * NG * LANES, 16); // E[m][lane]: m = 0 Φ, m = 1..6 He_{m-1}·φ
const PY: usize = memory.data(8 * NG * 12, 16); // pghY[m][y], rows of 12
const PX: usize = memory.data(8 * NG * XP, 16); // pghX[m][x], rows of 20 (3 zeros)
const T: usize = memory.data(8 * NG * 12, 16); // both builds: U[j][y] = Σ_i G[i][j]·pghY_i[y], rows of 12
// SIMD: pghY and pghX rows with two scratch columns in front (see axisSimd): rows of 14 and 20.
const PYS: i32 = 14;
const PY_SIMD: usize = memory.data(8 * NG * PYS, 16) + 16;
const PX_SIMD: usize = memory.data(8 * NG * XP, 16) + 16;

/** A 16-byte-aligned block; may grow memory, after which JavaScript views must be renewed. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export const SIMD: bool = ASC_FEATURE_SIMD;

// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 3);
}

// ---- scalar ------------------------------------------------------------------------------------

/** erfc(y)·exp(y²) for y > 0.46875. */
function scaledTail(y: f64): f64 {
  if (y <= 4.0) {
    let num = 2.15311535474403846e-8 * y + 0.564188496988670089;
    num = num * y + 8.88314979438837594;
    num = num * y + 66.1191906371416295;
    num = num * y + 298.635138197400131;
    num = num * y + 881.95222124176909;
    num = num * y + 1712.04761263407058;
    num = num * y + 2051.07837782607147;
    num = num * y + 1230.33935479799725;
    let den = y + 15.7449261107098347;
    den = den * y + 117.693950891312499;
    den = den * y + 537.181101862009858;
    den = den * y + 1621.38957456669019;
    den = den * y + 3290.79923573345963;
    den = den * y + 4362.61909014324716;
    den = den * y + 3439.36767414372164;
    den = den * y + 1230.33935480374942;
    return num / den;
  }
  const z = 1.0 / (y * y);
  let p = 0.0163153871373020978 * z + 0.305326634961232344;
  p = p * z + 0.360344899949804439;
  p = p * z + 0.125781726111229246;
  p = p * z + 0.0160837851487422766;
  p = p * z + 6.58749161529837803e-4;
  let q = z + 2.56852019228982242;
  q = q * z + 1.87295284992346047;
  q = q * z + 0.527905102951428412;
  q = q * z + 0.0605183413124413191;
  q = q * z + 0.00233520497626869185;
  return (0.56418958354775628695 - (z * p) / q) / y;
}

/** Φ(u) given e = exp(-u²/2). */
function cdf(u: f64, e: f64): f64 {
  const x = -u * SQRT1_2;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const z = y * y;
    let a = 0.185777706184603153 * z + 3.1611237438705656;
    a = a * z + 113.864154151050156;
    a = a * z + 377.485237685302021;
    a = a * z + 3209.37758913846947;
    let b = z + 23.6012909523441209;
    b = b * z + 244.024637934444173;
    b = b * z + 1282.61652607737228;
    b = b * z + 2844.23683343917062;
    return (1.0 - (x * a) / b) * 0.5;
  }
  const half = e * scaledTail(y) * 0.5;
  return x < 0 ? 1.0 - half : half;
}

function edgesScalar(): void {
  for (let k = 0; k < LANES; k++) {
    const u = load<f64>(at(U, k));
    const e = Math.exp(-0.5 * u * u);
    const phi = e * INV_SQRT_2PI;
    store<f64>(at(E, k), cdf(u, e));
    let a = phi, b = u * phi;
    store<f64>(at(E, LANES + k), a);
    store<f64>(at(E, 2 * LANES + k), b);
    for (let m = 2; m < 6; m++) {
      const c = u * b - <f64>(m - 1) * a;
      a = b;
      b = c;
      store<f64>(at(E, (m + 1) * LANES + k), c);
    }
  }
}

// ---- SIMD --------------------------------------------------------------------------------------

// Constants come from these tables (one vmovddup each) rather than from v128.const, which V8 builds
// through a general register at every use (three instructions each, inside the loop).
// exp: 1.5·2^52, the cut-off, log2(e), ln 2 in two parts, then q_0..q_9 with exp(r) ≈ 1 + r + r²·Σ q_k r^k
// on |r| <= ln2/2: mpmath.chebyfit of (e^r - 1 - r)/r² with 10 terms (2e-17 relative), degree 11
// in all. Measured against mpmath: at most 1.3 ulp after reduction and rounding (the degree-13
// Taylor polynomial it replaces: 2.0 ulp).
const K_EXP: usize = memory.data<f64>([
  6755399441055744.0, -708.0, 1.4426950408889634, 0.69314718036912381649, 1.90821492927058770002e-10,
  0.5000000000000001, 0.16666666666666669, 0.041666666666624164, 0.008333333333330065, 0.0013888888917196719,
  0.00019841269863040545, 2.4801521322368692e-05, 2.7557268480310024e-06, 2.7620075879983367e-07, 2.5100375832561234e-08,
  1.0,
], 16);
const X_Q = 5, X_ONE = 15;
// Cody's coefficients in ascending powers. C and A are halved (exact), so that the intervals give
// erfc/2 directly: C/D = erfc(y)·e^{y²}/2, 1/2 - x·A/B = erfc(x)/2.
const K_C: usize = memory.data<f64>([
  0.5 * 1230.33935479799725, 0.5 * 2051.07837782607147, 0.5 * 1712.04761263407058, 0.5 * 881.95222124176909,
  0.5 * 298.635138197400131, 0.5 * 66.1191906371416295, 0.5 * 8.88314979438837594, 0.5 * 0.564188496988670089,
  0.5 * 2.15311535474403846e-8,
], 16);
const K_D: usize = memory.data<f64>([
  1230.33935480374942, 3439.36767414372164, 4362.61909014324716, 3290.79923573345963, 1621.38957456669019,
  537.181101862009858, 117.693950891312499, 15.7449261107098347,
], 16);
// The tail, Cody's z·P(z)/Q(z) with z = 1/w, w = y², multiplied out by w⁵: P̃(w)/(w·Q̃(w)) with
// P̃(w) = P5 + P0·w + … + P4·w⁵ and Q̃(w) = 1 + Q0·w + … + Q4·w⁵ (all terms positive), so that
// erfc(y)·e^{y²}/2 = (1/√π·w·Q̃ - P̃)/(2y·w·Q̃): one division instead of three.
const K_P: usize = memory.data<f64>([
  0.0163153871373020978, 0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4,
], 16);
const K_Q: usize = memory.data<f64>([
  1.0, 2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185,
], 16);
const K_A: usize = memory.data<f64>([
  0.5 * 3209.37758913846947, 0.5 * 377.485237685302021, 0.5 * 113.864154151050156, 0.5 * 3.1611237438705656,
  0.5 * 0.185777706184603153,
], 16);
const K_B: usize = memory.data<f64>([2844.23683343917062, 1282.61652607737228, 244.024637934444173, 23.6012909523441209], 16);
// Beyond y = 27 exp(-y²) is 0 and the tail's value does not matter; capping y keeps w⁵·y finite.
const K_MISC: usize = memory.data<f64>([-SQRT1_2, 4.0, 0.46875, 0.56418958354775628695, 27.0, -0.5, INV_SQRT_2PI, 3.0, 6.0, 1.0, 0.5, 10.0, 15.0], 16);
const M_NSQRT1_2 = 0, M_TAIL = 1, M_SMALL = 2, M_SQRPI = 3, M_YCAP = 4, M_NHALF = 5, M_INV_SQRT_2PI = 6;
const M_THREE = 7, M_SIX = 8, M_ONE = 9, M_HALF = 10, M_TEN = 11, M_FIFTEEN = 12;
// Edge positions t = k - h - 0.5: the 12 row edges (h = 5), then the 18 column edges (h = 8).
const T_EDGES: usize = memory.data<f64>([
  -5.5, -4.5, -3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5,
  -8.5, -7.5, -6.5, -5.5, -4.5, -3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5,
], 16);

// @ts-ignore: decorator
@inline function kk(table: usize, i: i32): v128 {
  return v128.load64_splat(table + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f64x2.add(f64x2.mul(a, b), c);
}
// @ts-ignore: decorator
@inline function kq(k: i32): v128 {
  return kk(K_EXP, X_Q + k);
}

/** exp(x) for x <= 0, two lanes (0 below -708). */
// @ts-ignore: decorator
@inline function vexp(x: v128): v128 {
  const magic = kk(K_EXP, 0); // 1.5·2^52: adding it rounds to an integer in the low bits
  const low = f64x2.lt(x, kk(K_EXP, 1));
  const xc = f64x2.pmax(x, kk(K_EXP, 1));
  const kd = madd(xc, kk(K_EXP, 2), magic);
  const n = f64x2.sub(kd, magic);
  let r = f64x2.sub(xc, f64x2.mul(n, kk(K_EXP, 3)));
  r = f64x2.sub(r, f64x2.mul(n, kk(K_EXP, 4)));
  // 1 + r + r²·Q(r), Q by Estrin's scheme: depth 4 instead of Horner's 10 dependent steps.
  const r2 = f64x2.mul(r, r), r4 = f64x2.mul(r2, r2), r8 = f64x2.mul(r4, r4);
  const b0 = madd(madd(r, kq(3), kq(2)), r2, madd(r, kq(1), kq(0)));
  const b1 = madd(madd(r, kq(7), kq(6)), r2, madd(r, kq(5), kq(4)));
  const q = madd(madd(r, kq(9), kq(8)), r8, madd(b1, r4, b0));
  const p = madd(r2, q, f64x2.add(r, kk(K_EXP, X_ONE)));
  const scale = i64x2.shl(i64x2.add(kd, i64x2.splat(1023)), 52);
  return v128.andnot(f64x2.mul(p, scale), low);
}

/** erfc(y)·e^{y²}/2 on (0.46875, 4]: C(y)/D(y), both by Estrin's scheme (depth 4), powers of y shared. */
// @ts-ignore: decorator
@inline function vmiddle(y: v128): v128 {
  const y2 = f64x2.mul(y, y), y4 = f64x2.mul(y2, y2), y8 = f64x2.mul(y4, y4);
  const n0 = madd(madd(y, kk(K_C, 3), kk(K_C, 2)), y2, madd(y, kk(K_C, 1), kk(K_C, 0)));
  const n1 = madd(madd(y, kk(K_C, 7), kk(K_C, 6)), y2, madd(y, kk(K_C, 5), kk(K_C, 4)));
  const num = madd(kk(K_C, 8), y8, madd(n1, y4, n0));
  const d0 = madd(madd(y, kk(K_D, 3), kk(K_D, 2)), y2, madd(y, kk(K_D, 1), kk(K_D, 0)));
  const d1 = madd(madd(y, kk(K_D, 7), kk(K_D, 6)), y2, madd(y, kk(K_D, 5), kk(K_D, 4)));
  const den = f64x2.add(y8, madd(d1, y4, d0));
  return f64x2.div(num, den);
}

/** erfc(y)·e^{y²}/2 for y > 4 (any y; see K_MISC). */
// @ts-ignore: decorator
@inline function vtail(y0: v128): v128 {
  const y = f64x2.pmin(y0, kk(K_MISC, M_YCAP));
  const w = f64x2.mul(y, y);
  let p = madd(kk(K_P, 5), w, kk(K_P, 4));
  p = madd(p, w, kk(K_P, 3));
  p = madd(p, w, kk(K_P, 2));
  p = madd(p, w, kk(K_P, 1));
  p = madd(p, w, kk(K_P, 0));
  let q = madd(kk(K_Q, 5), w, kk(K_Q, 4));
  q = madd(q, w, kk(K_Q, 3));
  q = madd(q, w, kk(K_Q, 2));
  q = madd(q, w, kk(K_Q, 1));
  q = madd(q, w, kk(K_Q, 0));
  const wq = f64x2.mul(w, q);
  return f64x2.div(madd(kk(K_MISC, M_SQRPI), wq, f64x2.neg(p)), f64x2.mul(f64x2.add(y, y), wq));
}

/** Φ(u) = erfc(-u/√2)/2 given e = exp(-u²/2), Cody's three intervals selected per lane. */
// @ts-ignore: decorator
@inline function vcdf(u: v128, e: v128): v128 {
  const x = f64x2.mul(u, kk(K_MISC, M_NSQRT1_2));
  const y = f64x2.abs(x);
  const tail = f64x2.gt(y, kk(K_MISC, M_TAIL));
  let scaled: v128;
  if (v128.any_true(tail)) {
    // The outer column edges: often both lanes in the tail.
    scaled = vtail(y);
    if (!i64x2.all_true(tail)) scaled = v128.bitselect(scaled, vmiddle(y), tail);
  } else {
    scaled = vmiddle(y);
  }
  const half = f64x2.mul(e, scaled);
  let result = v128.bitselect(f64x2.sub(kk(K_MISC, M_ONE), half), half, f64x2.lt(x, f64x2.splat(0.0)));
  const small = f64x2.le(y, kk(K_MISC, M_SMALL));
  if (v128.any_true(small)) {
    const z = f64x2.mul(y, y);
    let a = madd(kk(K_A, 4), z, kk(K_A, 3));
    a = madd(a, z, kk(K_A, 2));
    a = madd(a, z, kk(K_A, 1));
    a = madd(a, z, kk(K_A, 0));
    let b = f64x2.add(z, kk(K_B, 3));
    b = madd(b, z, kk(K_B, 2));
    b = madd(b, z, kk(K_B, 1));
    b = madd(b, z, kk(K_B, 0));
    const s = f64x2.sub(kk(K_MISC, M_HALF), f64x2.div(f64x2.mul(x, a), b));
    result = v128.bitselect(s, result, small);
  }
  return result;
}

// The edges of one axis, two per step (lanes: edges 2k, 2k+1), and that axis's pixel integrals
// straight from registers: pixels 2k-2, 2k-1 need edges 2k-2 … 2k, i.e. the previous pair and the
// first lane of this one (one shuffle). Row m of the output (m = 0 pgh_0, m >= 1 pgh_m) is at
// out + m·rs; column -2 and -1 of every row are scratch for the first step's meaningless
// differences, and the last pixel pair, written after the loop, has a zero in its second lane
// (pghY's column 11, pghX's column 17: padding).
function axisSimd(t: usize, pairs: i32, d: f64, invS: f64, out: usize, rs: usize): void {
  const dd = f64x2.splat(d), inv = f64x2.splat(invS);
  const zero = f64x2.splat(0.0);
  let q0 = zero, q1 = zero, q2 = zero, q3 = zero, q4 = zero, q5 = zero, q6 = zero; // the previous pair
  for (let k = 0; k < pairs; k++) {
    const u = f64x2.mul(f64x2.sub(v128.load(t + (<usize>k << 4)), dd), inv);
    const uu = f64x2.mul(u, u);
    const e = vexp(f64x2.mul(kk(K_MISC, M_NHALF), uu));
    // He_m(u)·φ(u), the polynomials written out (He_2 = u² - 1, He_3 = u³ - 3u, He_4 = u⁴ - 6u² + 3,
    // He_5 = u⁵ - 10u³ + 15u) rather than by the recurrence: they depend on u only, so they are
    // ready when exp is and only one product follows it, not five dependent steps.
    const he2 = f64x2.sub(uu, kk(K_MISC, M_ONE));
    const he3 = f64x2.mul(u, f64x2.sub(uu, kk(K_MISC, M_THREE)));
    const he4 = madd(uu, f64x2.sub(uu, kk(K_MISC, M_SIX)), kk(K_MISC, M_THREE));
    const he5 = f64x2.mul(u, madd(uu, f64x2.sub(uu, kk(K_MISC, M_TEN)), kk(K_MISC, M_FIFTEEN)));
    const c1 = f64x2.mul(e, kk(K_MISC, M_INV_SQRT_2PI));
    const c2 = f64x2.mul(u, c1);
    const c3 = f64x2.mul(he2, c1);
    const c4 = f64x2.mul(he3, c1);
    const c5 = f64x2.mul(he4, c1);
    const c6 = f64x2.mul(he5, c1);
    const o = out + (<usize>k << 4) - 16;
    v128.store(o + rs, f64x2.sub(q1, v128.shuffle<f64>(q1, c1, 1, 2)));
    v128.store(o + 2 * rs, f64x2.sub(q2, v128.shuffle<f64>(q2, c2, 1, 2)));
    v128.store(o + 3 * rs, f64x2.sub(q3, v128.shuffle<f64>(q3, c3, 1, 2)));
    v128.store(o + 4 * rs, f64x2.sub(q4, v128.shuffle<f64>(q4, c4, 1, 2)));
    v128.store(o + 5 * rs, f64x2.sub(q5, v128.shuffle<f64>(q5, c5, 1, 2)));
    v128.store(o + 6 * rs, f64x2.sub(q6, v128.shuffle<f64>(q6, c6, 1, 2)));
    // Φ last: the stores above make V8 finish exp before erfc's branches. V8 loads exp's constants
    // at the top of the block either way; with exp computed after the branches (where Φ first
    // needs e) they were spilled across them (51 spill stores in the loop's code instead of 36; slower).
    const c0 = vcdf(u, e);
    v128.store(o, f64x2.sub(v128.shuffle<f64>(q0, c0, 1, 2), q0));
    q0 = c0; q1 = c1; q2 = c2; q3 = c3; q4 = c4; q5 = c5; q6 = c6;
  }
  const o = out + (<usize>pairs << 4) - 16;
  v128.store(o, f64x2.sub(v128.shuffle<f64>(q0, q0, 1, 3), q0));
  v128.store(o + rs, f64x2.sub(q1, v128.shuffle<f64>(q1, q1, 1, 3)));
  v128.store(o + 2 * rs, f64x2.sub(q2, v128.shuffle<f64>(q2, q2, 1, 3)));
  v128.store(o + 3 * rs, f64x2.sub(q3, v128.shuffle<f64>(q3, q3, 1, 3)));
  v128.store(o + 4 * rs, f64x2.sub(q4, v128.shuffle<f64>(q4, q4, 1, 3)));
  v128.store(o + 5 * rs, f64x2.sub(q5, v128.shuffle<f64>(q5, q5, 1, 3)));
  v128.store(o + 6 * rs, f64x2.sub(q6, v128.shuffle<f64>(q6, q6, 1, 3)));
}

// ---- per spot ----------------------------------------------------------------------------------

function pixelIntegrals(): void {
  for (let p = 0; p < NY; p++) store<f64>(at(PY, p), load<f64>(at(E, p + 1)) - load<f64>(at(E, p)));
  for (let p = 0; p < NX; p++) store<f64>(at(PX, p), load<f64>(at(E, EY + p + 1)) - load<f64>(at(E, EY + p)));
  for (let m = 1; m < NG; m++) {
    const row = m * LANES;
    for (let p = 0; p < NY; p++) store<f64>(at(PY, m * 12 + p), load<f64>(at(E, row + p)) - load<f64>(at(E, row + p + 1)));
    for (let p = 0; p < NX; p++) store<f64>(at(PX, m * XP + p), load<f64>(at(E, row + EY + p)) - load<f64>(at(E, row + EY + p + 1)));
  }
}

// One row of a product with a table of seven rows (rs bytes apart): out[x] = Σ_k coef[k·stride] · rows[k][x]
// for x < cols. Contracting y first is the cheaper order here (pghY has 11 columns, pghX 17):
// U = Gᵀ·pghY row by row (coef: a column of G, stride 56 bytes), then S = Uᵀ·pghX (coef: a column
// of U, stride one U row). Inlined, so the strides are constants.
// @ts-ignore: decorator
@inline function combineScalar(coef: usize, stride: usize, rows: usize, rs: usize, out: usize, cols: i32): void {
  const c0 = load<f64>(coef), c1 = load<f64>(coef + stride), c2 = load<f64>(coef + 2 * stride);
  const c3 = load<f64>(coef + 3 * stride), c4 = load<f64>(coef + 4 * stride), c5 = load<f64>(coef + 5 * stride);
  const c6 = load<f64>(coef + 6 * stride);
  for (let x = 0; x < cols; x++) {
    const r = at(rows, x);
    store<f64>(at(out, x),
      c0 * load<f64>(r) + c1 * load<f64>(r + rs) + c2 * load<f64>(r + 2 * rs) + c3 * load<f64>(r + 3 * rs) +
      c4 * load<f64>(r + 4 * rs) + c5 * load<f64>(r + 5 * rs) + c6 * load<f64>(r + 6 * rs));
  }
}

// Σ_k c_k · rows[k] over seven rows rs bytes apart, two columns.
// @ts-ignore: decorator
@inline function dot7(c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, rows: usize, rs: usize): v128 {
  let acc = f64x2.mul(c0, v128.load(rows));
  acc = madd(c1, v128.load(rows + rs), acc);
  acc = madd(c2, v128.load(rows + 2 * rs), acc);
  acc = madd(c3, v128.load(rows + 3 * rs), acc);
  acc = madd(c4, v128.load(rows + 4 * rs), acc);
  acc = madd(c5, v128.load(rows + 5 * rs), acc);
  return madd(c6, v128.load(rows + 6 * rs), acc);
}

// The contraction, SIMD: U = Gᵀ·pghY (rows of 12, six column pairs each), then S = Uᵀ·pghX for
// columns 0..15 row by row (eight pairs), and column 16 down the rows (U's columns are rows of
// pghY's order, so two rows per step): 35 fewer two-lane products than padding every row to 18.
// Loops over pairs written out: V8 would check the stack on every iteration.
function contractSimd(gs: usize, os: usize): void {
  for (let j = 0; j < NG; j++) {
    const g = gs + (<usize>j << 3); // column j of G, 56 bytes apart
    const g0 = v128.load64_splat(g), g1 = v128.load64_splat(g + 56), g2 = v128.load64_splat(g + 112);
    const g3 = v128.load64_splat(g + 168), g4 = v128.load64_splat(g + 224), g5 = v128.load64_splat(g + 280);
    const g6 = v128.load64_splat(g + 336);
    const u = T + <usize>j * 96;
    const py: usize = PY_SIMD, rs: usize = 8 * PYS;
    v128.store(u, dot7(g0, g1, g2, g3, g4, g5, g6, py, rs));
    v128.store(u + 16, dot7(g0, g1, g2, g3, g4, g5, g6, py + 16, rs));
    v128.store(u + 32, dot7(g0, g1, g2, g3, g4, g5, g6, py + 32, rs));
    v128.store(u + 48, dot7(g0, g1, g2, g3, g4, g5, g6, py + 48, rs));
    v128.store(u + 64, dot7(g0, g1, g2, g3, g4, g5, g6, py + 64, rs));
    v128.store(u + 80, dot7(g0, g1, g2, g3, g4, g5, g6, py + 80, rs));
  }
  const px: usize = PX_SIMD, rs: usize = 8 * XP;
  for (let y = 0; y < NY; y++) {
    const u = T + (<usize>y << 3); // column y of U, 96 bytes apart
    const u0 = v128.load64_splat(u), u1 = v128.load64_splat(u + 96), u2 = v128.load64_splat(u + 192);
    const u3 = v128.load64_splat(u + 288), u4 = v128.load64_splat(u + 384), u5 = v128.load64_splat(u + 480);
    const u6 = v128.load64_splat(u + 576);
    const o = os + <usize>(y * NX) * 8;
    v128.store(o, dot7(u0, u1, u2, u3, u4, u5, u6, px, rs));
    v128.store(o + 16, dot7(u0, u1, u2, u3, u4, u5, u6, px + 16, rs));
    v128.store(o + 32, dot7(u0, u1, u2, u3, u4, u5, u6, px + 32, rs));
    v128.store(o + 48, dot7(u0, u1, u2, u3, u4, u5, u6, px + 48, rs));
    v128.store(o + 64, dot7(u0, u1, u2, u3, u4, u5, u6, px + 64, rs));
    v128.store(o + 80, dot7(u0, u1, u2, u3, u4, u5, u6, px + 80, rs));
    v128.store(o + 96, dot7(u0, u1, u2, u3, u4, u5, u6, px + 96, rs));
    v128.store(o + 112, dot7(u0, u1, u2, u3, u4, u5, u6, px + 112, rs));
  }
  const c = px + 8 * 16; // column 16 of pghX
  const x0 = v128.load64_splat(c), x1 = v128.load64_splat(c + rs), x2 = v128.load64_splat(c + 2 * rs);
  const x3 = v128.load64_splat(c + 3 * rs), x4 = v128.load64_splat(c + 4 * rs), x5 = v128.load64_splat(c + 5 * rs);
  const x6 = v128.load64_splat(c + 6 * rs);
  const o = os + 8 * 16, ro: usize = 8 * NX;
  for (let y = 0; y < 10; y += 2) {
    const s = dot7(x0, x1, x2, x3, x4, x5, x6, T + (<usize>y << 3), 96);
    store<f64>(o + <usize>y * ro, f64x2.extract_lane(s, 0));
    store<f64>(o + <usize>(y + 1) * ro, f64x2.extract_lane(s, 1));
  }
  store<f64>(o + 10 * ro, f64x2.extract_lane(dot7(x0, x1, x2, x3, x4, x5, x6, T + 80, 96), 0));
}

/** out[s*187 + y*17 + x] = S[s][y][x]; G holds 49 coefficients per spot (i*7 + j). */
export function ghspots(dx: usize, dy: usize, sx: usize, sy: usize, g: usize, nspots: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) {
    for (let s = 0; s < nspots; s++) {
      const o = <usize>s << 3;
      axisSimd(T_EDGES, EY / 2, load<f64>(dy + o), 1.0 / load<f64>(sy + o), PY_SIMD, 8 * PYS);
      axisSimd(T_EDGES + 8 * EY, EX / 2, load<f64>(dx + o), 1.0 / load<f64>(sx + o), PX_SIMD, 8 * XP);
      const gs = g + <usize>s * (<usize>(NG * NG) << 3);
      const os = out + <usize>s * (<usize>SPOT << 3);
      contractSimd(gs, os);
    }
    return;
  }
  // The padding columns 17..19 of pghX stay 0.
  for (let m = 0; m < NG; m++) for (let p = NX; p < XP; p++) store<f64>(at(PX, m * XP + p), 0.0);
  store<f64>(at(U, 30), 0.0); // the batch's two spare lanes
  store<f64>(at(U, 31), 0.0);
  for (let s = 0; s < nspots; s++) {
    const o = <usize>s << 3;
    const iy = 1.0 / load<f64>(sy + o), ix = 1.0 / load<f64>(sx + o);
    const ddy = load<f64>(dy + o), ddx = load<f64>(dx + o);
    for (let k = 0; k < EY; k++) store<f64>(at(U, k), (<f64>(k - HY) - 0.5 - ddy) * iy);
    for (let k = 0; k < EX; k++) store<f64>(at(U, EY + k), (<f64>(k - HX) - 0.5 - ddx) * ix);
    edgesScalar();
    pixelIntegrals();
    const gs = g + <usize>s * (<usize>(NG * NG) << 3);
    const os = out + <usize>s * (<usize>SPOT << 3);
    for (let j = 0; j < NG; j++) combineScalar(gs + (<usize>j << 3), 56, PY, 96, at(T, j * 12), 12);
    for (let y = 0; y < NY; y++) combineScalar(at(T, y), 96, PX, 160, os + (<usize>(y * NX) << 3), NX);
  }
}
