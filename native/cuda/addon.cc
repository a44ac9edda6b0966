// The CUDA addon's N-API glue: argument checks, JavaScript objects around the kernel objects of
// gpu.h, nothing else. Compiled by the host compiler alone (no CUDA headers).
//
// Each kernel is a class: `new Legval(x, nseries, deg)` is the variant's prepare (device buffers,
// static inputs uploaded); its output buffer (`output`, or `labels` for kmeans) is page-locked host
// memory allocated once and shown to JavaScript as a typed array, so the device copies straight into
// what `run` returns. `run` blocks until the output is on the host; `deviceTime()` is the device-only
// time of the calls so far; `dispose()` frees the device memory (the output array stays readable).
#include <napi.h>

#include <cstdint>
#include <string>

#include "gpu.h"

namespace hotbench {
namespace gpu {
namespace {

Napi::Value Fail(Napi::Env env, const std::string& message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool IsFloat64Array(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array;
}

bool IsCount(const Napi::Value& v) {
  if (!v.IsNumber()) return false;
  const double d = v.As<Napi::Number>().DoubleValue();
  return d >= 0 && d <= 9007199254740991.0 && d == double(std::int64_t(d));
}

std::size_t Count(const Napi::Value& v) { return std::size_t(v.As<Napi::Number>().Int64Value()); }

// A page-locked host buffer as a JavaScript ArrayBuffer, freed when the ArrayBuffer is collected.
bool PinnedArrayBuffer(Napi::Env env, std::size_t bytes, Napi::ArrayBuffer* buffer, void** data) {
  const Error e = AllocatePinned(bytes, data);
  if (!e.empty()) {
    Fail(env, "page-locked output buffer: " + e);
    return false;
  }
  *buffer = Napi::ArrayBuffer::New(env, *data, bytes, [](Napi::Env, void* p) { FreePinned(p); });
  return true;
}

Napi::Value TimeObject(Napi::Env env, DeviceTime t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("ns", t.ns);
  o.Set("calls", t.calls);
  return o;
}

// What every kernel class shares: the kernel object, the output array it writes, dispose and deviceTime.
template <typename Self, typename Kernel>
class KernelWrap : public Napi::ObjectWrap<Self> {
 public:
  explicit KernelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Self>(info) {}
  ~KernelWrap() override { delete kernel_; }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    delete kernel_;
    kernel_ = nullptr;
    return info.Env().Undefined();
  }
  Napi::Value DeviceTimeOf(const Napi::CallbackInfo& info) {
    if (!kernel_) return Fail(info.Env(), "deviceTime() after dispose()");
    return TimeObject(info.Env(), kernel_->Time());
  }

 protected:
  // Keeps the output's ArrayBuffer alive as long as this object, whatever JavaScript does with it.
  void Hold(Napi::Object self, const char* name, Napi::TypedArray array) {
    self.Set(name, array);
    output_ = Napi::Persistent(array);
  }
  Kernel* kernel_ = nullptr;
  Napi::Reference<Napi::TypedArray> output_;
};

class LegvalWrap : public KernelWrap<LegvalWrap, Legval> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Legval",
                       {InstanceMethod("run", &LegvalWrap::Run), InstanceMethod("deviceTime", &LegvalWrap::DeviceTimeOf),
                        InstanceMethod("dispose", &LegvalWrap::Dispose)});
  }

  // new Legval(x: Float64Array, nseries: number, deg: number)
  explicit LegvalWrap(const Napi::CallbackInfo& info) : KernelWrap(info) {
    Napi::Env env = info.Env();
    if (info.Length() != 3 || !IsFloat64Array(info[0]) || !IsCount(info[1]) || !IsCount(info[2])) {
      Fail(env, "new Legval(x: Float64Array, nseries: number, deg: number)");
      return;
    }
    Napi::Float64Array x = info[0].As<Napi::Float64Array>();
    nx_ = x.ElementLength();
    nseries_ = Count(info[1]);
    deg_ = int(Count(info[2]));
    Napi::ArrayBuffer buffer;
    void* data = nullptr;
    if (!PinnedArrayBuffer(env, nseries_ * nx_ * sizeof(double), &buffer, &data)) return;
    out_ = static_cast<double*>(data);
    Hold(info.This().As<Napi::Object>(), "output", Napi::Float64Array::New(env, nseries_ * nx_, buffer, 0));
    const Error e = Legval::Create(x.Data(), nx_, nseries_, deg_, &kernel_);
    if (!e.empty()) Fail(env, e);
  }

  // run(coefficients: Float64Array): undefined; the values are in `output`.
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!kernel_) return Fail(env, "run() after dispose()");
    if (info.Length() != 1 || !IsFloat64Array(info[0])) return Fail(env, "run(coefficients: Float64Array)");
    Napi::Float64Array c = info[0].As<Napi::Float64Array>();
    if (c.ElementLength() != nseries_ * std::size_t(deg_ + 1)) return Fail(env, "coefficients.length must be nseries * (deg + 1)");
    const Error e = kernel_->Run(c.Data(), out_);
    return e.empty() ? env.Undefined() : Fail(env, e);
  }

 private:
  std::size_t nx_ = 0, nseries_ = 0;
  int deg_ = 0;
  double* out_ = nullptr;
};

class GhspotsWrap : public KernelWrap<GhspotsWrap, Ghspots> {
 public:
  static constexpr std::size_t kSpot = 187, kCoefficients = 49;

  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Ghspots",
                       {InstanceMethod("run", &GhspotsWrap::Run), InstanceMethod("deviceTime", &GhspotsWrap::DeviceTimeOf),
                        InstanceMethod("dispose", &GhspotsWrap::Dispose)});
  }

  // new Ghspots(nspots: number)
  explicit GhspotsWrap(const Napi::CallbackInfo& info) : KernelWrap(info) {
    Napi::Env env = info.Env();
    if (info.Length() != 1 || !IsCount(info[0])) {
      Fail(env, "new Ghspots(nspots: number)");
      return;
    }
    nspots_ = Count(info[0]);
    Napi::ArrayBuffer buffer;
    void* data = nullptr;
    if (!PinnedArrayBuffer(env, nspots_ * kSpot * sizeof(double), &buffer, &data)) return;
    out_ = static_cast<double*>(data);
    Hold(info.This().As<Napi::Object>(), "output", Napi::Float64Array::New(env, nspots_ * kSpot, buffer, 0));
    const Error e = Ghspots::Create(nspots_, &kernel_);
    if (!e.empty()) Fail(env, e);
  }

  // run(dx, dy, sx, sy, g: Float64Array): undefined; the spots are in `output`.
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!kernel_) return Fail(env, "run() after dispose()");
    if (info.Length() != 5) return Fail(env, "run(dx, dy, sx, sy, g: Float64Array)");
    for (int a = 0; a < 5; ++a) {
      if (!IsFloat64Array(info[a])) return Fail(env, "run(dx, dy, sx, sy, g: Float64Array)");
      const std::size_t want = a < 4 ? nspots_ : nspots_ * kCoefficients;
      if (info[a].As<Napi::Float64Array>().ElementLength() != want) return Fail(env, "dx, dy, sx, sy must hold nspots values and g 49 per spot");
    }
    const Error e = kernel_->Run(info[0].As<Napi::Float64Array>().Data(), info[1].As<Napi::Float64Array>().Data(),
                                 info[2].As<Napi::Float64Array>().Data(), info[3].As<Napi::Float64Array>().Data(),
                                 info[4].As<Napi::Float64Array>().Data(), out_);
    return e.empty() ? env.Undefined() : Fail(env, e);
  }

 private:
  std::size_t nspots_ = 0;
  double* out_ = nullptr;
};

class KmeansWrap : public KernelWrap<KmeansWrap, Kmeans> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Kmeans",
                       {InstanceMethod("run", &KmeansWrap::Run), InstanceMethod("deviceTime", &KmeansWrap::DeviceTimeOf),
                        InstanceMethod("dispose", &KmeansWrap::Dispose)});
  }

  // new Kmeans(x: Float64Array, n: number, d: number, k: number)
  explicit KmeansWrap(const Napi::CallbackInfo& info) : KernelWrap(info) {
    Napi::Env env = info.Env();
    if (info.Length() != 4 || !IsFloat64Array(info[0]) || !IsCount(info[1]) || !IsCount(info[2]) || !IsCount(info[3])) {
      Fail(env, "new Kmeans(x: Float64Array, n: number, d: number, k: number)");
      return;
    }
    Napi::Float64Array x = info[0].As<Napi::Float64Array>();
    n_ = Count(info[1]);
    d_ = Count(info[2]);
    k_ = Count(info[3]);
    if (d_ < 1 || k_ < 1 || x.ElementLength() != n_ * d_) {
      Fail(env, "x must hold n * d values, with d >= 1 and k >= 1");
      return;
    }
    Napi::ArrayBuffer buffer;
    void* data = nullptr;
    if (!PinnedArrayBuffer(env, n_ * sizeof(std::int32_t), &buffer, &data)) return;
    labels_ = static_cast<std::int32_t*>(data);
    Hold(info.This().As<Napi::Object>(), "labels", Napi::Int32Array::New(env, n_, buffer, 0));
    const Error e = Kmeans::Create(x.Data(), n_, d_, k_, &kernel_);
    if (!e.empty()) Fail(env, e);
  }

  // run(centroids: Float64Array, sums: Float64Array, counts: Float64Array): number (the inertia);
  // the labels are in `labels`.
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!kernel_) return Fail(env, "run() after dispose()");
    if (info.Length() != 3 || !IsFloat64Array(info[0]) || !IsFloat64Array(info[1]) || !IsFloat64Array(info[2])) {
      return Fail(env, "run(centroids, sums, counts: Float64Array)");
    }
    Napi::Float64Array c = info[0].As<Napi::Float64Array>(), sums = info[1].As<Napi::Float64Array>(),
                       counts = info[2].As<Napi::Float64Array>();
    if (c.ElementLength() != k_ * d_ || sums.ElementLength() < k_ * d_ || counts.ElementLength() < k_) {
      return Fail(env, "centroids must hold k * d values, sums k * d and counts k");
    }
    double inertia = 0;
    const Error e = kernel_->Run(c.Data(), labels_, sums.Data(), counts.Data(), &inertia);
    return e.empty() ? Napi::Number::New(env, inertia) : Fail(env, e);
  }

 private:
  std::size_t n_ = 0, d_ = 0, k_ = 0;
  std::int32_t* labels_ = nullptr;
};

// devices(): { runtimeVersion, driverVersion, devices: [...], error? } — never throws: a machine
// without a driver or a device is an answer, not an error.
Napi::Value Devices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DeviceList list = ListDevices();
  Napi::Object o = Napi::Object::New(env);
  o.Set("runtimeVersion", list.runtimeVersion);
  o.Set("driverVersion", list.driverVersion);
  Napi::Array devices = Napi::Array::New(env, list.devices.size());
  for (std::size_t i = 0; i < list.devices.size(); ++i) {
    const DeviceProperties& p = list.devices[i];
    Napi::Object d = Napi::Object::New(env);
    d.Set("name", p.name);
    d.Set("memoryBytes", double(p.memoryBytes));
    d.Set("computeCapability", std::to_string(p.major) + "." + std::to_string(p.minor));
    d.Set("multiprocessors", p.multiprocessors);
    d.Set("l2Bytes", p.l2Bytes);
    d.Set("pciBusId", p.pciBusId);
    devices.Set(uint32_t(i), d);
  }
  o.Set("devices", devices);
  if (!list.error.empty()) o.Set("error", list.error);
  return o;
}

// bandwidth(bytes: number, repeats: number): bytes per second of each kind of copy.
Napi::Value MeasuredBandwidth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !IsCount(info[0]) || !IsCount(info[1])) return Fail(env, "bandwidth(bytes: number, repeats: number)");
  Bandwidth b;
  const Error e = MeasureBandwidth(Count(info[0]), int(Count(info[1])), &b);
  if (!e.empty()) return Fail(env, e);
  Napi::Object o = Napi::Object::New(env);
  o.Set("hostToDevicePinned", b.hostToDevicePinned);
  o.Set("deviceToHostPinned", b.deviceToHostPinned);
  o.Set("hostToDevicePageable", b.hostToDevicePageable);
  o.Set("deviceToHostPageable", b.deviceToHostPageable);
  o.Set("deviceToDevice", b.deviceToDevice);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("devices", Napi::Function::New(env, Devices, "devices"));
  exports.Set("bandwidth", Napi::Function::New(env, MeasuredBandwidth, "bandwidth"));
  exports.Set("Legval", LegvalWrap::Define(env));
  exports.Set("Ghspots", GhspotsWrap::Define(env));
  exports.Set("Kmeans", KmeansWrap::Define(env));
  return exports;
}

}  // namespace
}  // namespace gpu
}  // namespace hotbench

namespace {
// NODE_API_MODULE pastes the function's name into an identifier: it must be unqualified.
Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return hotbench::gpu::Init(env, exports); }
}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitAddon)
