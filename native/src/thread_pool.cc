// The native-threads rung's pool (thread_pool.h): threads sleep on a condition variable between
// calls, so an idle pool costs no CPU; a call wakes them all and waits for the last.
#include "thread_pool.h"

namespace hotbench {

Shard ShardOf(std::size_t rows, std::size_t threads, std::size_t rank, std::size_t align) {
  const std::size_t units = (rows + align - 1) / align;
  const std::size_t base = units / threads, extra = units % threads;
  const std::size_t first = rank * base + (rank < extra ? rank : extra);
  const std::size_t count = base + (rank < extra ? 1 : 0);
  const auto clip = [rows](std::size_t v) { return v < rows ? v : rows; };
  return {clip(first * align), clip((first + count) * align)};
}

ThreadPool::ThreadPool(std::size_t threads) {
  threads_.reserve(threads);
  for (std::size_t rank = 0; rank < threads; ++rank) threads_.emplace_back([this, rank] { Loop(rank); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void ThreadPool::Run(const std::function<void(std::size_t)>& task) {
  std::unique_lock<std::mutex> lock(mutex_);
  task_ = &task;
  running_ = threads_.size();
  ++generation_;
  start_.notify_all();
  finished_.wait(lock, [this] { return running_ == 0; });
  task_ = nullptr;
}

void ThreadPool::Loop(std::size_t rank) {
  std::size_t seen = 0;
  for (;;) {
    const std::function<void(std::size_t)>* task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [this, seen] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      task = task_;
    }
    (*task)(rank);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--running_ == 0) finished_.notify_one();
    }
  }
}

}  // namespace hotbench
