// kmeans, GPU rung: X (n x d) is transposed on the host and uploaded once when the object is made
// (it is static); a call uploads the k centroids, runs the three kernels of kmeans_steps.h and
// copies back the labels (into the caller's page-locked buffer) and the k*d sums, k counts and the
// inertia. At intel size the kernels read X twice (160 MB each time) and the call's transfers are
// the 4 MB of labels.
#include <vector>

#include "cuda_util.cuh"
#include "kmeans_steps.h"

namespace hotbench {
namespace gpu {
namespace {

using namespace kmeans_steps;

constexpr int kThreads = 256;

template <bool kInRegisters>
__global__ void __launch_bounds__(kThreads) AssignKernel(const double* __restrict__ xT, std::size_t n, int d,
                                                          const double* __restrict__ centroids, int k,
                                                          std::int32_t* __restrict__ labels, double* __restrict__ distance) {
  const std::size_t stride = std::size_t(gridDim.x) * kThreads;
  for (std::size_t i = std::size_t(blockIdx.x) * kThreads + threadIdx.x; i < n; i += stride) {
    Assign<kInRegisters>(xT, n, d, centroids, k, i, labels, distance);
  }
}

__global__ void __launch_bounds__(kThreads) PartialKernel(const double* __restrict__ xT, std::size_t n, int d, int k,
                                                           const std::int32_t* __restrict__ labels,
                                                           const double* __restrict__ distance, double* __restrict__ partial) {
  __shared__ std::int32_t local[kRange];
  const std::size_t first = std::size_t(blockIdx.x) * kRange;
  const int count = int(n - first < std::size_t(kRange) ? n - first : std::size_t(kRange));
  for (int r = threadIdx.x; r < count; r += kThreads) local[r] = labels[first + r];
  __syncthreads();
  const int items = Items(d, k);
  for (int item = threadIdx.x; item < items; item += kThreads) {
    partial[std::size_t(blockIdx.x) * items + item] = PartialItem(xT, n, d, k, local, distance, first, count, item);
  }
}

__global__ void __launch_bounds__(kThreads) FinalKernel(const double* __restrict__ partial, int blocks, int d, int k,
                                                         double* __restrict__ result) {
  const int items = Items(d, k);
  for (int item = blockIdx.x * kThreads + threadIdx.x; item < items; item += gridDim.x * kThreads) {
    result[ResultIndex(item, d, k)] = FinalItem(partial, blocks, items, item);
  }
}

}  // namespace

struct Kmeans::State {
  std::size_t n = 0, d = 0, k = 0;
  int blocks = 0;
  Stream stream;
  DeviceArray<double> xT, centroids, distance, partial, result;
  DeviceArray<std::int32_t> labels;
  PinnedArray<double> hostResult;
  KernelClock clock;
};

Error Kmeans::Create(const double* x, std::size_t n, std::size_t d, std::size_t k, Kmeans** out) {
  *out = nullptr;
  if (d < 1 || k < 1) return "kmeans: d and k must be >= 1";
  // Items k*d + k + 1 are ints, and the blocks of kRange points too.
  if (n > 0x7fffffffULL * kRange || k * d + k + 1 > 0x7fffffff) return "kmeans: n, k or d too large";
  State* s = new State;
  Kmeans* object = new Kmeans(s);
  s->n = n;
  s->d = d;
  s->k = k;
  s->blocks = int((n + kRange - 1) / kRange);
  const std::size_t items = Items(int(d), int(k));
  Error e;
  if (!(e = s->stream.Create()).empty() || !(e = s->xT.Allocate(n * d)).empty() || !(e = s->centroids.Allocate(k * d)).empty() ||
      !(e = s->distance.Allocate(n)).empty() || !(e = s->labels.Allocate(n)).empty() ||
      !(e = s->partial.Allocate(std::size_t(s->blocks) * items)).empty() || !(e = s->result.Allocate(items)).empty() ||
      !(e = s->hostResult.Allocate(items)).empty() || !(e = s->clock.Create(1)).empty()) {
    delete object;
    return e;
  }
  // Loads the kernels now (CUDA loads modules lazily, at the first launch), so that the first call
  // times the kernels and not the loading.
  cudaFuncAttributes attributes;
  cudaError_t loaded = cudaFuncGetAttributes(&attributes, AssignKernel<true>);
  if (loaded == cudaSuccess) loaded = cudaFuncGetAttributes(&attributes, AssignKernel<false>);
  if (loaded == cudaSuccess) loaded = cudaFuncGetAttributes(&attributes, PartialKernel);
  if (loaded == cudaSuccess) loaded = cudaFuncGetAttributes(&attributes, FinalKernel);
  if (loaded != cudaSuccess) {
    delete object;
    return Describe(loaded, "kmeans: cudaFuncGetAttributes");
  }
  // X is static: transposed here (coordinate-major) and uploaded once, as setup.
  std::vector<double> transposed(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) transposed[j * n + i] = x[i * d + j];
  const cudaError_t copied = cudaMemcpy(s->xT.get(), transposed.data(), n * d * sizeof(double), cudaMemcpyHostToDevice);
  if (copied != cudaSuccess) {
    delete object;
    return Describe(copied, "kmeans: upload of x");
  }
  *out = object;
  return Error();
}

Kmeans::~Kmeans() {
  if (state_->stream.get()) cudaStreamSynchronize(state_->stream.get());
  delete state_;
}

Error Kmeans::Run(const double* centroids, std::int32_t* labels, double* sums, double* counts, double* inertia) {
  State& s = *state_;
  const cudaStream_t stream = s.stream.get();
  const int d = int(s.d), k = int(s.k);
  const int items = Items(d, k);
  HB_CUDA(cudaMemcpyAsync(s.centroids.get(), centroids, s.k * s.d * sizeof(double), cudaMemcpyHostToDevice, stream));
  Error e;
  if (!(e = s.clock.Start(0, stream)).empty()) return e;
  if (s.n > 0) {
    // A grid-stride loop: at most enough blocks for every point, at most 2^20 blocks.
    const std::size_t wanted = (s.n + kThreads - 1) / kThreads;
    const unsigned grid = unsigned(wanted < (std::size_t(1) << 20) ? wanted : (std::size_t(1) << 20));
    if (s.d <= std::size_t(kMaxRegisterD)) {
      AssignKernel<true><<<grid, kThreads, 0, stream>>>(s.xT.get(), s.n, d, s.centroids.get(), k, s.labels.get(), s.distance.get());
    } else {
      AssignKernel<false><<<grid, kThreads, 0, stream>>>(s.xT.get(), s.n, d, s.centroids.get(), k, s.labels.get(), s.distance.get());
    }
    HB_LAUNCHED("kmeans assign");
    PartialKernel<<<unsigned(s.blocks), kThreads, 0, stream>>>(s.xT.get(), s.n, d, k, s.labels.get(), s.distance.get(),
                                                              s.partial.get());
    HB_LAUNCHED("kmeans partial sums");
  }
  FinalKernel<<<unsigned((items + kThreads - 1) / kThreads), kThreads, 0, stream>>>(s.partial.get(), s.blocks, d, k, s.result.get());
  HB_LAUNCHED("kmeans final sums");
  if (!(e = s.clock.Stop(0, stream)).empty()) return e;
  HB_CUDA(cudaMemcpyAsync(labels, s.labels.get(), s.n * sizeof(std::int32_t), cudaMemcpyDeviceToHost, stream));
  HB_CUDA(cudaMemcpyAsync(s.hostResult.get(), s.result.get(), items * sizeof(double), cudaMemcpyDeviceToHost, stream));
  HB_CUDA(cudaStreamSynchronize(stream));
  if (!(e = s.clock.Finish(1)).empty()) return e;
  const double* r = s.hostResult.get();
  for (std::size_t q = 0; q < s.k * s.d; ++q) sums[q] = r[q];
  for (std::size_t c = 0; c < s.k; ++c) counts[c] = r[s.k * s.d + c];
  *inertia = r[s.k * s.d + s.k];
  return Error();
}

DeviceTime Kmeans::Time() const { return state_->clock.time(); }

}  // namespace gpu
}  // namespace hotbench
