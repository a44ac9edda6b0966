// The machine's GPUs as the CUDA runtime sees them, page-locked host memory, and the host <-> device
// copy bandwidth that bounds every call's transfers.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cuda_util.cuh"

namespace hotbench {
namespace gpu {

DeviceList ListDevices() {
  DeviceList list;
  cudaRuntimeGetVersion(&list.runtimeVersion);
  // 0 when libcuda.so.1 cannot be loaded: the runtime is linked statically, the driver never is.
  cudaDriverGetVersion(&list.driverVersion);
  if (list.driverVersion == 0) {
    list.error = "no NVIDIA driver (libcuda.so.1) on this machine";
    return list;
  }
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    list.error = Describe(status, "cudaGetDeviceCount");
    return list;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p;
    const cudaError_t got = cudaGetDeviceProperties(&p, i);
    if (got != cudaSuccess) {
      list.error = Describe(got, "cudaGetDeviceProperties");
      return list;
    }
    DeviceProperties d;
    d.name = p.name;
    d.memoryBytes = p.totalGlobalMem;
    d.major = p.major;
    d.minor = p.minor;
    d.multiprocessors = p.multiProcessorCount;
    d.l2Bytes = p.l2CacheSize;
    char bus[32] = {0};
    if (cudaDeviceGetPCIBusId(bus, sizeof bus, i) == cudaSuccess) d.pciBusId = bus;
    list.devices.push_back(d);
  }
  return list;
}

Error AllocatePinned(std::size_t bytes, void** out) {
  *out = nullptr;
  HB_CUDA(cudaMallocHost(out, bytes > 0 ? bytes : 1));
  return Error();
}

void FreePinned(void* pointer) {
  if (pointer) cudaFreeHost(pointer);
}

namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Bytes per second of `repeats` copies after one warm-up; each copy is waited for (a pageable
// host-to-device cudaMemcpy may return before its DMA has finished).
Error Rate(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind kind, int repeats, double counted, double* out) {
  std::vector<double> seconds;
  for (int r = -1; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    HB_CUDA(cudaMemcpy(dst, src, bytes, kind));
    HB_CUDA(cudaDeviceSynchronize());
    const auto t1 = std::chrono::steady_clock::now();
    if (r >= 0) seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  *out = counted / Median(seconds);
  return Error();
}

}  // namespace

Error MeasureBandwidth(std::size_t bytes, int repeats, Bandwidth* out) {
  if (bytes == 0 || repeats < 1) return "bandwidth: bytes and repeats must be positive";
  DeviceArray<char> a, b;
  PinnedArray<char> pinned;
  Error e;
  if (!(e = a.Allocate(bytes)).empty() || !(e = b.Allocate(bytes)).empty() || !(e = pinned.Allocate(bytes)).empty()) return e;
  std::vector<char> pageable(bytes);
  // Real data in every page: untouched pages would be mapped on the first copy, inside the timing.
  for (std::size_t i = 0; i < bytes; ++i) pageable[i] = char(i * 131 + 7);
  std::memcpy(pinned.get(), pageable.data(), bytes);
  const double n = double(bytes);
  if (!(e = Rate(a.get(), pinned.get(), bytes, cudaMemcpyHostToDevice, repeats, n, &out->hostToDevicePinned)).empty()) return e;
  if (!(e = Rate(pinned.get(), a.get(), bytes, cudaMemcpyDeviceToHost, repeats, n, &out->deviceToHostPinned)).empty()) return e;
  if (!(e = Rate(a.get(), pageable.data(), bytes, cudaMemcpyHostToDevice, repeats, n, &out->hostToDevicePageable)).empty()) return e;
  if (!(e = Rate(pageable.data(), a.get(), bytes, cudaMemcpyDeviceToHost, repeats, n, &out->deviceToHostPageable)).empty()) return e;
  return Rate(b.get(), a.get(), bytes, cudaMemcpyDeviceToDevice, repeats, 2 * n, &out->deviceToDevice);
}

}  // namespace gpu
}  // namespace hotbench
