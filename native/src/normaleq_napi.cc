// normaleq's N-API glue: argument checks (every index the C++ will follow is checked against the
// arrays' lengths, so a malformed structure is a TypeError, not a stray write) and typed-array
// pointers, nothing else (no copies).
#include <cstdint>

#include "napi_util.h"
#include "normaleq.h"

namespace hotbench {
namespace {

bool AsInt32Array(const Napi::Value& value, Napi::Int32Array* out) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) return false;
  *out = value.As<Napi::Int32Array>();
  return true;
}

// The structure's indices, checked: every stamp inside the patch, every pair inside its stamps,
// the envelope and skyline offsets consistent.
const char* CheckStructure(const NormaleqStructure& s, size_t row0Length, size_t col0Length, size_t firstLength, size_t rowStartLength) {
  const size_t n = s.nbins;
  if (row0Length < n || col0Length < n || firstLength < n || rowStartLength < n + 1) return "row0, col0 and first need nbins values, rowStart nbins + 1";
  if (s.nx < 17) return "nx must be at least 17";
  for (size_t j = 0; j < n; ++j) {
    if (s.row0[j] < 0 || s.col0[j] < 0 || size_t(s.col0[j]) + 17 > s.nx || (size_t(s.row0[j]) + 11) * s.nx > s.npix) return "a stamp lies outside the patch";
    if (s.first[j] < 0 || size_t(s.first[j]) > j || s.rowStart[j + 1] - s.rowStart[j] != std::int32_t(j) - s.first[j] + 1) return "first and rowStart do not describe an envelope";
  }
  if (s.rowStart[0] != 0) return "rowStart[0] must be 0";
  for (size_t q = 0; q < s.npairs; ++q) {
    const std::int32_t* p = s.pairs + 7 * q;
    const std::int32_t i = p[0], j = p[1], rows = p[2], cols = p[3], offI = p[5], offJ = p[6];
    if (i < 0 || j < i || size_t(j) >= n || size_t(i) < size_t(s.first[j])) return "a pair's bins are out of range or outside the envelope";
    if (rows < 1 || rows > 11 || cols < 1 || cols > 17) return "a pair's shared rectangle is not within a stamp";
    for (const std::int32_t off : {offI, offJ}) {
      if (off < 0 || off % 17 + cols > 17 || off / 17 + rows > 11) return "a pair's offsets run outside its stamps";
    }
  }
  return nullptr;
}

// normaleq(stamps, row0, col0, nx, pairs, first, rowStart, pixels, ivar, icov, x)
Napi::Value Normaleq(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage =
      "normaleq(stamps: Float64Array, row0: Int32Array, col0: Int32Array, nx: number, pairs: Int32Array, first: Int32Array, "
      "rowStart: Int32Array, pixels: Float64Array, ivar: Float64Array, icov: Float64Array, x: Float64Array)";
  Napi::Float64Array stamps, pixels, ivar, icov, x;
  Napi::Int32Array row0, col0, pairs, first, rowStart;
  if (info.Length() != 11 || !AsFloat64Array(info[0], &stamps) || !AsInt32Array(info[1], &row0) || !AsInt32Array(info[2], &col0) ||
      !info[3].IsNumber() || !AsInt32Array(info[4], &pairs) || !AsInt32Array(info[5], &first) || !AsInt32Array(info[6], &rowStart) ||
      !AsFloat64Array(info[7], &pixels) || !AsFloat64Array(info[8], &ivar) || !AsFloat64Array(info[9], &icov) || !AsFloat64Array(info[10], &x)) {
    return Fail(env, usage);
  }
  const std::int64_t nx = info[3].As<Napi::Number>().Int64Value();
  if (stamps.ElementLength() % 187 != 0 || stamps.ElementLength() == 0) return Fail(env, "stamps.length must be a positive multiple of 187");
  if (pairs.ElementLength() % 7 != 0) return Fail(env, "pairs.length must be a multiple of 7");
  if (nx < 1 || pixels.ElementLength() != ivar.ElementLength() || pixels.ElementLength() % size_t(nx) != 0) return Fail(env, "pixels and ivar must hold the same whole rows of nx pixels");
  const size_t n = stamps.ElementLength() / 187;
  if (icov.ElementLength() < n * n || x.ElementLength() < n) return Fail(env, "icov must hold nbins² values and x nbins");
  NormaleqStructure s{stamps.Data(), n, row0.Data(), col0.Data(), size_t(nx), pixels.ElementLength(), pairs.Data(), pairs.ElementLength() / 7, first.Data(), rowStart.Data()};
  if (const char* problem = CheckStructure(s, row0.ElementLength(), col0.ElementLength(), first.ElementLength(), rowStart.ElementLength())) return Fail(env, problem);
  normaleq(s, pixels.Data(), ivar.Data(), icov.Data(), x.Data());
  return env.Undefined();
}

}  // namespace

void RegisterNormaleq(Napi::Env env, Napi::Object exports) {
  exports.Set("normaleq", Napi::Function::New(env, Normaleq, "normaleq"));
}

}  // namespace hotbench
