// ghspots, GPU rung: one spot per block of 192 threads (ghspots_steps.h), with the call's transfers
// overlapped with the kernels.
//
// At desi size a call moves 24.7 MB up (dx, dy, sx, sy and 49 coefficients per spot) and 87 MB down
// (187 values per spot) for well under a millisecond of kernel time, so the transfers decide the
// call's time. The spots are cut into chunks run on two streams: chunk c's upload, kernel and
// download follow each other on stream c % 2, so the upload of one chunk, the kernel of another
// and the download of a third proceed at once. The per-call inputs come from ordinary (pageable)
// host memory: each chunk is first copied by the host into page-locked staging (while the GPU works
// on earlier chunks) so that its upload can run asynchronously at the link's full speed. The output
// goes straight into the caller's page-locked buffer.
//
// Device-only time: the sum over chunks of the time between events around each chunk's kernel.
#include <cstring>

#include "cuda_util.cuh"
#include "ghspots_steps.h"

namespace hotbench {
namespace gpu {
namespace {

using namespace ghspots_steps;

constexpr int kThreads = 192;
// Spots per chunk, about: big enough that a chunk's kernel fills the GPU several times over and its
// transfers (about 8 MB) run at full speed, small enough for a pipeline of a dozen stages at desi size.
constexpr std::size_t kChunkSpots = 4096;
constexpr int kMaxChunks = 32;
constexpr int kStreams = 2;
constexpr int kInputs = 4 + NG * NG;  // values per spot uploaded: dx, dy, sx, sy, G

__global__ void __launch_bounds__(kThreads) GhspotsKernel(const double* __restrict__ dx, const double* __restrict__ dy,
                                                           const double* __restrict__ sx, const double* __restrict__ sy,
                                                           const double* __restrict__ g, double* __restrict__ out) {
  __shared__ Shared sh;
  const std::size_t s = blockIdx.x;
  const int t = threadIdx.x;
  Edges(t, kThreads, g + s * NG * NG, dx[s], dy[s], sx[s], sy[s], sh);
  __syncthreads();
  Integrals(t, kThreads, sh);
  __syncthreads();
  ContractX(t, kThreads, sh);
  __syncthreads();
  ContractY(t, kThreads, sh, out + s * SPOT);
}

}  // namespace

struct Ghspots::State {
  std::size_t nspots = 0;
  int chunks = 0;
  Stream streams[kStreams];
  // Inputs, device and staging alike, chunk after chunk: a chunk of `count` spots from spot `first`
  // holds dx, dy, sx, sy (count each), then G (49 per spot), from first * kInputs on.
  DeviceArray<double> in, out;
  PinnedArray<double> staging;
  KernelClock clock;
};

Error Ghspots::Create(std::size_t nspots, Ghspots** out) {
  *out = nullptr;
  if (nspots > 0x7fffffff) return "ghspots: nspots must be below 2^31";
  State* s = new State;
  Ghspots* object = new Ghspots(s);
  s->nspots = nspots;
  const std::size_t chunks = (nspots + kChunkSpots - 1) / kChunkSpots;
  s->chunks = int(chunks < kMaxChunks ? chunks : kMaxChunks);
  Error e;
  for (Stream& stream : s->streams) {
    if (!(e = stream.Create()).empty()) break;
  }
  if (!e.empty() || !(e = s->in.Allocate(nspots * kInputs)).empty() || !(e = s->out.Allocate(nspots * SPOT)).empty() ||
      !(e = s->staging.Allocate(nspots * kInputs)).empty() || !(e = s->clock.Create(kMaxChunks)).empty()) {
    delete object;
    return e;
  }
  // Loads the kernel now (CUDA loads modules lazily, at the first launch), so that its first call
  // times the kernel and not the loading.
  cudaFuncAttributes attributes;
  const cudaError_t loaded = cudaFuncGetAttributes(&attributes, GhspotsKernel);
  if (loaded != cudaSuccess) {
    delete object;
    return Describe(loaded, "ghspots: cudaFuncGetAttributes");
  }
  *out = object;
  return Error();
}

Ghspots::~Ghspots() {
  for (Stream& stream : state_->streams) {
    if (stream.get()) cudaStreamSynchronize(stream.get());
  }
  delete state_;
}

Error Ghspots::Run(const double* dx, const double* dy, const double* sx, const double* sy, const double* g, double* out) {
  State& s = *state_;
  const std::size_t n = s.nspots;
  const double* inputs[4] = {dx, dy, sx, sy};
  Error e;
  for (int c = 0; c < s.chunks; ++c) {
    const std::size_t first = n * c / s.chunks;
    const std::size_t count = n * (c + 1) / s.chunks - first;
    const cudaStream_t stream = s.streams[c % kStreams].get();
    // Stage this chunk's part of every input into one contiguous block, dx, dy, sx, sy, then G (the
    // host's copy overlaps earlier chunks' work), so that it goes up in one copy.
    double* stage = s.staging.get() + first * kInputs;
    for (int a = 0; a < 4; ++a) std::memcpy(stage + a * count, inputs[a] + first, count * sizeof(double));
    std::memcpy(stage + 4 * count, g + first * NG * NG, count * NG * NG * sizeof(double));
    double* in = s.in.get() + first * kInputs;
    HB_CUDA(cudaMemcpyAsync(in, stage, count * kInputs * sizeof(double), cudaMemcpyHostToDevice, stream));
    if (!(e = s.clock.Start(c, stream)).empty()) return e;
    GhspotsKernel<<<unsigned(count), kThreads, 0, stream>>>(in, in + count, in + 2 * count, in + 3 * count, in + 4 * count,
                                                           s.out.get() + first * SPOT);
    HB_LAUNCHED("ghspots");
    if (!(e = s.clock.Stop(c, stream)).empty()) return e;
    HB_CUDA(cudaMemcpyAsync(out + first * SPOT, s.out.get() + first * SPOT, count * SPOT * sizeof(double),
                            cudaMemcpyDeviceToHost, stream));
  }
  for (Stream& stream : s.streams) HB_CUDA(cudaStreamSynchronize(stream.get()));
  return s.clock.Finish(s.chunks);
}

DeviceTime Ghspots::Time() const { return state_->clock.time(); }

}  // namespace gpu
}  // namespace hotbench
