// The N-API layer of the native rung: argument checks and typed-array pointers, nothing else.
// Typed arrays are passed by pointer (Data() honours byteOffset): no copy in or out.
// Built once per x86-64 level (binding.gyp); NAPI_VERSION and NAPI_DISABLE_CPP_EXCEPTIONS come
// from binding.gyp, so errors become pending JavaScript exceptions.
#include <napi.h>

#include "legval.h"

namespace {

bool asFloat64Array(const Napi::Value& value, Napi::Float64Array* out) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) return false;
  *out = value.As<Napi::Float64Array>();
  return true;
}

Napi::Value fail(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

// legval(x: Float64Array, C: Float64Array, deg: number, out: Float64Array): undefined
Napi::Value Legval(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array x, c, out;
  if (info.Length() != 4 || !asFloat64Array(info[0], &x) || !asFloat64Array(info[1], &c) || !info[2].IsNumber() ||
      !asFloat64Array(info[3], &out)) {
    return fail(env, "legval(x: Float64Array, C: Float64Array, deg: number, out: Float64Array)");
  }
  const int deg = info[2].As<Napi::Number>().Int32Value();
  if (deg < 0) return fail(env, "deg must be >= 0");
  const size_t nx = x.ElementLength();
  if (c.ElementLength() % size_t(deg + 1) != 0) return fail(env, "C.length must be a multiple of deg + 1");
  const size_t nseries = c.ElementLength() / size_t(deg + 1);
  if (out.ElementLength() < nseries * nx) return fail(env, "out.length must be at least nseries * nx");
  hotbench::legval(x.Data(), nx, c.Data(), nseries, deg, out.Data());
  return env.Undefined();
}

// The level this binary was compiled for, from the compiler's own feature macros.
Napi::Value Level(const Napi::CallbackInfo& info) {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512CD__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
  const char* level = "x86-64-v4";
#elif defined(__AVX2__) && defined(__FMA__) && defined(__BMI2__)
  const char* level = "x86-64-v3";
#elif defined(__SSE4_2__) && defined(__POPCNT__)
  const char* level = "x86-64-v2";
#else
  const char* level = "x86-64";
#endif
  return Napi::String::New(info.Env(), level);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("legval", Napi::Function::New(env, Legval, "legval"));
  exports.Set("level", Napi::Function::New(env, Level, "level"));
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
