// Flawed: C++20 style, std::jthread workers looping `while (!stop_requested())` around a wait on a
// std::condition_variable_any with the stop token: once stop is requested they leave, queue or not.
// expect-level: 0
// expect-caught-by: Contract.L1_DestructorRunsEveryQueuedTask assertion
#pragma once

#include <condition_variable>
#include <cstddef>
#include <future>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads) : size_(threads) {
    if (threads == 0) throw std::invalid_argument("a pool needs a thread");
    workers_.reserve(threads);
    for (std::size_t n = 0; n < threads; ++n) {
      workers_.emplace_back([this](std::stop_token stop) { loop(stop); });
    }
  }

  ~ThreadPool() { shutdown(); }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  template <class F>
  auto submit(F f) -> std::future<std::invoke_result_t<F>> {
    std::packaged_task<std::invoke_result_t<F>()> typed(std::move(f));
    auto result = typed.get_future();
    {
      std::scoped_lock guard(lock_);
      if (!accepting_) throw std::runtime_error("pool is shutting down");
      // packaged_task<void()> erases the result type; the typed task keeps its own future.
      jobs_.emplace([inner = std::move(typed)]() mutable { inner(); });
    }
    ready_.notify_one();
    return result;
  }

  void shutdown() {
    {
      std::scoped_lock guard(lock_);
      accepting_ = false;
    }
    stop_and_join();
  }

  std::size_t shutdown_now() {
    std::queue<std::packaged_task<void()>> dropped;
    {
      std::scoped_lock guard(lock_);
      accepting_ = false;
      std::swap(dropped, jobs_);
    }
    const std::size_t n = dropped.size();
    while (!dropped.empty()) dropped.pop();  // each destroyed unrun: broken_promise
    stop_and_join();
    return n;
  }

  std::size_t thread_count() const { return size_; }

  template <class T>
  T wait(std::future<T>& f) {
    (void)f;
    throw NotImplemented("ThreadPool::wait");
  }

 private:
  void loop(std::stop_token stop) {
    while (!stop.stop_requested()) {
      std::packaged_task<void()> job;
      {
        std::unique_lock guard(lock_);
        // Returns false only when stop was requested with nothing queued.
        if (!ready_.wait(guard, stop, [this] { return !jobs_.empty(); })) break;
        job = std::move(jobs_.front());
        jobs_.pop();
      }
      job();
    }
  }

  void stop_and_join() {
    std::scoped_lock guard(join_lock_);
    for (auto& w : workers_) w.request_stop();
    for (auto& w : workers_) {
      if (w.joinable()) w.join();
    }
  }

  const std::size_t size_;
  std::mutex lock_;
  std::condition_variable_any ready_;
  std::queue<std::packaged_task<void()>> jobs_;
  bool accepting_ = true;
  std::mutex join_lock_;
  std::vector<std::jthread> workers_;  // last: destroyed (and joined) before what they use
};

}  // namespace kata
