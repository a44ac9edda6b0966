// legval, native rung. Clenshaw as numpy computes it, restructured for the CPU:
// - degree as a template parameter (0..16): the recurrence is fully unrolled, constants folded;
// - four series per pass over x, sharing x[i] * (2n-1)/n and keeping 8 accumulators in registers
//   (eight series spill and run 3-5x slower);
// - fused multiply-add where the level has it (v3, v4), written explicitly: the addon is built with
//   -ffp-contract=off so that no level fuses behind our back and results differ only where we say.
// Degrees above 16 take a runtime-degree loop over chunks of x.
#include "legval.h"

#include <array>
#include <cmath>
#include <utility>

#if defined(__FMA__)
#define HB_FMA(a, b, c) std::fma((a), (b), (c))
#else
#define HB_FMA(a, b, c) ((a) * (b) + (c))
#endif

namespace hotbench {
namespace {

using std::size_t;
constexpr int kMaxSpecialised = 16;
constexpr int kSeriesPerPass = 4;

template <int D>
struct Constants {
  double a[D + 1], b[D + 1];  // a[n] = (n-1)/n, b[n] = (2n-1)/n
  Constants() {
    for (int n = 0; n <= D; ++n) {
      a[n] = n >= 2 ? double(n - 1) / n : 0;
      b[n] = n >= 2 ? double(2 * n - 1) / n : 0;
    }
  }
};

template <int D, int S>
void pass(const double* __restrict__ x, size_t nx, const double* __restrict__ c, double* __restrict__ out,
          const Constants<D>& k) {
  for (size_t i = 0; i < nx; ++i) {
    const double xi = x[i];
    if constexpr (D == 0) {
#pragma GCC unroll 16
      for (int j = 0; j < S; ++j) out[j * nx + i] = c[j];
    } else {
      double c0[S], c1[S];
#pragma GCC unroll 16
      for (int j = 0; j < S; ++j) {
        c0[j] = c[j * (D + 1) + D - 1];
        c1[j] = c[j * (D + 1) + D];
      }
#pragma GCC unroll 16
      for (int n = D; n >= 2; --n) {
        const double xb = xi * k.b[n];
#pragma GCC unroll 16
        for (int j = 0; j < S; ++j) {
          const double previous = c0[j];
          c0[j] = HB_FMA(-c1[j], k.a[n], c[j * (D + 1) + n - 2]);
          c1[j] = HB_FMA(c1[j], xb, previous);
        }
      }
#pragma GCC unroll 16
      for (int j = 0; j < S; ++j) out[j * nx + i] = HB_FMA(c1[j], xi, c0[j]);
    }
  }
}

template <int D>
void specialised(const double* x, size_t nx, const double* C, size_t nseries, double* out) {
  static const Constants<D> k;
  size_t s = 0;
  for (; s + kSeriesPerPass <= nseries; s += kSeriesPerPass) pass<D, kSeriesPerPass>(x, nx, C + s * (D + 1), out + s * nx, k);
  for (; s < nseries; ++s) pass<D, 1>(x, nx, C + s * (D + 1), out + s * nx, k);
}

// Runtime degree: the degree loop outside a chunk of x, so the inner loop vectorises.
void generic(const double* __restrict__ x, size_t nx, const double* __restrict__ C, size_t nseries, int deg,
             double* __restrict__ out) {
  constexpr size_t kChunk = 512;
  alignas(64) double c0[kChunk], c1[kChunk];
  for (size_t s = 0; s < nseries; ++s) {
    const double* c = C + s * (deg + 1);
    double* o = out + s * nx;
    for (size_t i0 = 0; i0 < nx; i0 += kChunk) {
      const size_t m = nx - i0 < kChunk ? nx - i0 : kChunk;
      const double* xx = x + i0;
      for (size_t i = 0; i < m; ++i) {
        c0[i] = c[deg - 1];
        c1[i] = c[deg];
      }
      for (int n = deg; n >= 2; --n) {
        const double a = double(n - 1) / n, b = double(2 * n - 1) / n, cn = c[n - 2];
        for (size_t i = 0; i < m; ++i) {
          const double previous = c0[i];
          c0[i] = HB_FMA(-c1[i], a, cn);
          c1[i] = HB_FMA(c1[i], xx[i] * b, previous);
        }
      }
      for (size_t i = 0; i < m; ++i) o[i0 + i] = HB_FMA(c1[i], xx[i], c0[i]);
    }
  }
}

using Kernel = void (*)(const double*, size_t, const double*, size_t, double*);

template <size_t... D>
constexpr std::array<Kernel, sizeof...(D)> table(std::index_sequence<D...>) {
  return {&specialised<int(D)>...};
}

constexpr auto kSpecialised = table(std::make_index_sequence<kMaxSpecialised + 1>{});

}  // namespace

void legval(const double* x, size_t nx, const double* C, size_t nseries, int deg, double* out) {
  if (deg < 0 || nx == 0 || nseries == 0) return;
  if (deg <= kMaxSpecialised) return kSpecialised[deg](x, nx, C, nseries, out);
  generic(x, nx, C, nseries, deg, out);
}

}  // namespace hotbench
