// A fixed pool of std::threads for the native-threads rung: made once in prepare, then each call
// runs one task on every thread and returns when all have finished; the calling (JavaScript) thread
// only waits. Rows are split by the rule of bench/parallel/shards.ts, so that the same number of
// threads gives every thread the same rows, and per-thread partial results can be combined in a
// fixed order.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hotbench {

// Rows [start, end) of thread `rank` of `threads`: contiguous, as equal as possible in units of
// `align` rows, the first ranges one unit longer.
struct Shard {
  std::size_t start;
  std::size_t end;
};
Shard ShardOf(std::size_t rows, std::size_t threads, std::size_t rank, std::size_t align = 1);

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return threads_.size(); }
  // Runs task(rank) on every thread (rank 0..size-1) and returns once all have returned.
  void Run(const std::function<void(std::size_t)>& task);

 private:
  void Loop(std::size_t rank);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable finished_;
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t generation_ = 0;
  std::size_t running_ = 0;
  bool stop_ = false;
};

}  // namespace hotbench
