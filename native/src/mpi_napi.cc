// The MPI addon (hotbench_mpi.node, built only where an MPI implementation is installed): thin
// bindings of the few MPI calls the mpi rung needs, on typed arrays by pointer (no copies). The
// kernels' local steps stay in the per-level addons; JavaScript (native/mpi.ts) drives the ranks.
// MPI's default error handler (errors are fatal) stays: a failed call aborts the job, and the
// harness sees the launcher end.
#include <napi.h>
#include <mpi.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

namespace {

Napi::Value Fail(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

// The MPI datatype of a typed array's elements; MPI_DATATYPE_NULL for the kinds not used here.
MPI_Datatype TypeOf(const Napi::TypedArray& array) {
  switch (array.TypedArrayType()) {
    case napi_float64_array: return MPI_DOUBLE;
    case napi_int32_array: return MPI_INT;
    case napi_uint8_array: return MPI_BYTE;
    default: return MPI_DATATYPE_NULL;
  }
}

void* DataOf(const Napi::TypedArray& array) {
  return static_cast<std::uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
}

bool AsArray(const Napi::Value& value, Napi::TypedArray* out) {
  if (!value.IsTypedArray()) return false;
  *out = value.As<Napi::TypedArray>();
  return TypeOf(*out) != MPI_DATATYPE_NULL;
}

bool AsInt32Array(const Napi::Value& value, Napi::Int32Array* out) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) return false;
  *out = value.As<Napi::Int32Array>();
  return true;
}

int Count(const Napi::TypedArray& array) { return static_cast<int>(array.ElementLength()); }

// init(): { rank, size }: MPI_Init once per process (MPI_THREAD_SINGLE: only the main thread calls MPI).
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SINGLE, &provided);
  }
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  Napi::Object world = Napi::Object::New(env);
  world.Set("rank", rank);
  world.Set("size", size);
  return world;
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Finalize();
  return info.Env().Undefined();
}

Napi::Value Abort(const Napi::CallbackInfo& info) {
  const int code = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  MPI_Abort(MPI_COMM_WORLD, code);
  return info.Env().Undefined();
}

// bcast(array, root): MPI_Bcast of the whole array.
Napi::Value Bcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray array;
  if (info.Length() != 2 || !AsArray(info[0], &array) || !info[1].IsNumber()) return Fail(env, "bcast(array: Float64Array | Int32Array | Uint8Array, root: number)");
  MPI_Bcast(DataOf(array), Count(array), TypeOf(array), info[1].As<Napi::Number>().Int32Value(), MPI_COMM_WORLD);
  return env.Undefined();
}

// Rank 0's commands to the other ranks (native/mpi.ts) travel point to point on a tag of their
// own, so that a waiting rank can wait without spinning: MPI's collectives busy-poll, and ranks
// that wait for rank 0 for seconds (it generates its inputs between phases) would take the CPU from
// the ranks that work. (A nonblocking MPI_Ibcast polled with MPI_Test was tried first: on Open MPI
// 4.1 it took milliseconds per command.)
constexpr int kCommandTag = 7401;

// sendCommand(array): rank 0 sends the array to every other rank, in rank order.
Napi::Value SendCommand(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray array;
  if (info.Length() != 1 || !AsArray(info[0], &array)) return Fail(env, "sendCommand(array)");
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int rank = 1; rank < size; ++rank) MPI_Send(DataOf(array), Count(array), TypeOf(array), rank, kCommandTag, MPI_COMM_WORLD);
  return env.Undefined();
}

// waitCommand(array): the other ranks receive rank 0's next command into the array: polled with
// MPI_Test, spinning for 2 ms (calls in a timed loop follow each other within microseconds), then
// sleeping 100 µs between tests, then 1 ms after 20 ms, so an idle rank costs next to no CPU.
Napi::Value WaitCommand(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray array;
  if (info.Length() != 1 || !AsArray(info[0], &array)) return Fail(env, "waitCommand(array)");
  MPI_Request request;
  MPI_Irecv(DataOf(array), Count(array), TypeOf(array), 0, kCommandTag, MPI_COMM_WORLD, &request);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) break;
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited < std::chrono::milliseconds(2)) continue;
    std::this_thread::sleep_for(waited < std::chrono::milliseconds(20) ? std::chrono::microseconds(100) : std::chrono::milliseconds(1));
  }
  return env.Undefined();
}

// scatterv(send | null, counts | null, displs | null, recv, root): rank r receives counts[r]
// elements from send at displs[r] (elements); send, counts and displs matter at the root only.
Napi::Value Scatterv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray send, recv;
  Napi::Int32Array counts, displs;
  const bool hasSend = info.Length() == 5 && !info[0].IsNull();
  if (info.Length() != 5 || (hasSend && (!AsArray(info[0], &send) || !AsInt32Array(info[1], &counts) || !AsInt32Array(info[2], &displs))) ||
      !AsArray(info[3], &recv) || !info[4].IsNumber()) {
    return Fail(env, "scatterv(send | null, counts: Int32Array | null, displs: Int32Array | null, recv, root: number)");
  }
  MPI_Scatterv(hasSend ? DataOf(send) : nullptr, hasSend ? counts.Data() : nullptr, hasSend ? displs.Data() : nullptr,
               hasSend ? TypeOf(send) : TypeOf(recv), DataOf(recv), Count(recv), TypeOf(recv), info[4].As<Napi::Number>().Int32Value(),
               MPI_COMM_WORLD);
  return env.Undefined();
}

// gatherv(send, recv | null, counts | null, displs | null, root): the root receives rank r's
// send (counts[r] elements) into recv at displs[r].
Napi::Value Gatherv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray send, recv;
  Napi::Int32Array counts, displs;
  const bool hasRecv = info.Length() == 5 && !info[1].IsNull();
  if (info.Length() != 5 || !AsArray(info[0], &send) ||
      (hasRecv && (!AsArray(info[1], &recv) || !AsInt32Array(info[2], &counts) || !AsInt32Array(info[3], &displs))) || !info[4].IsNumber()) {
    return Fail(env, "gatherv(send, recv | null, counts: Int32Array | null, displs: Int32Array | null, root: number)");
  }
  MPI_Gatherv(DataOf(send), Count(send), TypeOf(send), hasRecv ? DataOf(recv) : nullptr, hasRecv ? counts.Data() : nullptr,
              hasRecv ? displs.Data() : nullptr, hasRecv ? TypeOf(recv) : TypeOf(send), info[4].As<Napi::Number>().Int32Value(),
              MPI_COMM_WORLD);
  return env.Undefined();
}

// allgather(send, recv): every rank gets every rank's send, in rank order (recv: size × send).
Napi::Value Allgather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::TypedArray send, recv;
  if (info.Length() != 2 || !AsArray(info[0], &send) || !AsArray(info[1], &recv)) return Fail(env, "allgather(send, recv)");
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (recv.ElementLength() < send.ElementLength() * std::size_t(size)) return Fail(env, "recv must hold size × send.length elements");
  MPI_Allgather(DataOf(send), Count(send), TypeOf(send), DataOf(recv), Count(send), TypeOf(recv), MPI_COMM_WORLD);
  return env.Undefined();
}

// The implementation, for reports: "Open MPI v4.1.4, ...".
Napi::Value Library(const Napi::CallbackInfo& info) {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  std::string text(version, std::size_t(length));
  const auto end = text.find_first_of("\r\n");
  return Napi::String::New(info.Env(), end == std::string::npos ? text : text.substr(0, end));
}

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("finalize", Napi::Function::New(env, Finalize, "finalize"));
  exports.Set("abort", Napi::Function::New(env, Abort, "abort"));
  exports.Set("bcast", Napi::Function::New(env, Bcast, "bcast"));
  exports.Set("sendCommand", Napi::Function::New(env, SendCommand, "sendCommand"));
  exports.Set("waitCommand", Napi::Function::New(env, WaitCommand, "waitCommand"));
  exports.Set("scatterv", Napi::Function::New(env, Scatterv, "scatterv"));
  exports.Set("gatherv", Napi::Function::New(env, Gatherv, "gatherv"));
  exports.Set("allgather", Napi::Function::New(env, Allgather, "allgather"));
  exports.Set("library", Napi::Function::New(env, Library, "library"));
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitAddon)
