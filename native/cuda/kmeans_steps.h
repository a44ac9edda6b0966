// kmeans on the GPU, in three kernels whose per-thread steps are these functions; X lives on the
// device coordinate-major (xT[j*n + i]) so that a warp's 32 points are read as one coalesced row.
//   1. Assign: one thread per point, its coordinates in registers (d <= kMaxRegisterD) or read per
//      use; exact distances Σ_j (x_j - c_j)² summed in j order with correctly rounded operations
//      (no fused multiply-add), the first smallest wins: labels and distances equal the reference's
//      to the bit.
//   2. Partial: one block per range of kRange points. Each thread owns items of the block's
//      result: a (dimension, cluster) sum, a cluster's count, or the inertia, and adds its range's
//      points in index order.
//   3. Final: one thread per item adds the blocks' partials in block order.
// No atomics anywhere: the sums are added in one fixed order, so every call gives the same bits.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "host_device.h"

namespace hotbench {
namespace gpu {
namespace kmeans_steps {

constexpr int kMaxRegisterD = 32;
constexpr int kRange = 1024;

// Correctly rounded operations that the compiler may not fuse into multiply-adds (on the host, the
// baseline x86-64 has no fused multiply-add to fuse into).
HB_HD double Sub(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dsub_rn(a, b);
#else
  return a - b;
#endif
}
HB_HD double Mul(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}
HB_HD double Add(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}

// Items of a block's result: first the sums, dimension-major (item j*k + c), so that neighbouring
// threads read the same coordinate row; then the k counts; then the inertia.
HB_HD int Items(int d, int k) { return k * d + k + 1; }

// Point i's label (the first nearest centroid) and its squared distance. kInRegisters: d <= kMaxRegisterD.
template <bool kInRegisters>
HB_HD void Assign(const double* xT, std::size_t n, int d, const double* centroids, int k, std::size_t i, std::int32_t* label,
                  double* distance) {
  double best = INFINITY;
  int bestC = 0;
  if (kInRegisters) {
    double x[kMaxRegisterD];
#ifdef __CUDACC__
#pragma unroll
#endif
    for (int j = 0; j < kMaxRegisterD; ++j)
      if (j < d) x[j] = xT[std::size_t(j) * n + i];
    for (int c = 0; c < k; ++c) {
      const double* cc = centroids + std::size_t(c) * d;
      double sum = 0;
#ifdef __CUDACC__
#pragma unroll
#endif
      for (int j = 0; j < kMaxRegisterD; ++j) {
        if (j < d) {
          const double t = Sub(x[j], cc[j]);
          sum = Add(sum, Mul(t, t));
        }
      }
      if (sum < best) {
        best = sum;
        bestC = c;
      }
    }
  } else {
    for (int c = 0; c < k; ++c) {
      const double* cc = centroids + std::size_t(c) * d;
      double sum = 0;
      for (int j = 0; j < d; ++j) {
        const double t = Sub(xT[std::size_t(j) * n + i], cc[j]);
        sum = Add(sum, Mul(t, t));
      }
      if (sum < best) {
        best = sum;
        bestC = c;
      }
    }
  }
  label[i] = bestC;
  distance[i] = best;
}

// One item of the partial result of the range of `count` points from `first`, whose labels the block
// holds in `labels` (block-local: labels[r] is point first + r's).
HB_HD double PartialItem(const double* xT, std::size_t n, int d, int k, const std::int32_t* labels, const double* distance,
                         std::size_t first, int count, int item) {
  double acc = 0;
  if (item < k * d) {
    const int j = item / k, c = item % k;
    const double* row = xT + std::size_t(j) * n + first;
    for (int r = 0; r < count; ++r)
      if (labels[r] == c) acc = Add(acc, row[r]);
  } else if (item < k * d + k) {
    const int c = item - k * d;
    for (int r = 0; r < count; ++r)
      if (labels[r] == c) acc = Add(acc, 1.0);
  } else {
    for (int r = 0; r < count; ++r) acc = Add(acc, distance[first + r]);
  }
  return acc;
}

// Where an item goes in the final result: sums row-major (c*d + j), then counts, then the inertia.
HB_HD int ResultIndex(int item, int d, int k) { return item < k * d ? (item % k) * d + item / k : item; }

// One item of the final result: the blocks' partials added in block order.
HB_HD double FinalItem(const double* partial, int blocks, int items, int item) {
  double acc = 0;
  for (int b = 0; b < blocks; ++b) acc = Add(acc, partial[std::size_t(b) * items + item]);
  return acc;
}

}  // namespace kmeans_steps
}  // namespace gpu
}  // namespace hotbench
