// legval, GPU rung. One thread per output value: a block of 256 threads covers 256 consecutive
// points x[i] of one series (blockIdx.y; more series than the grid's height loop), so the loads of
// x and the stores of out are coalesced and the series' coefficients are the same for the whole
// block (broadcast from cache). Clenshaw as legval_steps.h computes it, its constants in constant
// memory.
//
// The kernel writes 8 bytes per value and reads next to nothing: it is bound by the store bandwidth
// of device memory. A call uploads C, runs the kernel and copies the output back (the copy is
// what a call's wall time is made of: 26.5 MB at desi size).
#include "cuda_util.cuh"
#include "legval_steps.h"

namespace hotbench {
namespace gpu {
namespace {

constexpr int kThreads = 256;
// Steps of degrees below this read the recurrence constants from the tables; higher ones divide.
constexpr int kTable = 64;
constexpr int kMaxGridY = 65535;

__constant__ double kA[kTable];  // (n-1)/n
__constant__ double kB[kTable];  // (2n-1)/n

Error UploadTables() {
  double a[kTable], b[kTable];
  for (int n = 0; n < kTable; ++n) {
    a[n] = n >= 2 ? double(n - 1) / n : 0;
    b[n] = n >= 2 ? double(2 * n - 1) / n : 0;
  }
  HB_CUDA(cudaMemcpyToSymbol(kA, a, sizeof a));
  HB_CUDA(cudaMemcpyToSymbol(kB, b, sizeof b));
  return Error();
}

__global__ void __launch_bounds__(kThreads) LegvalKernel(const double* __restrict__ x, int nx,
                                                          const double* __restrict__ c, int nseries, int deg,
                                                          double* __restrict__ out) {
  const int i = blockIdx.x * kThreads + threadIdx.x;
  if (i >= nx) return;
  const double xi = x[i];
  for (int s = blockIdx.y; s < nseries; s += gridDim.y) {
    out[std::size_t(s) * nx + i] = legval_steps::Clenshaw(c + std::size_t(s) * (deg + 1), deg, xi, kA, kB, kTable);
  }
}

}  // namespace

struct Legval::State {
  std::size_t nx = 0, nseries = 0;
  int deg = 0;
  Stream stream;
  DeviceArray<double> x, c, out;
  KernelClock clock;
};

Error Legval::Create(const double* x, std::size_t nx, std::size_t nseries, int deg, Legval** out) {
  *out = nullptr;
  if (deg < 0) return "legval: deg must be >= 0";
  if (nx > 0x7fffffff || nseries > 0x7fffffff) return "legval: nx and nseries must be below 2^31";
  State* s = new State;
  Legval* object = new Legval(s);
  s->nx = nx;
  s->nseries = nseries;
  s->deg = deg;
  static bool tablesReady = false;  // one table for every object of the process
  Error e;
  if ((!tablesReady && !(e = UploadTables()).empty()) || !(e = s->stream.Create()).empty() ||
      !(e = s->x.Allocate(nx)).empty() || !(e = s->c.Allocate(nseries * (deg + 1))).empty() ||
      !(e = s->out.Allocate(nseries * nx)).empty() || !(e = s->clock.Create(1)).empty()) {
    delete object;
    return e;
  }
  tablesReady = true;
  // Loads the kernel now (CUDA loads modules lazily, at the first launch), so that its first call
  // times the kernel and not the loading.
  cudaFuncAttributes attributes;
  const cudaError_t loaded = cudaFuncGetAttributes(&attributes, LegvalKernel);
  if (loaded != cudaSuccess) {
    delete object;
    return Describe(loaded, "legval: cudaFuncGetAttributes");
  }
  // The grid is static: upload it once (setup, untimed).
  const cudaError_t copied = cudaMemcpy(s->x.get(), x, nx * sizeof(double), cudaMemcpyHostToDevice);
  if (copied != cudaSuccess) {
    delete object;
    return Describe(copied, "legval: upload of x");
  }
  *out = object;
  return Error();
}

Legval::~Legval() {
  // Device work of this object's stream must end before its buffers are freed.
  if (state_->stream.get()) cudaStreamSynchronize(state_->stream.get());
  delete state_;
}

Error Legval::Run(const double* coefficients, double* out) {
  State& s = *state_;
  const cudaStream_t stream = s.stream.get();
  HB_CUDA(cudaMemcpyAsync(s.c.get(), coefficients, s.nseries * (s.deg + 1) * sizeof(double), cudaMemcpyHostToDevice, stream));
  Error e;
  if (!(e = s.clock.Start(0, stream)).empty()) return e;
  if (s.nx > 0 && s.nseries > 0) {
    const dim3 grid(unsigned((s.nx + kThreads - 1) / kThreads), unsigned(s.nseries < kMaxGridY ? s.nseries : kMaxGridY));
    LegvalKernel<<<grid, kThreads, 0, stream>>>(s.x.get(), int(s.nx), s.c.get(), int(s.nseries), s.deg, s.out.get());
    HB_LAUNCHED("legval");
  }
  if (!(e = s.clock.Stop(0, stream)).empty()) return e;
  HB_CUDA(cudaMemcpyAsync(out, s.out.get(), s.nseries * s.nx * sizeof(double), cudaMemcpyDeviceToHost, stream));
  HB_CUDA(cudaStreamSynchronize(stream));
  return s.clock.Finish(1);
}

DeviceTime Legval::Time() const { return state_->clock.time(); }

}  // namespace gpu
}  // namespace hotbench
