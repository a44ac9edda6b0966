// kmeans, native rung. The data-parallel shape of DAAL's k-means, without a BLAS:
// - X is packed once (in prepare, by the JavaScript side) into blocks of 8 points, coordinate-major
//   within a block, so one 8-wide vector holds coordinate j of 8 points;
// - per block, the exact distances (x - c)² to every centroid are accumulated in 8-wide vectors
//   (GCC vector extensions: one zmm on v4, two ymm on v3, four xmm below), the running minimum and
//   its label kept per lane with vector selects; the dimension is a template parameter for the
//   common small d (fully unrolled), a runtime loop otherwise;
// - the update (labels, counts, sums, inertia) for the block's points follows while they are in L1,
//   so X is read from memory once per call; on v4 the block is transposed in registers so that each
//   point's coordinates are added to its cluster's sums as vectors (the strided scalar adds took
//   half the time), still in index order, so the sums are bitwise those of the plain loop;
// - FMA on v4, written explicitly: the addon is built with -ffp-contract=off so that no level
//   fuses behind our back.
#include "kmeans.h"

// The 64-byte vector helpers below are inline and internal: no ABI crosses them.
#pragma GCC diagnostic ignored "-Wpsabi"
// GCC 12's AVX-512 headers build some intrinsics' results from a deliberately undefined vector
// (`__Y = __Y`), which -Wmaybe-uninitialized reports once they are inlined here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

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

#if defined(__AVX512F__)
// r[i] = coordinate i of the block's 8 points (one per lane) becomes r[l] = point l's 8 coordinates.
inline void Transpose8(__m512d r[8]) {
  __m512d t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]);
  }
  for (int h = 0; h < 8; h += 4) {
    u[h + 0] = _mm512_shuffle_f64x2(t[h + 0], t[h + 2], 0x88);
    u[h + 1] = _mm512_shuffle_f64x2(t[h + 1], t[h + 3], 0x88);
    u[h + 2] = _mm512_shuffle_f64x2(t[h + 0], t[h + 2], 0xdd);
    u[h + 3] = _mm512_shuffle_f64x2(t[h + 1], t[h + 3], 0xdd);
  }
  for (int l = 0; l < 4; ++l) {
    r[l] = _mm512_shuffle_f64x2(u[l], u[l + 4], 0x88);
    r[l + 4] = _mm512_shuffle_f64x2(u[l], u[l + 4], 0xdd);
  }
}
#endif

// sums[label(l)] += point l, for the block's points in lane order, so that every sum adds its
// cluster's points in index order (bitwise the reference's sums). On v4 the block is transposed
// 8 coordinates at a time and each point added as one vector; below, coordinate by coordinate.
inline void AddPoints(const double* __restrict__ block, size_t d, const std::int32_t* labels, size_t lanes,
                      double* __restrict__ sums) {
#if defined(__AVX512F__)
  for (size_t q = 0; q < d; q += 8) {
    __m512d r[8];
    for (size_t i = 0; i < 8; ++i) r[i] = q + i < d ? _mm512_loadu_pd(block + (q + i) * kKmeansBlock) : _mm512_setzero_pd();
    Transpose8(r);
    const __mmask8 m = d - q >= 8 ? __mmask8(0xFF) : __mmask8((1u << (d - q)) - 1);
    for (size_t l = 0; l < lanes; ++l) {
      double* s = sums + size_t(labels[l]) * d + q;
      _mm512_mask_storeu_pd(s, m, _mm512_add_pd(_mm512_maskz_loadu_pd(m, s), r[l]));
    }
  }
#else
  for (size_t l = 0; l < lanes; ++l) {
    double* s = sums + size_t(labels[l]) * d;
    for (size_t j = 0; j < d; ++j) s[j] += block[j * kKmeansBlock + l];
  }
#endif
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
    std::int32_t blockLabels[kKmeansBlock];
    for (size_t l = 0; l < lanes; ++l) {
      const auto c = std::int32_t(labelLanes[l]);
      blockLabels[l] = c;
      labels[b * kKmeansBlock + l] = c;
      inertia += bestLanes[l];
      counts[c] += 1;
    }
    AddPoints(block, d, blockLabels, lanes, sums);
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
