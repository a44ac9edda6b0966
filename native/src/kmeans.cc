// kmeans, native rung. The data-parallel shape of DAAL's k-means, without a BLAS:
// - X is packed once (in prepare, by the JavaScript side) into blocks of 8 points, coordinate-major
//   within a block, so one 8-wide vector holds coordinate j of 8 points;
// - per block, the exact distances (x - c)² to every centroid are accumulated in 8-wide vectors
//   (GCC vector extensions: one zmm on v4, two ymm on v3, four xmm below), the running minimum and
//   its label kept per lane with vector selects; the dimension is a template parameter for the
//   common small d (fully unrolled), a runtime loop otherwise;
// - the update (labels, counts, sums, inertia) for the block's points follows while they are in L1,
//   so X is read from memory once per call;
// - FMA on v4, written explicitly: the addon is built with -ffp-contract=off so that no level
//   fuses behind our back.
#include "kmeans.h"

// The 64-byte vector helpers below are inline and internal: no ABI crosses them.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <algorithm>
#include <cstring>
#include <limits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace hotbench {
namespace {

using std::size_t;
typedef double v8d __attribute__((vector_size(64)));
typedef double v8du __attribute__((vector_size(64), aligned(8)));  // a possibly unaligned load

inline v8d Load(const double* p) { return *reinterpret_cast<const v8du*>(p); }

inline v8d Splat(double v) { return v8d{} + v; }

// acc + t*t, fused on v4 (one zmm FMA). v3 splits the 8 lanes into two ymm halves, where GCC's
// vector extensions do better unfused than through intrinsics on the halves.
inline v8d SquareAdd(v8d t, v8d acc) {
#if defined(__AVX512F__)
  return reinterpret_cast<v8d>(_mm512_fmadd_pd(reinterpret_cast<__m512d>(t), reinterpret_cast<__m512d>(t), reinterpret_cast<__m512d>(acc)));
#else
  return acc + t * t;
#endif
}

// Distances of one block's 8 points to every centroid; the minimum and its label per lane.
template <int D>
inline void Assign(const double* __restrict__ block, size_t dRuntime, const double* __restrict__ C, size_t k, v8d& best,
                   v8d& label) {
  const size_t d = D > 0 ? size_t(D) : dRuntime;
  best = Splat(std::numeric_limits<double>::infinity());
  label = v8d{};
  for (size_t c = 0; c < k; ++c) {
    const double* cc = C + c * d;
    v8d acc{};
    if constexpr (D > 0) {
#pragma GCC unroll 64
      for (int j = 0; j < D; ++j) acc = SquareAdd(Load(block + j * kKmeansBlock) - cc[j], acc);
    } else {
      for (size_t j = 0; j < d; ++j) acc = SquareAdd(Load(block + j * kKmeansBlock) - cc[j], acc);
    }
    const auto less = acc < best;
    best = less ? acc : best;
    label = less ? Splat(double(c)) : label;
  }
}

template <int D>
double Run(const double* __restrict__ xb, size_t n, size_t dRuntime, const double* __restrict__ C, size_t k,
           std::int32_t* __restrict__ labels, double* __restrict__ sums, double* __restrict__ counts) {
  const size_t d = D > 0 ? size_t(D) : dRuntime;
  std::fill(sums, sums + k * d, 0.0);
  std::fill(counts, counts + k, 0.0);
  double inertia = 0;
  const size_t blocks = (n + kKmeansBlock - 1) / kKmeansBlock;
  for (size_t b = 0; b < blocks; ++b) {
    const double* block = xb + b * d * kKmeansBlock;
    v8d best, label;
    Assign<D>(block, d, C, k, best, label);
    double bestLanes[kKmeansBlock], labelLanes[kKmeansBlock];
    std::memcpy(bestLanes, &best, sizeof bestLanes);
    std::memcpy(labelLanes, &label, sizeof labelLanes);
    const size_t lanes = std::min(kKmeansBlock, n - b * kKmeansBlock);
    for (size_t l = 0; l < lanes; ++l) {
      const auto c = std::int32_t(labelLanes[l]);
      labels[b * kKmeansBlock + l] = c;
      inertia += bestLanes[l];
      counts[c] += 1;
      double* s = sums + size_t(c) * d;
      for (size_t j = 0; j < d; ++j) s[j] += block[j * kKmeansBlock + l];
    }
  }
  return inertia;
}

}  // namespace

double kmeans(const double* xb, size_t n, size_t d, const double* C, size_t k, std::int32_t* labels, double* sums,
              double* counts) {
  switch (d) {
    case 1: return Run<1>(xb, n, d, C, k, labels, sums, counts);
    case 2: return Run<2>(xb, n, d, C, k, labels, sums, counts);
    case 3: return Run<3>(xb, n, d, C, k, labels, sums, counts);
    case 4: return Run<4>(xb, n, d, C, k, labels, sums, counts);
    case 8: return Run<8>(xb, n, d, C, k, labels, sums, counts);
    case 16: return Run<16>(xb, n, d, C, k, labels, sums, counts);
    case 20: return Run<20>(xb, n, d, C, k, labels, sums, counts);
    case 32: return Run<32>(xb, n, d, C, k, labels, sums, counts);
    default: return Run<0>(xb, n, d, C, k, labels, sums, counts);
  }
}

}  // namespace hotbench
