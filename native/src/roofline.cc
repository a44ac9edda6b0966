// The roofline probes (see roofline.h). Each pass of a bandwidth loop ends in a compiler barrier
// that makes the arrays' memory observable, so the compiler can neither drop nor merge passes; the
// peak loop is written with intrinsics so that the build's own widest vectors are used, FMA
// explicitly where the level has it (the addon is built with -ffp-contract=off: nothing is fused
// behind our back, and on x86-64 / v2 a multiply and an add are two instructions, 2 flops).
#include "roofline.h"

#include <immintrin.h>
#include <sys/mman.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace hotbench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point start, Clock::time_point end) { return std::chrono::duration<double>(end - start).count(); }

// Tells the compiler that memory reachable from p may be read here: stores before it must happen.
inline void escape(void* p) { asm volatile("" : : "r"(p) : "memory"); }

void triadPass(double* __restrict__ a, const double* __restrict__ b, const double* __restrict__ c, std::size_t n, double s) {
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}

void storePass(double* __restrict__ a, std::size_t n, double s) {
  for (std::size_t i = 0; i < n; ++i) a[i] = s;
}

double* allocate(std::size_t elements) {
  // 2 MiB alignment lets the kernel back the arrays with huge pages (THP).
  constexpr std::size_t kAlign = std::size_t(2) << 20;
  const std::size_t bytes = (elements * sizeof(double) + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, bytes);
  // Where THP is "madvise" only, ask for huge pages: fewer page faults on the first touch and
  // fewer TLB misses in the passes, as a tuned STREAM run would have. A refusal changes nothing.
  if (p) madvise(p, bytes, MADV_HUGEPAGE);
  return static_cast<double*>(p);
}

#if defined(__AVX512F__)
using Vec = __m512d;
constexpr int kBits = 512;
constexpr int kChains = 16;  // of 32 registers; FMA latency 4 × 2 pipes needs at least 8
inline Vec Set(double x) { return _mm512_set1_pd(x); }
inline Vec Step(Vec acc, Vec m, Vec a) { return _mm512_fmadd_pd(acc, m, a); }
constexpr bool kFma = true;
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256d;
constexpr int kBits = 256;
constexpr int kChains = 12;  // of 16 registers, leaving m and a
inline Vec Set(double x) { return _mm256_set1_pd(x); }
inline Vec Step(Vec acc, Vec m, Vec a) { return _mm256_fmadd_pd(acc, m, a); }
constexpr bool kFma = true;
#else
using Vec = __m128d;
constexpr int kBits = 128;
constexpr int kChains = 14;  // of 16 registers; a multiply then an add per step (latency ~6)
inline Vec Set(double x) { return _mm_set1_pd(x); }
inline Vec Step(Vec acc, Vec m, Vec a) { return _mm_add_pd(_mm_mul_pd(acc, m), a); }
constexpr bool kFma = false;
#endif

constexpr int kLanes = kBits / 64;

double Sum(Vec v) {
  double lanes[kLanes];
  std::memcpy(lanes, &v, sizeof v);
  double sum = 0;
  for (double lane : lanes) sum += lane;
  return sum;
}

// One repetition: `iterations` steps of every chain; returns the sum of the accumulators.
// noinline and a memory clobber: not a pure function, so no call can be merged, hoisted out of
// the timed region or computed once for all repetitions.
__attribute__((noinline)) double chains(long iterations, double m, double a) {
  asm volatile("" : : : "memory");
  Vec acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = Set(1.0 + j * 1e-3);
  const Vec vm = Set(m), va = Set(a);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kChains; ++j) acc[j] = Step(acc[j], vm, va);
  }
  double sum = 0;
  for (int j = 0; j < kChains; ++j) sum += Sum(acc[j]);
  return sum;
}

}  // namespace

bool bandwidth(std::size_t elements, int passes, BandwidthFigures* out) {
  double* a = allocate(elements);
  double* b = allocate(elements);
  double* c = allocate(elements);
  if (!a || !b || !c) {
    std::free(a), std::free(b), std::free(c);
    return false;
  }
  for (std::size_t i = 0; i < elements; ++i) {
    a[i] = 0.0;
    b[i] = 1.0 + double(i & 1023) * 1e-3;
    c[i] = 2.0 - double(i & 511) * 1e-3;
  }
  const double s = 3.0;
  double bestTriad = 1e300, bestStore = 1e300;
  for (int p = 0; p < passes; ++p) {
    const auto t0 = Clock::now();
    triadPass(a, b, c, elements, s);
    escape(a);
    const auto t1 = Clock::now();
    if (seconds(t0, t1) < bestTriad) bestTriad = seconds(t0, t1);
  }
  double checksum = a[elements / 2] + a[elements - 1];
  for (int p = 0; p < passes; ++p) {
    const auto t0 = Clock::now();
    storePass(c, elements, s + p);
    escape(c);
    const auto t1 = Clock::now();
    if (seconds(t0, t1) < bestStore) bestStore = seconds(t0, t1);
  }
  checksum += c[elements / 3] + c[elements - 1];
  std::free(a), std::free(b), std::free(c);
  *out = {bestTriad, bestStore, checksum};
  return true;
}

PeakFigures peak(double minRepSeconds, int reps, double m, double a) {
  // Calibrate: double the length until one repetition takes minRepSeconds (also the warm-up).
  long iterations = 1 << 12;
  double checksum = 0;
  for (;;) {
    const auto t0 = Clock::now();
    checksum += chains(iterations, m, a);
    const double took = seconds(t0, Clock::now());
    if (took >= minRepSeconds || iterations >= (1L << 40)) break;
    iterations *= 2;
  }
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    checksum += chains(iterations, m, a);
    const double took = seconds(t0, Clock::now());
    if (took < best) best = took;
  }
  const double flopsPerRep = double(iterations) * kChains * kLanes * 2;  // 2 flops per lane per step
  return {flopsPerRep, best, kChains, kBits, kFma, checksum};
}

}  // namespace hotbench
