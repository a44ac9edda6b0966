// The roofline probes' N-API glue: argument checks and the figures as plain objects, nothing else.
#include "napi_util.h"
#include "roofline.h"

namespace hotbench {
namespace {

// rooflineBandwidth(elements: number, passes: number): { triadSeconds, storeSeconds, checksum }
Napi::Value Bandwidth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !info[0].IsNumber() || !info[1].IsNumber()) return Fail(env, "rooflineBandwidth(elements: number, passes: number)");
  const double elements = info[0].As<Napi::Number>().DoubleValue();
  const int passes = info[1].As<Napi::Number>().Int32Value();
  if (!(elements >= 1 && elements <= 1e12) || passes < 1) return Fail(env, "elements must be in [1, 1e12] and passes >= 1");
  BandwidthFigures figures;
  if (!bandwidth(std::size_t(elements), passes, &figures)) return Fail(env, "rooflineBandwidth: cannot allocate the arrays");
  Napi::Object out = Napi::Object::New(env);
  out.Set("triadSeconds", figures.triadSeconds);
  out.Set("storeSeconds", figures.storeSeconds);
  out.Set("checksum", figures.checksum);
  return out;
}

// rooflinePeak(minRepSeconds: number, reps: number, m: number, a: number):
//   { flopsPerRep, bestSeconds, chains, vectorBits, fma, checksum }
Napi::Value Peak(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber()) {
    return Fail(env, "rooflinePeak(minRepSeconds: number, reps: number, m: number, a: number)");
  }
  const double minRepSeconds = info[0].As<Napi::Number>().DoubleValue();
  const int reps = info[1].As<Napi::Number>().Int32Value();
  if (!(minRepSeconds > 0 && minRepSeconds <= 10) || reps < 1) return Fail(env, "minRepSeconds must be in (0, 10] and reps >= 1");
  const PeakFigures figures = peak(minRepSeconds, reps, info[2].As<Napi::Number>().DoubleValue(), info[3].As<Napi::Number>().DoubleValue());
  Napi::Object out = Napi::Object::New(env);
  out.Set("flopsPerRep", figures.flopsPerRep);
  out.Set("bestSeconds", figures.bestSeconds);
  out.Set("chains", figures.chains);
  out.Set("vectorBits", figures.vectorBits);
  out.Set("fma", figures.fma);
  out.Set("checksum", figures.checksum);
  return out;
}

}  // namespace

void RegisterRoofline(Napi::Env env, Napi::Object exports) {
  exports.Set("rooflineBandwidth", Napi::Function::New(env, Bandwidth, "rooflineBandwidth"));
  exports.Set("rooflinePeak", Napi::Function::New(env, Peak, "rooflinePeak"));
}

}  // namespace hotbench
