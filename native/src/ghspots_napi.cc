// ghspots' N-API glue: argument checks and typed-array pointers, nothing else (no copies).
#include "ghspots.h"
#include "napi_util.h"

namespace hotbench {
namespace {

// ghspots(dx, dy, sx, sy: Float64Array, G: Float64Array, out: Float64Array): undefined
Napi::Value Ghspots(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array dx, dy, sx, sy, g, out;
  if (info.Length() != 6 || !AsFloat64Array(info[0], &dx) || !AsFloat64Array(info[1], &dy) || !AsFloat64Array(info[2], &sx) ||
      !AsFloat64Array(info[3], &sy) || !AsFloat64Array(info[4], &g) || !AsFloat64Array(info[5], &out)) {
    return Fail(env, "ghspots(dx, dy, sx, sy, G, out: Float64Array)");
  }
  const size_t nspots = dx.ElementLength();
  if (dy.ElementLength() != nspots || sx.ElementLength() != nspots || sy.ElementLength() != nspots) {
    return Fail(env, "dx, dy, sx and sy must have the same length");
  }
  if (g.ElementLength() != nspots * 49) return Fail(env, "G.length must be 49 per spot");
  if (out.ElementLength() < nspots * 187) return Fail(env, "out.length must be at least 187 per spot");
  ghspots(dx.Data(), dy.Data(), sx.Data(), sy.Data(), g.Data(), nspots, out.Data());
  return env.Undefined();
}

}  // namespace

void RegisterGhspots(Napi::Env env, Napi::Object exports) {
  exports.Set("ghspots", Napi::Function::New(env, Ghspots, "ghspots"));
}

}  // namespace hotbench
