// ghspots, native rung. Per spot, restructured for the CPU with GCC vector extensions (4 doubles,
// lowered to SSE2 pairs on x86-64/v2, AVX2 on v3, AVX-512VL on v4):
// - the 12 row edges and 18 column edges of a spot go through one batch of 32 lanes: exp(-u²/2)
//   once per edge (our own exp: Cody-Waite reduction, degree-13 Taylor polynomial, 2^n from the
//   exponent bits; about 1 ulp), Φ by Cody's erfc with that same exp (erfc(|x|) = exp(-x²)·R(|x|),
//   x = -u/√2, so exp(-x²) = exp(-u²/2)), the three intervals computed branch-free and selected per
//   lane (the small and tail intervals only when some lane needs them), He_0..He_5 times φ;
// - the pixel integrals are differences of neighbouring edges (each inner edge serves two pixels);
// - contraction as two small matrix products on rows padded to 20 columns: T = G·pghX (7x7 · 7x20),
//   then S = pghYᵀ·T (11x7 · 7x20), 17 columns stored;
// - fused multiply-add where the level has it (v3, v4), written explicitly (-ffp-contract=off).
// No libm: std::erfc is not used.
#include "ghspots.h"

#include <cstdint>
#include <cstring>

#if defined(__FMA__)
#include <immintrin.h>
#endif

// The vector helpers are internal and inlined: the psABI note about passing 256-bit vectors on
// pre-AVX levels does not concern any interface.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace hotbench {
namespace {

using std::size_t;
typedef double vd __attribute__((vector_size(32)));
typedef std::int64_t vi __attribute__((vector_size(32)));
constexpr int W = 4;

constexpr int HY = 5, HX = 8, NY = 11, NX = 17, NG = 7, SPOT = NY * NX;
constexpr int EY = NY + 1, EX = NX + 1;  // edges per axis
constexpr int LANES = 32;                // 12 row edges, 18 column edges, 2 spare
constexpr int NV = LANES / W;
constexpr int XP = 20;                   // columns padded to a multiple of W
constexpr int XV = XP / W;

inline vd splat(double v) { return vd{v, v, v, v}; }

inline vd fmadd(vd a, vd b, vd c) {
#if defined(__FMA__)
  return _mm256_fmadd_pd(a, b, c);
#else
  return a * b + c;
#endif
}

inline vd load(const double* p) {
  vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(double* p, vd v) { std::memcpy(p, &v, sizeof v); }

inline bool any(decltype(vd{} < vd{}) mask) {
  return (mask[0] | mask[1] | mask[2] | mask[3]) != 0;
}

// Σ c[k]·x^k by Horner's rule, highest power first.
template <int N>
inline vd horner(vd x, const double (&c)[N]) {
  vd p = splat(c[N - 1]);
  for (int k = N - 2; k >= 0; --k) p = fmadd(p, x, splat(c[k]));
  return p;
}

// 1/k! for k = 0..13.
constexpr double kExpTaylor[] = {1.0, 1.0, 0.5, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 720.0, 1.0 / 5040.0, 1.0 / 40320.0,
                                 1.0 / 362880.0, 1.0 / 3628800.0, 1.0 / 39916800.0, 1.0 / 479001600.0, 1.0 / 6227020800.0};
// Cody's rational approximations (CALERF), as polynomials in ascending powers; the denominators are
// monic. A/B: erf on [0, 0.46875] in x²; C/D: erfc·exp(x²) on (0.46875, 4]; P/Q: the tail in 1/x².
constexpr double kCodyA[] = {3209.37758913846947, 377.485237685302021, 113.864154151050156, 3.16112374387056560,
                             0.185777706184603153};
constexpr double kCodyB[] = {2844.23683343917062, 1282.61652607737228, 244.024637934444173, 23.6012909523441209, 1.0};
constexpr double kCodyC[] = {1230.33935479799725, 2051.07837782607147, 1712.04761263407058, 881.952221241769090,
                             298.635138197400131, 66.1191906371416295, 8.88314979438837594, 0.564188496988670089,
                             2.15311535474403846e-8};
constexpr double kCodyD[] = {1230.33935480374942, 3439.36767414372164, 4362.61909014324716, 3290.79923573345963,
                             1621.38957456669019, 537.181101862009858, 117.693950891312499, 15.7449261107098347, 1.0};
constexpr double kCodyP[] = {6.58749161529837803e-4, 0.0160837851487422766, 0.125781726111229246, 0.360344899949804439,
                             0.305326634961232344, 0.0163153871373020978};
constexpr double kCodyQ[] = {0.00233520497626869185, 0.0605183413124413191, 0.527905102951428412, 1.87295284992346047,
                             2.56852019228982242, 1.0};

// exp(x) for x <= 0 (0 below -708, where the result would leave the normal range).
inline vd vexp(vd x) {
  const vd magic = splat(6755399441055744.0);  // 1.5·2^52: adding it rounds to an integer in the low bits
  const vd xc = x < splat(-708.0) ? splat(-708.0) : x;
  const vd kd = fmadd(xc, splat(1.4426950408889634), magic);
  const vd n = kd - magic;
  // ln 2 in two parts; n·LN2_HI is exact for |n| < 2^11.
  vd r = xc - n * splat(0.693147180369123816490);
  r = r - n * splat(1.90821492927058770002e-10);
  const vd p = horner(r, kExpTaylor);
  const vi scale = ((vi)kd + 1023) << 52;  // GCC vector casts reinterpret the bits
  const vd result = p * (vd)scale;
  return x < splat(-708.0) ? splat(0.0) : result;
}

// Φ(u) given e = exp(-u²/2): Cody's erfc at x = -u/√2, halved.
inline vd vcdf(vd u, vd e) {
  const vd x = -u * splat(0.70710678118654752440);
  const vd y = x < splat(0.0) ? -x : x;
  // (0.46875, 4]: erfc(y) = e·C(y)/D(y)
  vd scaled = horner(y, kCodyC) / horner(y, kCodyD);
  const auto tail = y > splat(4.0);
  if (any(tail)) {
    // (4, ∞): erfc(y) = e/y·(1/√π - z·P(z)/Q(z)), z = 1/y²
    const vd z = splat(1.0) / (y * y);
    const vd t = (splat(0.56418958354775628695) - z * horner(z, kCodyP) / horner(z, kCodyQ)) / y;
    scaled = tail ? t : scaled;
  }
  const vd half = e * scaled * splat(0.5);
  vd cdf = x < splat(0.0) ? splat(1.0) - half : half;
  const auto small = y <= splat(0.46875);
  if (any(small)) {
    // [0, 0.46875]: erfc(x) = 1 - x·A(x²)/B(x²)
    const vd z = y * y;
    const vd s = (splat(1.0) - x * horner(z, kCodyA) / horner(z, kCodyB)) * splat(0.5);
    cdf = small ? s : cdf;
  }
  return cdf;
}

// One row of a product with a table of seven padded rows: acc = Σ_k coef[k·stride] · rows[k].
inline void combine(const double* coef, int stride, const double (*rows)[XP], vd acc[XV]) {
  const vd c0 = splat(coef[0]);
  for (int c = 0; c < XV; ++c) acc[c] = c0 * load(&rows[0][W * c]);
  for (int k = 1; k < NG; ++k) {
    const vd ck = splat(coef[k * stride]);
    for (int c = 0; c < XV; ++c) acc[c] = fmadd(ck, load(&rows[k][W * c]), acc[c]);
  }
}

// One spot. E[m][lane]: m = 0 Φ, m = 1..6 He_{m-1}·φ; lanes 0..11 row edges, 12..29 column edges.
void spot(double dx, double dy, double sx, double sy, const double* __restrict__ G, double* __restrict__ out) {
  alignas(32) double u[LANES];
  alignas(32) double E[NG][LANES];
  const double iy = 1.0 / sy, ix = 1.0 / sx;
  for (int k = 0; k < EY; ++k) u[k] = (k - HY - 0.5 - dy) * iy;
  for (int k = 0; k < EX; ++k) u[EY + k] = (k - HX - 0.5 - dx) * ix;
  u[30] = u[31] = 0.0;
  for (int v = 0; v < NV; ++v) {
    const vd uu = load(u + W * v);
    const vd e = vexp(splat(-0.5) * uu * uu);
    const vd phi = e * splat(0.3989422804014327);
    store(&E[0][W * v], vcdf(uu, e));
    vd a = phi, b = uu * phi;  // He_0·φ, He_1·φ
    store(&E[1][W * v], a);
    store(&E[2][W * v], b);
    for (int m = 2; m < 6; ++m) {  // He_m = u·He_{m-1} - (m-1)·He_{m-2}
      const vd c = uu * b - splat(double(m - 1)) * a;
      a = b;
      b = c;
      store(&E[m + 1][W * v], c);
    }
  }
  // Pixel integrals: pgh_0 = Φ(next) - Φ(this), pgh_m = H(this) - H(next).
  alignas(32) double py[NG][NY];
  alignas(32) double px[NG][XP];
  for (int p = 0; p < NY; ++p) py[0][p] = E[0][p + 1] - E[0][p];
  for (int m = 1; m < NG; ++m)
    for (int p = 0; p < NY; ++p) py[m][p] = E[m][p] - E[m][p + 1];
  for (int p = 0; p < NX; ++p) px[0][p] = E[0][EY + p + 1] - E[0][EY + p];
  for (int m = 1; m < NG; ++m)
    for (int p = 0; p < NX; ++p) px[m][p] = E[m][EY + p] - E[m][EY + p + 1];
  for (int m = 0; m < NG; ++m)
    for (int p = NX; p < XP; ++p) px[m][p] = 0.0;
  // T = G · pghX, then S = pghYᵀ · T (17 of the 20 columns stored).
  alignas(32) double T[NG][XP];
  vd acc[XV];
  for (int i = 0; i < NG; ++i) {
    combine(G + i * NG, 1, px, acc);
    for (int c = 0; c < XV; ++c) store(&T[i][W * c], acc[c]);
  }
  for (int y = 0; y < NY; ++y) {
    combine(&py[0][y], NY, T, acc);
    double* row = out + y * NX;
    for (int c = 0; c < 4; ++c) store(row + W * c, acc[c]);
    row[16] = acc[4][0];
  }
}

}  // namespace

void ghspots(const double* dx, const double* dy, const double* sx, const double* sy, const double* G, size_t nspots,
             double* out) {
  for (size_t s = 0; s < nspots; ++s) spot(dx[s], dy[s], sx[s], sy[s], G + s * NG * NG, out + s * SPOT);
}

}  // namespace hotbench
