// The vector arithmetic of the linear-algebra kernels (normaleq.cc, resolution.cc) for the level
// this addon is compiled for: a vector of kLanes doubles (GCC vector extensions: one zmm on v4,
// one ymm on v3, one xmm below), unaligned loads and stores, a multiply-add fused on v3/v4 and
// written explicitly (the addon is built with -ffp-contract=off), and the dot products every
// kernel here is made of.
#pragma once
#include <cstddef>
#include <cstring>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

// Internal inline helpers on wide vectors: no ABI crosses them.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace hotbench {
namespace linalg {

// The level's own register width: wider GCC vectors split into halves cost several times more
// here (the x86-64 build's QL sweeps ran 5x slower as pairs of xmm than as single xmm).
#if defined(__AVX512F__)
constexpr int kLanes = 8;
#elif defined(__AVX2__)
constexpr int kLanes = 4;
#else
constexpr int kLanes = 2;
#endif
typedef double Vec __attribute__((vector_size(8 * kLanes)));

inline Vec Load(const double* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void Store(double* p, Vec v) { std::memcpy(p, &v, sizeof v); }
inline Vec Splat(double x) { return Vec{} + x; }

// a·b + c, fused where the level has FMA.
inline Vec Madd(Vec a, Vec b, Vec c) {
#if defined(__AVX512F__)
  return reinterpret_cast<Vec>(_mm512_fmadd_pd(reinterpret_cast<__m512d>(a), reinterpret_cast<__m512d>(b), reinterpret_cast<__m512d>(c)));
#elif defined(__FMA__)
  return reinterpret_cast<Vec>(_mm256_fmadd_pd(reinterpret_cast<__m256d>(a), reinterpret_cast<__m256d>(b), reinterpret_cast<__m256d>(c)));
#else
  return a * b + c;
#endif
}
inline double Madd(double a, double b, double c) {
#if defined(__FMA__)
  return __builtin_fma(a, b, c);
#else
  return a * b + c;
#endif
}

inline double Sum(Vec v) {
  double s = 0;
  for (int l = 0; l < kLanes; ++l) s += v[l];
  return s;
}

// Σ a[k]·b[k], k < n: four vector accumulators, then the lanes, then the tail.
inline double Dot(const double* __restrict__ a, const double* __restrict__ b, std::size_t n) {
  Vec s0{}, s1{}, s2{}, s3{};
  std::size_t k = 0;
  for (; k + 4 * kLanes <= n; k += 4 * kLanes) {
    s0 = Madd(Load(a + k), Load(b + k), s0);
    s1 = Madd(Load(a + k + kLanes), Load(b + k + kLanes), s1);
    s2 = Madd(Load(a + k + 2 * kLanes), Load(b + k + 2 * kLanes), s2);
    s3 = Madd(Load(a + k + 3 * kLanes), Load(b + k + 3 * kLanes), s3);
  }
  for (; k + kLanes <= n; k += kLanes) s0 = Madd(Load(a + k), Load(b + k), s0);
  double s = Sum((s0 + s1) + (s2 + s3));
  for (; k < n; ++k) s = Madd(a[k], b[k], s);
  return s;
}

// y[k] += alpha·x[k], k < n.
inline void Axpy(double alpha, const double* __restrict__ x, double* __restrict__ y, std::size_t n) {
  const Vec va = Splat(alpha);
  std::size_t k = 0;
  for (; k + kLanes <= n; k += kLanes) Store(y + k, Madd(va, Load(x + k), Load(y + k)));
  for (; k < n; ++k) y[k] = Madd(alpha, x[k], y[k]);
}

}  // namespace linalg
}  // namespace hotbench
