// normaleq, native rung: the unrolled rung's algorithm in vectors of the level's width.
// - per stamp: WA = ivar ⊙ A (187 values), the column weight and y, from the weighted pixels;
// - per overlapping pair: a dot product of WA_i's and A_j's shared rows (one contiguous dot product
//   when they share whole rows, as same-fiber neighbours do);
// - specter's regularisation, then the Cholesky factorisation within iCov's envelope (skyline rows,
//   each entry one dot product of two rows) and the two triangular solves.
// Explicit FMA on v3/v4 (linalg_vector.h). No BLAS.
#include "normaleq.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "linalg_vector.h"

namespace hotbench {
namespace {

using std::size_t;
using namespace linalg;

constexpr size_t NY = 11, NX = 17, SPOT = NY * NX;
constexpr double kMinWeightFraction = 0.01;

// Factorisation within the envelope into the skyline l, then L·Lᵀ·x = y; false when a pivot is
// not positive.
bool SkylineSolve(const double* h, const double* y, size_t n, const std::int32_t* first, const std::int32_t* rowStart, double* l, double* x) {
  for (size_t i = 0; i < n; ++i) {
    const size_t fi = size_t(first[i]);
    double* li = l + rowStart[i] - std::ptrdiff_t(fi);  // li[k] = L_ik
    for (size_t j = fi; j < i; ++j) {
      const size_t fj = size_t(first[j]);
      const double* lj = l + rowStart[j] - std::ptrdiff_t(fj);
      const size_t k0 = std::max(fi, fj);
      li[j] = (h[i * n + j] - Dot(li + k0, lj + k0, j - k0)) / lj[j];
    }
    const double pivot = h[i * n + i] - Dot(li + fi, li + fi, i - fi);
    if (!(pivot > 0)) return false;
    li[i] = std::sqrt(pivot);
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t fi = size_t(first[i]);
    const double* li = l + rowStart[i] - std::ptrdiff_t(fi);
    x[i] = (y[i] - Dot(li + fi, x + fi, i - fi)) / li[i];
  }
  for (size_t i = n; i-- > 0;) {
    const size_t fi = size_t(first[i]);
    const double* li = l + rowStart[i] - std::ptrdiff_t(fi);
    x[i] /= li[i];
    Axpy(-x[i], li + fi, x + fi, i - fi);
  }
  return true;
}

}  // namespace

void normaleq(const NormaleqStructure& s, const double* pixels, const double* ivar, double* icov, double* x) {
  const size_t n = s.nbins;
  // Kept between calls: a call allocates nothing in the steady state.
  static thread_local std::vector<double> wa, wpix, y, fluxweight, l;
  wa.resize(n * SPOT);
  wpix.resize(s.npix);
  y.resize(n);
  fluxweight.resize(n);
  l.resize(size_t(s.rowStart[n]));
  for (size_t p = 0; p < s.npix; ++p) wpix[p] = ivar[p] == 0 ? 0 : ivar[p] * pixels[p];
  double maxWeight = -std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < n; ++j) {
    const double* stamp = s.stamps + j * SPOT;
    double* w = wa.data() + j * SPOT;
    double weight = 0, t = 0;
    for (size_t r = 0; r < NY; ++r) {
      const size_t p = (size_t(s.row0[j]) + r) * s.nx + size_t(s.col0[j]);
      for (size_t c = 0; c < NX; ++c) w[r * NX + c] = ivar[p + c] * stamp[r * NX + c];
      t += Dot(stamp + r * NX, wpix.data() + p, NX);
    }
    for (size_t k = 0; k < SPOT; ++k) weight += w[k];
    fluxweight[j] = weight;
    y[j] = t;
    maxWeight = std::max(maxWeight, weight);
  }
  for (size_t q = 0; q < s.npairs; ++q) {
    const std::int32_t* pair = s.pairs + 7 * q;
    const size_t i = size_t(pair[0]), j = size_t(pair[1]), rows = size_t(pair[2]), cols = size_t(pair[3]);
    const double* a = wa.data() + i * SPOT + pair[5];
    const double* b = s.stamps + j * SPOT + pair[6];
    double sum;
    if (cols == NX) {
      sum = Dot(a, b, rows * NX);
    } else {
      sum = 0;
      for (size_t r = 0; r < rows; ++r) sum += Dot(a + r * NX, b + r * NX, cols);
    }
    icov[i * n + j] = sum;
    icov[j * n + i] = sum;
  }
  const double minweight = kMinWeightFraction * maxWeight;
  bool finite = true;
  for (size_t j = 0; j < n; ++j) {
    if (fluxweight[j] < minweight) icov[j * n + j] += (minweight - fluxweight[j]) * (minweight - fluxweight[j]);
    finite = finite && std::isfinite(y[j]);
  }
  if (!finite || !SkylineSolve(icov, y.data(), n, s.first, s.rowStart, l.data(), x)) {
    std::fill(x, x + n, std::numeric_limits<double>::quiet_NaN());
  }
}

}  // namespace hotbench
