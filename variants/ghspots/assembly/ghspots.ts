// ghspots, WebAssembly rung (AssemblyScript). One source, two builds: scalar, and SIMD (--enable simd,
// f64x2). Per spot: the 12 row edges and 18 column edges (lanes 0..11 and 12..29 of a 32-lane batch)
// get exp(-u²/2) once, shared by φ and Cody's erfc (erfc(|x|) = exp(-x²)·R(|x|) with x = -u/√2),
// and He_0..He_5 times φ; the pixel integrals are differences of neighbouring edges; then
// U = Gᵀ·pghY and S = Uᵀ·pghX (y contracted first: fewer operations than x first). The scalar
// build branches per edge on Cody's interval and uses the standard library's exp; the SIMD build
// has its own two-lane exp (Cody-Waite reduction, degree-13 Taylor by Estrin's scheme, 2^n from the
// exponent bits) and evaluates the intervals branch-free, selecting per lane.
// Memory: the stub runtime's bump allocator; JavaScript allocates inputs and output once in prepare
// and works through views on the exported memory. Pointers are byte offsets.

const HY: i32 = 5, HX: i32 = 8, NY: i32 = 11, NX: i32 = 17, NG: i32 = 7, SPOT: i32 = 187;
const EY: i32 = 12, EX: i32 = 18, LANES: i32 = 32, XP: i32 = 20;
const INV_SQRT_2PI: f64 = 0.3989422804014327;
const SQRT1_2: f64 = 0.7071067811865476;

const U: usize = memory.data(8 * LANES, 16);
const E: usize = memory.data(8 * NG * LANES, 16); // E[m][lane]: m = 0 Φ, m = 1..6 He_{m-1}·φ
const PY: usize = memory.data(8 * NG * 12, 16); // pghY[m][y], rows of 12
const PX: usize = memory.data(8 * NG * XP, 16); // pghX[m][x], rows of 20 (3 zeros)
const T: usize = memory.data(8 * NG * 12, 16); // U[j][y] = Σ_i G[i][j]·pghY_i[y], rows of 12

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

// @ts-ignore: decorator
@inline function sp(v: f64): v128 {
  return f64x2.splat(v);
}
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f64x2.add(f64x2.mul(a, b), c);
}

/** exp(x) for x <= 0, two lanes (0 below -708). */
// @ts-ignore: decorator
@inline function vexp(x: v128): v128 {
  const magic = sp(6755399441055744.0); // 1.5·2^52
  const low = f64x2.lt(x, sp(-708.0));
  const xc = v128.bitselect(sp(-708.0), x, low);
  const kd = madd(xc, sp(1.4426950408889634), magic);
  const n = f64x2.sub(kd, magic);
  let r = f64x2.sub(xc, f64x2.mul(n, sp(0.69314718036912381649)));
  r = f64x2.sub(r, f64x2.mul(n, sp(1.90821492927058770002e-10)));
  // Σ r^k/k! for k <= 13 by Estrin's scheme: depth 5 instead of Horner's 14 dependent steps (the
  // loop is latency-bound otherwise: V8 does not interleave the iterations' chains).
  const r2 = f64x2.mul(r, r), r4 = f64x2.mul(r2, r2), r8 = f64x2.mul(r4, r4);
  const s0 = madd(madd(r, sp(1.0 / 6.0), sp(0.5)), r2, madd(r, sp(1.0), sp(1.0)));
  const s1 = madd(madd(r, sp(1.0 / 5040.0), sp(1.0 / 720.0)), r2, madd(r, sp(1.0 / 120.0), sp(1.0 / 24.0)));
  const s2 = madd(madd(r, sp(1.0 / 39916800.0), sp(1.0 / 3628800.0)), r2, madd(r, sp(1.0 / 362880.0), sp(1.0 / 40320.0)));
  const s3 = madd(r, sp(1.0 / 6227020800.0), sp(1.0 / 479001600.0));
  const p = madd(madd(s3, r4, s2), r8, madd(s1, r4, s0));
  const scale = i64x2.shl(i64x2.add(kd, i64x2.splat(1023)), 52);
  return v128.bitselect(sp(0.0), f64x2.mul(p, scale), low);
}

// @ts-ignore: decorator
@inline function vcdf(u: v128, e: v128): v128 {
  const x = f64x2.mul(u, sp(-SQRT1_2));
  const y = f64x2.abs(x);
  // C(y) and D(y) by Estrin's scheme (depth 4), powers of y shared.
  const y2 = f64x2.mul(y, y), y4 = f64x2.mul(y2, y2), y8 = f64x2.mul(y4, y4);
  const num = madd(
    madd(madd(madd(y, sp(0.564188496988670089), sp(8.88314979438837594)), y2, madd(y, sp(66.1191906371416295), sp(298.635138197400131))), y4,
      madd(madd(y, sp(881.95222124176909), sp(1712.04761263407058)), y2, madd(y, sp(2051.07837782607147), sp(1230.33935479799725)))),
    sp(1.0), f64x2.mul(sp(2.15311535474403846e-8), y8));
  const den = madd(
    madd(madd(madd(y, sp(15.7449261107098347), sp(117.693950891312499)), y2, madd(y, sp(537.181101862009858), sp(1621.38957456669019))), y4,
      madd(madd(y, sp(3290.79923573345963), sp(4362.61909014324716)), y2, madd(y, sp(3439.36767414372164), sp(1230.33935480374942)))),
    sp(1.0), y8);
  let scaled = f64x2.div(num, den);
  const tail = f64x2.gt(y, sp(4.0));
  if (v128.any_true(tail)) {
    const z = f64x2.div(sp(1.0), f64x2.mul(y, y));
    let p = madd(sp(0.0163153871373020978), z, sp(0.305326634961232344));
    p = madd(p, z, sp(0.360344899949804439));
    p = madd(p, z, sp(0.125781726111229246));
    p = madd(p, z, sp(0.0160837851487422766));
    p = madd(p, z, sp(6.58749161529837803e-4));
    let q = f64x2.add(z, sp(2.56852019228982242));
    q = madd(q, z, sp(1.87295284992346047));
    q = madd(q, z, sp(0.527905102951428412));
    q = madd(q, z, sp(0.0605183413124413191));
    q = madd(q, z, sp(0.00233520497626869185));
    const t = f64x2.div(f64x2.sub(sp(0.56418958354775628695), f64x2.div(f64x2.mul(z, p), q)), y);
    scaled = v128.bitselect(t, scaled, tail);
  }
  const half = f64x2.mul(f64x2.mul(e, scaled), sp(0.5));
  let result = v128.bitselect(f64x2.sub(sp(1.0), half), half, f64x2.lt(x, sp(0.0)));
  const small = f64x2.le(y, sp(0.46875));
  if (v128.any_true(small)) {
    const z = f64x2.mul(y, y);
    let a = madd(sp(0.185777706184603153), z, sp(3.1611237438705656));
    a = madd(a, z, sp(113.864154151050156));
    a = madd(a, z, sp(377.485237685302021));
    a = madd(a, z, sp(3209.37758913846947));
    let b = f64x2.add(z, sp(23.6012909523441209));
    b = madd(b, z, sp(244.024637934444173));
    b = madd(b, z, sp(1282.61652607737228));
    b = madd(b, z, sp(2844.23683343917062));
    const s = f64x2.mul(f64x2.sub(sp(1.0), f64x2.div(f64x2.mul(x, a), b)), sp(0.5));
    result = v128.bitselect(s, result, small);
  }
  return result;
}

function edgesSimd(): void {
  for (let k = 0; k < LANES; k += 2) {
    const u = v128.load(at(U, k));
    const e = vexp(f64x2.mul(sp(-0.5), f64x2.mul(u, u)));
    const phi = f64x2.mul(e, sp(INV_SQRT_2PI));
    v128.store(at(E, k), vcdf(u, e));
    let a = phi, b = f64x2.mul(u, phi);
    v128.store(at(E, LANES + k), a);
    v128.store(at(E, 2 * LANES + k), b);
    for (let m = 2; m < 6; m++) {
      const c = f64x2.sub(f64x2.mul(u, b), f64x2.mul(sp(<f64>(m - 1)), a));
      a = b;
      b = c;
      v128.store(at(E, (m + 1) * LANES + k), c);
    }
  }
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

// Two pixels per step, loads at odd offsets; pghX's column 17 gets a difference with the spare lane
// 30, which lands in the padding and is never stored.
function pixelIntegralsSimd(): void {
  for (let p = 0; p < 12; p += 2) v128.store(at(PY, p), f64x2.sub(v128.load(at(E, p + 1)), v128.load(at(E, p))));
  for (let p = 0; p < 18; p += 2) v128.store(at(PX, p), f64x2.sub(v128.load(at(E, EY + p + 1)), v128.load(at(E, EY + p))));
  for (let m = 1; m < NG; m++) {
    const row = m * LANES;
    for (let p = 0; p < 12; p += 2) v128.store(at(PY, m * 12 + p), f64x2.sub(v128.load(at(E, row + p)), v128.load(at(E, row + p + 1))));
    for (let p = 0; p < 18; p += 2) {
      v128.store(at(PX, m * XP + p), f64x2.sub(v128.load(at(E, row + EY + p)), v128.load(at(E, row + EY + p + 1))));
    }
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

// @ts-ignore: decorator
@inline function combineSimd(coef: usize, stride: usize, rows: usize, rs: usize, out: usize, cols: i32): void {
  const c0 = v128.load64_splat(coef), c1 = v128.load64_splat(coef + stride), c2 = v128.load64_splat(coef + 2 * stride);
  const c3 = v128.load64_splat(coef + 3 * stride), c4 = v128.load64_splat(coef + 4 * stride);
  const c5 = v128.load64_splat(coef + 5 * stride), c6 = v128.load64_splat(coef + 6 * stride);
  for (let x = 0; x < cols; x += 2) {
    const r = at(rows, x);
    let acc = f64x2.mul(c0, v128.load(r));
    acc = madd(c1, v128.load(r + rs), acc);
    acc = madd(c2, v128.load(r + 2 * rs), acc);
    acc = madd(c3, v128.load(r + 3 * rs), acc);
    acc = madd(c4, v128.load(r + 4 * rs), acc);
    acc = madd(c5, v128.load(r + 5 * rs), acc);
    acc = madd(c6, v128.load(r + 6 * rs), acc);
    if (x + 2 <= cols) v128.store(at(out, x), acc);
    else store<f64>(at(out, x), f64x2.extract_lane(acc, 0));
  }
}

// @ts-ignore: decorator
@inline function combine(coef: usize, stride: usize, rows: usize, rs: usize, out: usize, cols: i32): void {
  if (ASC_FEATURE_SIMD) combineSimd(coef, stride, rows, rs, out, cols);
  else combineScalar(coef, stride, rows, rs, out, cols);
}

/** out[s*187 + y*17 + x] = S[s][y][x]; G holds 49 coefficients per spot (i*7 + j). */
export function ghspots(dx: usize, dy: usize, sx: usize, sy: usize, g: usize, nspots: i32, out: usize): void {
  // The padding columns 17..19 of pghX stay 0.
  for (let m = 0; m < NG; m++) for (let p = NX; p < XP; p++) store<f64>(at(PX, m * XP + p), 0.0);
  store<f64>(at(U, 30), 0.0);
  store<f64>(at(U, 31), 0.0);
  for (let s = 0; s < nspots; s++) {
    const o = <usize>s << 3;
    const iy = 1.0 / load<f64>(sy + o), ix = 1.0 / load<f64>(sx + o);
    const ddy = load<f64>(dy + o), ddx = load<f64>(dx + o);
    for (let k = 0; k < EY; k++) store<f64>(at(U, k), (<f64>(k - HY) - 0.5 - ddy) * iy);
    for (let k = 0; k < EX; k++) store<f64>(at(U, EY + k), (<f64>(k - HX) - 0.5 - ddx) * ix);
    if (ASC_FEATURE_SIMD) edgesSimd();
    else edgesScalar();
    if (ASC_FEATURE_SIMD) pixelIntegralsSimd();
    else pixelIntegrals();
    const gs = g + <usize>s * (<usize>(NG * NG) << 3);
    const os = out + <usize>s * (<usize>SPOT << 3);
    for (let j = 0; j < NG; j++) combine(gs + (<usize>j << 3), 56, PY, 96, at(T, j * 12), 12);
    for (let y = 0; y < NY; y++) combine(at(T, y), 96, PX, 160, os + (<usize>(y * NX) << 3), NX);
  }
}
