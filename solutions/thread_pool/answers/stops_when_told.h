// Flawed: the textbook pool, but a pool thread returns as soon as it sees the stop flag, though
// tasks are still queued: the destructor (and shutdown()) drop them, and their futures hold
// broken_promise.
// expect-level: 0
// expect-caught-by: Contract.L1_DestructorRunsEveryQueuedTask assertion
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads) {
    if (threads == 0) throw std::invalid_argument("ThreadPool: at least one thread");
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }

  ~ThreadPool() { shutdown(); }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  template <class F>
  auto submit(F f) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
    std::future<R> future = task->get_future();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) throw std::runtime_error("ThreadPool: shut down");
      tasks_.emplace_back([task] { (*task)(); });
    }
    cv_.notify_one();
    return future;
  }

  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    join();
  }

  std::size_t shutdown_now() {
    std::deque<std::function<void()>> dropped;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      dropped.swap(tasks_);
    }
    const std::size_t count = dropped.size();
    dropped.clear();
    cv_.notify_all();
    join();
    return count;
  }

  std::size_t thread_count() const { return threads_.size(); }

  template <class T>
  T wait(std::future<T>& f) {
    (void)f;
    throw NotImplemented("ThreadPool::wait");
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (stopping_) return;  // told to stop
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  void join() {
    std::lock_guard<std::mutex> lock(join_mutex_);
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::mutex join_mutex_;
  std::vector<std::thread> threads_;
};

}  // namespace kata
