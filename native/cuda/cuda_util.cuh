// What the .cu files share: CUDA errors as one line of text, device allocations that free
// themselves, and the clock of a kernel object's device-only time.
#pragma once
#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "gpu.h"

namespace hotbench {
namespace gpu {

// "cudaMalloc: out of memory (cudaErrorMemoryAllocation)": `what` is named up to its first '(' (a
// call's text names the function).
inline Error Describe(cudaError_t status, const char* what) {
  const std::string name(what);
  return name.substr(0, name.find('(')) + ": " + cudaGetErrorString(status) + " (" + cudaGetErrorName(status) + ")";
}

// Returns from the enclosing function (which returns an Error) when a CUDA call fails.
#define HB_CUDA(call)                                                      \
  do {                                                                     \
    const cudaError_t hb_status_ = (call);                                 \
    if (hb_status_ != cudaSuccess) return ::hotbench::gpu::Describe(hb_status_, #call); \
  } while (0)

// After a launch: a bad configuration shows at once, a fault in the kernel at the next synchronisation.
#define HB_LAUNCHED(name)                                                  \
  do {                                                                     \
    const cudaError_t hb_status_ = cudaGetLastError();                     \
    if (hb_status_ != cudaSuccess) return ::hotbench::gpu::Describe(hb_status_, "launch of " name); \
  } while (0)

// Device memory owned by one kernel object.
template <typename T>
class DeviceArray {
 public:
  DeviceArray() = default;
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() {
    if (data_) cudaFree(data_);
  }
  // At least one element, so that empty inputs still get a valid pointer.
  Error Allocate(std::size_t count) {
    HB_CUDA(cudaMalloc(reinterpret_cast<void**>(&data_), (count > 0 ? count : 1) * sizeof(T)));
    return Error();
  }
  T* get() const { return data_; }

 private:
  T* data_ = nullptr;
};

// Page-locked host memory owned by one kernel object (staging for per-call inputs).
template <typename T>
class PinnedArray {
 public:
  PinnedArray() = default;
  PinnedArray(const PinnedArray&) = delete;
  PinnedArray& operator=(const PinnedArray&) = delete;
  ~PinnedArray() {
    if (data_) cudaFreeHost(data_);
  }
  Error Allocate(std::size_t count) {
    HB_CUDA(cudaMallocHost(reinterpret_cast<void**>(&data_), (count > 0 ? count : 1) * sizeof(T)));
    return Error();
  }
  T* get() const { return data_; }

 private:
  T* data_ = nullptr;
};

class Stream {
 public:
  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() {
    if (stream_) cudaStreamDestroy(stream_);
  }
  // Non-blocking: never serialised with work on the legacy default stream.
  Error Create() {
    HB_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    return Error();
  }
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

// The device-only time of a kernel object's calls: a pair of events around each stretch of kernels
// of a call (one stretch, or one per chunk when transfers overlap the kernels), summed once the call
// has finished. Events time the device's own timeline, so host overhead and transfers stay out.
class KernelClock {
 public:
  KernelClock() = default;
  KernelClock(const KernelClock&) = delete;
  KernelClock& operator=(const KernelClock&) = delete;
  ~KernelClock() {
    for (cudaEvent_t e : events_) cudaEventDestroy(e);
  }
  Error Create(int stretches) {
    events_.assign(2 * stretches, nullptr);
    for (cudaEvent_t& e : events_) HB_CUDA(cudaEventCreate(&e));
    return Error();
  }
  Error Start(int stretch, cudaStream_t stream) {
    HB_CUDA(cudaEventRecord(events_[2 * stretch], stream));
    return Error();
  }
  Error Stop(int stretch, cudaStream_t stream) {
    HB_CUDA(cudaEventRecord(events_[2 * stretch + 1], stream));
    return Error();
  }
  // Call once the call's work has completed: adds its stretches' time and counts one call.
  Error Finish(int stretches) {
    double ns = 0;
    for (int i = 0; i < stretches; ++i) {
      float ms = 0;
      HB_CUDA(cudaEventElapsedTime(&ms, events_[2 * i], events_[2 * i + 1]));
      ns += double(ms) * 1e6;
    }
    time_.ns += ns;
    time_.calls += 1;
    return Error();
  }
  DeviceTime time() const { return time_; }

 private:
  std::vector<cudaEvent_t> events_;
  DeviceTime time_;
};

}  // namespace gpu
}  // namespace hotbench
