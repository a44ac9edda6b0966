// The native addon's entry: one module per x86-64 level (binding.gyp), registering every kernel's
// functions. NAPI_VERSION and NAPI_DISABLE_CPP_EXCEPTIONS come from binding.gyp.
#include <napi.h>

#include "napi_util.h"

namespace {

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
  exports.Set("level", Napi::Function::New(env, Level, "level"));
  hotbench::RegisterLegval(env, exports);
  hotbench::RegisterGhspots(env, exports);
  hotbench::RegisterKmeans(env, exports);
  hotbench::RegisterNormaleq(env, exports);
  hotbench::RegisterResolution(env, exports);
  hotbench::RegisterRoofline(env, exports);
  hotbench::RegisterParallel(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
