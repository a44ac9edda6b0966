// Shared helpers of the N-API layer: argument checks without C++ exceptions (errors become
// pending JavaScript exceptions), and the registration hook every kernel's glue file provides.
#pragma once
#include <napi.h>

namespace hotbench {

inline bool AsFloat64Array(const Napi::Value& value, Napi::Float64Array* out) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) return false;
  *out = value.As<Napi::Float64Array>();
  return true;
}

inline Napi::Value Fail(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

// One per kernel (and the roofline probes), each in its own <name>_napi.cc; addon.cc calls them all.
void RegisterLegval(Napi::Env env, Napi::Object exports);
void RegisterGhspots(Napi::Env env, Napi::Object exports);
void RegisterKmeans(Napi::Env env, Napi::Object exports);
void RegisterNormaleq(Napi::Env env, Napi::Object exports);
void RegisterResolution(Napi::Env env, Napi::Object exports);
void RegisterRoofline(Napi::Env env, Napi::Object exports);
void RegisterParallel(Napi::Env env, Napi::Object exports);

}  // namespace hotbench
