// The native-threads rung's N-API glue: a std::thread pool (thread_pool.h) made in prepare and held
// by JavaScript, and one call per kernel that runs the kernel's plain C++ on each thread's rows of
// the same buffers (no copies), the JavaScript thread blocked until all are done. kmeans' threads
// each sum their own clusters; the partial sums, counts and inertias are then added in thread order,
// so that the same number of threads gives the same result to the bit.
#include <cstdint>
#include <vector>

#include "ghspots.h"
#include "kmeans.h"
#include "legval.h"
#include "napi_util.h"
#include "thread_pool.h"

namespace hotbench {
namespace {

// What JavaScript holds: the pool until closed (or collected).
struct PoolHandle {
  ThreadPool* pool;
};

void DeleteHandle(Napi::Env, PoolHandle* handle) {
  delete handle->pool;
  delete handle;
}

// threadPool(threads: number): External (the pool)
Napi::Value CreatePool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsNumber()) return Fail(env, "threadPool(threads: number)");
  const int64_t threads = info[0].As<Napi::Number>().Int64Value();
  if (threads < 1 || threads > 4096) return Fail(env, "threads must be between 1 and 4096");
  return Napi::External<PoolHandle>::New(env, new PoolHandle{new ThreadPool(size_t(threads))}, DeleteHandle);
}

bool AsPool(const Napi::Value& value, ThreadPool** pool) {
  if (!value.IsExternal()) return false;
  *pool = value.As<Napi::External<PoolHandle>>().Data()->pool;
  return *pool != nullptr;
}

// closeThreadPool(pool): undefined: joins the threads now rather than when the handle is collected.
Napi::Value ClosePool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsExternal()) return Fail(env, "closeThreadPool(pool)");
  PoolHandle* handle = info[0].As<Napi::External<PoolHandle>>().Data();
  delete handle->pool;
  handle->pool = nullptr;
  return env.Undefined();
}

// kmeansThreads(pool, xb, n, d, C, labels: Int32Array, sums, counts): number (the inertia)
Napi::Value KmeansThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThreadPool* pool;
  Napi::Float64Array xb, c, sums, counts;
  if (info.Length() != 8 || !AsPool(info[0], &pool) || !AsFloat64Array(info[1], &xb) || !info[2].IsNumber() ||
      !info[3].IsNumber() || !AsFloat64Array(info[4], &c) || !info[5].IsTypedArray() ||
      info[5].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array || !AsFloat64Array(info[6], &sums) ||
      !AsFloat64Array(info[7], &counts)) {
    return Fail(env, "kmeansThreads(pool (open), xb, n, d, C, labels: Int32Array, sums, counts)");
  }
  const int64_t n = info[2].As<Napi::Number>().Int64Value();
  const int64_t d = info[3].As<Napi::Number>().Int64Value();
  if (n < 0 || d < 1) return Fail(env, "n must be >= 0 and d >= 1");
  if (c.ElementLength() % size_t(d) != 0 || c.ElementLength() == 0) return Fail(env, "C.length must be a positive multiple of d");
  const size_t k = c.ElementLength() / size_t(d);
  const size_t blocks = (size_t(n) + kKmeansBlock - 1) / kKmeansBlock;
  if (xb.ElementLength() < blocks * kKmeansBlock * size_t(d)) return Fail(env, "xb.length must be at least ceil(n/8)*8*d");
  Napi::Int32Array labels = info[5].As<Napi::Int32Array>();
  if (labels.ElementLength() < size_t(n)) return Fail(env, "labels.length must be at least n");
  if (sums.ElementLength() < k * size_t(d) || counts.ElementLength() < k) return Fail(env, "sums must hold k*d values and counts k");

  // Each thread's partial on cache lines of its own, one line apart: unpadded, one thread's counts
  // and the next one's first sums share a line written by both for every point (false sharing;
  // variants/kmeans/partials.ts, paddedStride).
  const size_t threads = pool->size(), kd = k * size_t(d), stride = (kd + k + 1 + 7) / 8 * 8 + 8;
  std::vector<double> partial(threads * stride);
  const double* x = xb.Data();
  const double* centroids = c.Data();
  std::int32_t* out = labels.Data();
  pool->Run([&](size_t rank) {
    const Shard s = ShardOf(size_t(n), threads, rank, kKmeansBlock);
    double* mine = partial.data() + rank * stride;
    mine[kd + k] = kmeans(x + s.start * size_t(d), s.end - s.start, size_t(d), centroids, k, out + s.start, mine, mine + kd);
  });
  // In thread order: the same threads, the same sums to the bit.
  double* sum = sums.Data();
  double* count = counts.Data();
  double inertia = partial[kd + k];
  for (size_t q = 0; q < kd + k; ++q) (q < kd ? sum[q] : count[q - kd]) = partial[q];
  for (size_t r = 1; r < threads; ++r) {
    const double* theirs = partial.data() + r * stride;
    for (size_t q = 0; q < kd; ++q) sum[q] += theirs[q];
    for (size_t c2 = 0; c2 < k; ++c2) count[c2] += theirs[kd + c2];
    inertia += theirs[kd + k];
  }
  return Napi::Number::New(env, inertia);
}

// legvalThreads(pool, x, C, deg, out): undefined: each thread its series.
Napi::Value LegvalThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThreadPool* pool;
  Napi::Float64Array x, c, out;
  if (info.Length() != 5 || !AsPool(info[0], &pool) || !AsFloat64Array(info[1], &x) || !AsFloat64Array(info[2], &c) ||
      !info[3].IsNumber() || !AsFloat64Array(info[4], &out)) {
    return Fail(env, "legvalThreads(pool (open), x: Float64Array, C: Float64Array, deg: number, out: Float64Array)");
  }
  const int deg = info[3].As<Napi::Number>().Int32Value();
  if (deg < 0) return Fail(env, "deg must be >= 0");
  const size_t nx = x.ElementLength(), width = size_t(deg + 1);
  if (c.ElementLength() % width != 0) return Fail(env, "C.length must be a multiple of deg + 1");
  const size_t nseries = c.ElementLength() / width;
  if (out.ElementLength() < nseries * nx) return Fail(env, "out.length must be at least nseries * nx");
  const double* grid = x.Data();
  const double* coefficients = c.Data();
  double* values = out.Data();
  pool->Run([&](size_t rank) {
    const Shard s = ShardOf(nseries, pool->size(), rank);
    legval(grid, nx, coefficients + s.start * width, s.end - s.start, deg, values + s.start * nx);
  });
  return env.Undefined();
}

// ghspotsThreads(pool, dx, dy, sx, sy, G, out): undefined: each thread its spots.
Napi::Value GhspotsThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThreadPool* pool;
  Napi::Float64Array dx, dy, sx, sy, g, out;
  if (info.Length() != 7 || !AsPool(info[0], &pool) || !AsFloat64Array(info[1], &dx) || !AsFloat64Array(info[2], &dy) ||
      !AsFloat64Array(info[3], &sx) || !AsFloat64Array(info[4], &sy) || !AsFloat64Array(info[5], &g) || !AsFloat64Array(info[6], &out)) {
    return Fail(env, "ghspotsThreads(pool (open), dx, dy, sx, sy, G, out: Float64Array)");
  }
  const size_t nspots = dx.ElementLength();
  if (dy.ElementLength() != nspots || sx.ElementLength() != nspots || sy.ElementLength() != nspots) {
    return Fail(env, "dx, dy, sx and sy must have the same length");
  }
  if (g.ElementLength() != nspots * 49) return Fail(env, "G.length must be 49 per spot");
  if (out.ElementLength() < nspots * 187) return Fail(env, "out.length must be at least 187 per spot");
  const double *px = dx.Data(), *py = dy.Data(), *wx = sx.Data(), *wy = sy.Data(), *coefficients = g.Data();
  double* values = out.Data();
  pool->Run([&](size_t rank) {
    const Shard s = ShardOf(nspots, pool->size(), rank);
    ghspots(px + s.start, py + s.start, wx + s.start, wy + s.start, coefficients + s.start * 49, s.end - s.start,
            values + s.start * 187);
  });
  return env.Undefined();
}

}  // namespace

void RegisterParallel(Napi::Env env, Napi::Object exports) {
  exports.Set("threadPool", Napi::Function::New(env, CreatePool, "threadPool"));
  exports.Set("closeThreadPool", Napi::Function::New(env, ClosePool, "closeThreadPool"));
  exports.Set("kmeansThreads", Napi::Function::New(env, KmeansThreads, "kmeansThreads"));
  exports.Set("legvalThreads", Napi::Function::New(env, LegvalThreads, "legvalThreads"));
  exports.Set("ghspotsThreads", Napi::Function::New(env, GhspotsThreads, "ghspotsThreads"));
}

}  // namespace hotbench
