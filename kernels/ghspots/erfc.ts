// The complementary error function, which JavaScript lacks: W. J. Cody's rational Chebyshev
// approximations ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969;
// SPECFUN's CALERF), relative error about 1e-15 over the whole line. Three intervals of |x|:
// [0, 0.46875] erf = x·A(x²)/B(x²); (0.46875, 4] erfc = exp(-x²)·C(x)/D(x); (4, ∞) erfc =
// exp(-x²)/x·(1/√π - R(1/x²)). exp(-x²) is computed as exp(-ỹ²)·exp(-(y-ỹ)(y+ỹ)) with ỹ = y rounded
// down to 1/16, so that the rounding of x² does not cost relative accuracy deep in the tail.
// Negative x: erfc(x) = 2 - erfc(-x). Checked against scipy.special.erfc (test/fixtures/erfc.json).

export const ERFC_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153] as const;
export const ERFC_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062] as const;
export const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058,
  2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
] as const;
export const ERFC_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716,
  3439.36767414372164, 1230.33935480374942,
] as const;
export const ERFC_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978,
] as const;
export const ERFC_Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185] as const;
/** 1/√π. */
export const SQRPI = 0.56418958354775628695;
/**
 * Beyond this |x| erfc(|x|) rounds to 0 even as a subnormal (and 2 on the negative side). Cody's own
 * cut-off, 26.543, is where the result leaves the normal range; scipy goes on into the subnormals.
 */
export const ERFC_XBIG = 27.3;

/** erfc on the first interval's erf, |x| <= 0.46875: 1 - x·A(x²)/B(x²). */
function erfcSmall(x: number, y: number): number {
  const z = y > 1.11e-16 ? y * y : 0;
  let num = ERFC_A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + ERFC_A[i]) * z;
    den = (den + ERFC_B[i]) * z;
  }
  return 1 - (x * (num + ERFC_A[3])) / (den + ERFC_B[3]);
}

/** erfc(y)·exp(y²) for y > 0.46875 (Cody's second and third intervals). */
export function erfcScaled(y: number): number {
  if (y <= 4) {
    let num = ERFC_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]) * y;
      den = (den + ERFC_D[i]) * y;
    }
    return (num + ERFC_C[7]) / (den + ERFC_D[7]);
  }
  const z = 1 / (y * y);
  let num = ERFC_P[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + ERFC_P[i]) * z;
    den = (den + ERFC_Q[i]) * z;
  }
  return (SQRPI - (z * (num + ERFC_P[4])) / (den + ERFC_Q[4])) / y;
}

/** erfc(x), relative error about 1e-15 wherever the result is a normal double. */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return erfcSmall(x, y);
  let result: number;
  if (y >= ERFC_XBIG) result = 0;
  else {
    const ysq = Math.trunc(y * 16) / 16;
    const del = (y - ysq) * (y + ysq);
    // exp(-ysq²) last: it stays normal while the result does, so only the final product rounds.
    result = Math.exp(-ysq * ysq) * (Math.exp(-del) * erfcScaled(y));
  }
  if (Number.isNaN(x)) return Number.NaN;
  return x < 0 ? 2 - result : result;
}
