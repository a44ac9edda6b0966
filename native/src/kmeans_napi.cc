// kmeans's N-API glue: argument checks and typed-array pointers, nothing else (no copies).
#include <cstdint>

#include "kmeans.h"
#include "napi_util.h"

namespace hotbench {
namespace {

// kmeans(xb: Float64Array, n: number, d: number, C: Float64Array, labels: Int32Array,
//        sums: Float64Array, counts: Float64Array): number (the inertia)
Napi::Value Kmeans(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage =
      "kmeans(xb: Float64Array, n: number, d: number, C: Float64Array, labels: Int32Array, sums: Float64Array, "
      "counts: Float64Array)";
  Napi::Float64Array xb, c, sums, counts;
  if (info.Length() != 7 || !AsFloat64Array(info[0], &xb) || !info[1].IsNumber() || !info[2].IsNumber() ||
      !AsFloat64Array(info[3], &c) || !info[4].IsTypedArray() ||
      info[4].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array || !AsFloat64Array(info[5], &sums) ||
      !AsFloat64Array(info[6], &counts)) {
    return Fail(env, usage);
  }
  const int64_t n = info[1].As<Napi::Number>().Int64Value();
  const int64_t d = info[2].As<Napi::Number>().Int64Value();
  if (n < 0 || d < 1) return Fail(env, "n must be >= 0 and d >= 1");
  if (c.ElementLength() % size_t(d) != 0) return Fail(env, "C.length must be a multiple of d");
  const size_t k = c.ElementLength() / size_t(d);
  if (k < 1) return Fail(env, "C must hold at least one centroid");
  const size_t blocks = (size_t(n) + kKmeansBlock - 1) / kKmeansBlock;
  if (xb.ElementLength() < blocks * kKmeansBlock * size_t(d)) return Fail(env, "xb.length must be at least ceil(n/8)*8*d");
  Napi::Int32Array labels = info[4].As<Napi::Int32Array>();
  if (labels.ElementLength() < size_t(n)) return Fail(env, "labels.length must be at least n");
  if (sums.ElementLength() < k * size_t(d) || counts.ElementLength() < k) return Fail(env, "sums must hold k*d values and counts k");
  const double inertia = kmeans(xb.Data(), size_t(n), size_t(d), c.Data(), k, labels.Data(), sums.Data(), counts.Data());
  return Napi::Number::New(env, inertia);
}

}  // namespace

void RegisterKmeans(Napi::Env env, Napi::Object exports) {
  exports.Set("kmeans", Napi::Function::New(env, Kmeans, "kmeans"));
}

}  // namespace hotbench
