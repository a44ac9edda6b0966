// resolution's N-API glue: argument checks and typed-array pointers, nothing else (no copies). An
// eigen-decomposition that reaches its iteration cap becomes a JavaScript Error.
#include <cstdint>

#include "napi_util.h"
#include "resolution.h"

namespace hotbench {
namespace {

// resolution(icov: Float64Array, nspec: number, nwave: number, r: Float64Array, ivar: Float64Array)
Napi::Value Resolution(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array icov, r, ivar;
  if (info.Length() != 5 || !AsFloat64Array(info[0], &icov) || !info[1].IsNumber() || !info[2].IsNumber() || !AsFloat64Array(info[3], &r) ||
      !AsFloat64Array(info[4], &ivar)) {
    return Fail(env, "resolution(icov: Float64Array, nspec: number, nwave: number, r: Float64Array, ivar: Float64Array)");
  }
  const std::int64_t nspec = info[1].As<Napi::Number>().Int64Value();
  const std::int64_t nwave = info[2].As<Napi::Number>().Int64Value();
  if (nspec < 1 || nwave < 1) return Fail(env, "nspec and nwave must be at least 1");
  const size_t n = size_t(nspec) * size_t(nwave);
  if (icov.ElementLength() != n * n) return Fail(env, "icov must hold (nspec·nwave)² values");
  if (r.ElementLength() < n * size_t(nwave) || ivar.ElementLength() < n) return Fail(env, "r must hold nspec·nwave² values and ivar nspec·nwave");
  if (!resolution(icov.Data(), size_t(nspec), size_t(nwave), r.Data(), ivar.Data())) {
    Napi::Error::New(env, "resolution: eigh did not converge (QL iteration cap reached)").ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace

void RegisterResolution(Napi::Env env, Napi::Object exports) {
  exports.Set("resolution", Napi::Function::New(env, Resolution, "resolution"));
}

}  // namespace hotbench
