// legval's N-API glue: argument checks and typed-array pointers, nothing else. Typed arrays are
// passed by pointer (Data() honours byteOffset): no copy in or out.
#include "legval.h"
#include "napi_util.h"

namespace hotbench {
namespace {

// legval(x: Float64Array, C: Float64Array, deg: number, out: Float64Array): undefined
Napi::Value Legval(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array x, c, out;
  if (info.Length() != 4 || !AsFloat64Array(info[0], &x) || !AsFloat64Array(info[1], &c) || !info[2].IsNumber() ||
      !AsFloat64Array(info[3], &out)) {
    return Fail(env, "legval(x: Float64Array, C: Float64Array, deg: number, out: Float64Array)");
  }
  const int deg = info[2].As<Napi::Number>().Int32Value();
  if (deg < 0) return Fail(env, "deg must be >= 0");
  const size_t nx = x.ElementLength();
  if (c.ElementLength() % size_t(deg + 1) != 0) return Fail(env, "C.length must be a multiple of deg + 1");
  const size_t nseries = c.ElementLength() / size_t(deg + 1);
  if (out.ElementLength() < nseries * nx) return Fail(env, "out.length must be at least nseries * nx");
  legval(x.Data(), nx, c.Data(), nseries, deg, out.Data());
  return env.Undefined();
}

}  // namespace

void RegisterLegval(Napi::Env env, Napi::Object exports) {
  exports.Set("legval", Napi::Function::New(env, Legval, "legval"));
}

}  // namespace hotbench
