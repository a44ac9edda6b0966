// Runs the GPU kernels' per-thread steps (native/cuda/*_steps.h) on the host, thread by thread and
// barrier by barrier, with the kernels' own block sizes and launch shapes, so that their indexing,
// their barriers' placement and their fixed summation order are checked against the references on
// a machine without a GPU (test/gpu-emulation.test.ts). libm's erfc and exp stand in for CUDA's.
//
//   gpu-emulator legval  NX NSERIES DEG  IN OUT   IN: x (nx), C (nseries*(deg+1))    OUT: nseries*nx
//   gpu-emulator ghspots NSPOTS          IN OUT   IN: dx, dy, sx, sy, G (49 per spot) OUT: 187 per spot
//   gpu-emulator kmeans  N D K           IN OUT   IN: x (n*d row-major), C (k*d)
//                                                 OUT: labels (n, as doubles), sums (k*d), counts (k), inertia
// Files are raw little-endian doubles.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../native/cuda/ghspots_steps.h"
#include "../../native/cuda/kmeans_steps.h"
#include "../../native/cuda/legval_steps.h"

using namespace hotbench::gpu;

static std::vector<double> Read(const char* file, std::size_t count) {
  std::vector<double> v(count);
  FILE* f = std::fopen(file, "rb");
  if (!f || std::fread(v.data(), sizeof(double), count, f) != count) {
    std::fprintf(stderr, "cannot read %zu doubles from %s\n", count, file);
    std::exit(2);
  }
  std::fclose(f);
  return v;
}

static void Write(const char* file, const std::vector<double>& v) {
  FILE* f = std::fopen(file, "wb");
  if (!f || std::fwrite(v.data(), sizeof(double), v.size(), f) != v.size()) {
    std::fprintf(stderr, "cannot write %s\n", file);
    std::exit(2);
  }
  std::fclose(f);
}

// legval.cu: blocks of 256 points of one series; the constants' tables hold degrees below 64.
static std::vector<double> Legval(const std::vector<double>& in, int nx, int nseries, int deg) {
  const int table = 64;
  std::vector<double> a(table), b(table);
  for (int n = 0; n < table; ++n) {
    a[n] = n >= 2 ? double(n - 1) / n : 0;
    b[n] = n >= 2 ? double(2 * n - 1) / n : 0;
  }
  const double* x = in.data();
  const double* c = in.data() + nx;
  std::vector<double> out(std::size_t(nseries) * nx);
  for (int s = 0; s < nseries; ++s)
    for (int i = 0; i < nx; ++i) out[std::size_t(s) * nx + i] = legval_steps::Clenshaw(c + std::size_t(s) * (deg + 1), deg, x[i], a.data(), b.data(), table);
  return out;
}

// ghspots.cu: one spot per block of 192 threads, four steps separated by barriers.
static std::vector<double> Ghspots(const std::vector<double>& in, std::size_t nspots) {
  using namespace ghspots_steps;
  const int threads = 192;
  const double *dx = in.data(), *dy = dx + nspots, *sx = dy + nspots, *sy = sx + nspots, *g = sy + nspots;
  std::vector<double> out(nspots * SPOT, std::nan(""));
  for (std::size_t s = 0; s < nspots; ++s) {
    Shared sh;
    for (double* p = reinterpret_cast<double*>(&sh); p < reinterpret_cast<double*>(&sh + 1); ++p) *p = std::nan("");
    for (int t = 0; t < threads; ++t) Edges(t, threads, g + s * NG * NG, dx[s], dy[s], sx[s], sy[s], sh);
    for (int t = 0; t < threads; ++t) Integrals(t, threads, sh);
    for (int t = 0; t < threads; ++t) ContractX(t, threads, sh);
    for (int t = 0; t < threads; ++t) ContractY(t, threads, sh, out.data() + s * SPOT);
  }
  return out;
}

// kmeans.cu: Assign per point (registers for d <= 32), Partial per block of kRange points with
// 256 threads, Final per item.
static std::vector<double> Kmeans(const std::vector<double>& in, std::size_t n, int d, int k) {
  using namespace kmeans_steps;
  const int threads = 256;
  std::vector<double> xT(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) xT[std::size_t(j) * n + i] = in[i * d + j];
  const double* centroids = in.data() + n * d;
  std::vector<std::int32_t> labels(n, -1);
  std::vector<double> distance(n, std::nan(""));
  for (std::size_t i = 0; i < n; ++i) {
    if (d <= kMaxRegisterD) Assign<true>(xT.data(), n, d, centroids, k, i, labels.data(), distance.data());
    else Assign<false>(xT.data(), n, d, centroids, k, i, labels.data(), distance.data());
  }
  const int blocks = int((n + kRange - 1) / kRange);
  const int items = Items(d, k);
  std::vector<double> partial(std::size_t(blocks) * items, std::nan(""));
  for (int block = 0; block < blocks; ++block) {
    const std::size_t first = std::size_t(block) * kRange;
    const int count = int(n - first < std::size_t(kRange) ? n - first : std::size_t(kRange));
    std::vector<std::int32_t> local(kRange, -1);
    for (int t = 0; t < threads; ++t)
      for (int r = t; r < count; r += threads) local[r] = labels[first + r];
    for (int t = 0; t < threads; ++t)
      for (int item = t; item < items; item += threads)
        partial[std::size_t(block) * items + item] = PartialItem(xT.data(), n, d, k, local.data(), distance.data(), first, count, item);
  }
  std::vector<double> result(items, std::nan(""));
  for (int item = 0; item < items; ++item) result[ResultIndex(item, d, k)] = FinalItem(partial.data(), blocks, items, item);
  std::vector<double> out(labels.begin(), labels.end());
  out.insert(out.end(), result.begin(), result.end());
  return out;
}

int main(int argc, char** argv) {
  const std::string kernel = argc > 1 ? argv[1] : "";
  if (kernel == "legval" && argc == 7) {
    const int nx = std::atoi(argv[2]), nseries = std::atoi(argv[3]), deg = std::atoi(argv[4]);
    Write(argv[6], Legval(Read(argv[5], std::size_t(nx) + std::size_t(nseries) * (deg + 1)), nx, nseries, deg));
  } else if (kernel == "ghspots" && argc == 5) {
    const std::size_t nspots = std::strtoull(argv[2], nullptr, 10);
    Write(argv[4], Ghspots(Read(argv[3], nspots * (4 + 49)), nspots));
  } else if (kernel == "kmeans" && argc == 7) {
    const std::size_t n = std::strtoull(argv[2], nullptr, 10);
    const int d = std::atoi(argv[3]), k = std::atoi(argv[4]);
    Write(argv[6], Kmeans(Read(argv[5], n * d + std::size_t(k) * d), n, d, k));
  } else {
    std::fprintf(stderr, "usage: gpu-emulator legval NX NSERIES DEG IN OUT | ghspots NSPOTS IN OUT | kmeans N D K IN OUT\n");
    return 2;
  }
  return 0;
}
