// The GPU rung's kernels as the N-API glue (addon.cc) sees them: plain C++, no CUDA types, so that
// the glue is compiled by the host compiler alone and the .cu files hold everything CUDA.
//
// Each kernel is an object made once in the variant's prepare (device buffers allocated, static
// inputs uploaded) whose Run is one timed call: upload the per-call inputs, run the kernels, copy the
// output back into page-locked host memory the caller passes in, and wait for it. Each object keeps
// the device-only time of its calls (CUDA events around the kernels, transfers excluded).
//
// node-gyp builds without C++ exceptions: every call that can fail returns its error as one line of
// text, empty on success.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hotbench {
namespace gpu {

using Error = std::string;

struct DeviceProperties {
  std::string name;
  std::size_t memoryBytes = 0;
  int major = 0, minor = 0;  // compute capability
  int multiprocessors = 0;
  int l2Bytes = 0;
  std::string pciBusId;
};

struct DeviceList {
  // CUDA versions as the runtime numbers them (13000 = 13.0). driverVersion 0: no driver found.
  int runtimeVersion = 0;
  int driverVersion = 0;
  std::vector<DeviceProperties> devices;
  // Why the devices could not be listed (a driver older than the runtime, no device), or empty.
  Error error;
};

DeviceList ListDevices();

// Page-locked host memory: the GPU copies to and from it at the full speed of the link.
Error AllocatePinned(std::size_t bytes, void** out);
void FreePinned(void* pointer);

// Host <-> device copy bandwidth, bytes per second, each the median of `repeats` copies of `bytes`
// timed on the host clock around a synchronous copy (what a kernel call's transfers see).
struct Bandwidth {
  double hostToDevicePinned = 0, deviceToHostPinned = 0;
  double hostToDevicePageable = 0, deviceToHostPageable = 0;
  // A copy within device memory, counting bytes read plus bytes written.
  double deviceToDevice = 0;
};
Error MeasureBandwidth(std::size_t bytes, int repeats, Bandwidth* out);

// Device-only time of an object's calls since it was made.
struct DeviceTime {
  double ns = 0;
  double calls = 0;
};

// legval, KERNELS.md §1: out[s*nx + i] = Σ_k C[s*(deg+1) + k] P_k(x[i]) by numpy's Clenshaw form.
class Legval {
 public:
  static Error Create(const double* x, std::size_t nx, std::size_t nseries, int deg, Legval** out);
  ~Legval();
  // coefficients: nseries*(deg+1) values; out: page-locked, nseries*nx values.
  Error Run(const double* coefficients, double* out);
  DeviceTime Time() const;
  struct State;

 private:
  explicit Legval(State* state) : state_(state) {}
  State* state_;
};

// ghspots, KERNELS.md §2: out[s*187 + y*17 + x] = S[s][y][x], 11 x 17 pixels, degree 6.
class Ghspots {
 public:
  static Error Create(std::size_t nspots, Ghspots** out);
  ~Ghspots();
  // g: 49 values per spot; out: page-locked, 187 values per spot.
  Error Run(const double* dx, const double* dy, const double* sx, const double* sy, const double* g, double* out);
  DeviceTime Time() const;
  struct State;

 private:
  explicit Ghspots(State* state) : state_(state) {}
  State* state_;
};

// kmeans, KERNELS.md §3: one Lloyd assignment of x (n x d, row-major, uploaded once) to centroids
// (k x d): labels, per-cluster sums (k x d) and counts (k) reduced in a fixed order, the inertia.
class Kmeans {
 public:
  static Error Create(const double* x, std::size_t n, std::size_t d, std::size_t k, Kmeans** out);
  ~Kmeans();
  // labels: page-locked, n values; sums k*d, counts k (any host memory); *inertia the sum of the
  // smallest squared distances.
  Error Run(const double* centroids, std::int32_t* labels, double* sums, double* counts, double* inertia);
  DeviceTime Time() const;
  struct State;

 private:
  explicit Kmeans(State* state) : state_(state) {}
  State* state_;
};

}  // namespace gpu
}  // namespace hotbench
