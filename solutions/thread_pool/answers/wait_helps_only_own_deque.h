// Flawed: per-thread deques and stealing under one pool mutex (a thread id -> index map says whose
// deque); wait() runs only its own deque ("a thief runs what it took"), then blocks in f.get().
// expect-level: 2
// expect-caught-by: Liveness.L3_WaitingThreadRunsATaskQueuedLater hang
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kata {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads) : local_(threads) {
    if (threads == 0) throw std::invalid_argument("ThreadPool(0)");
    // The workers block on mutex_ until every thread id is in the map.
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < threads; ++i) {
      threads_.emplace_back([this, i] { serve(i); });
      index_of_.emplace(threads_.back().get_id(), i);
    }
  }

  ~ThreadPool() { shutdown(); }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  template <class F>
  auto submit(F f) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    auto promise = std::make_shared<std::promise<R>>();
    auto callable = std::make_shared<F>(std::move(f));  // std::function wants a copyable target
    std::future<R> future = promise->get_future();
    Job job = [promise, callable] {
      try {
        if constexpr (std::is_void_v<R>) {
          (*callable)();
          promise->set_value();
        } else {
          promise->set_value((*callable)());
        }
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    };
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) throw std::runtime_error("ThreadPool: closed");
      if (auto me = my_index()) {
        local_[*me].push_back(std::move(job));
      } else {
        inbox_.push_back(std::move(job));
      }
      ++queued_;
    }
    has_work_.notify_one();
    return future;
  }

  void shutdown() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    has_work_.notify_all();
    join_all();
  }

  std::size_t shutdown_now() {
    std::vector<Job> discarded;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      for (Job& job : inbox_) discarded.push_back(std::move(job));
      inbox_.clear();
      for (auto& deque : local_) {
        for (Job& job : deque) discarded.push_back(std::move(job));
        deque.clear();
      }
      queued_ = 0;
    }
    const std::size_t count = discarded.size();
    discarded.clear();  // the promises go with them: broken_promise
    has_work_.notify_all();
    join_all();
    return count;
  }

  std::size_t thread_count() const { return threads_.size(); }

  template <class T>
  T wait(std::future<T>& f) {
    std::optional<std::size_t> me;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      me = my_index();
    }
    if (me) {
      // My subtasks are on my deque, newest on top: run them while the one I need is not done.
      // One a thief took is running on the thief, so get() below will not wait long.
      while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        Job job;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (local_[*me].empty()) break;
          job = std::move(local_[*me].back());
          local_[*me].pop_back();
          --queued_;
        }
        job();
      }
    }
    return f.get();
  }

 private:
  using Job = std::function<void()>;

  // Requires mutex_.
  std::optional<std::size_t> my_index() const {
    auto it = index_of_.find(std::this_thread::get_id());
    if (it == index_of_.end()) return std::nullopt;
    return it->second;
  }

  // Requires mutex_ and queued_ > 0: own newest, else the oldest from outside, else steal the
  // oldest of the next non-empty deque.
  Job take(std::size_t me) {
    Job job;
    if (!local_[me].empty()) {
      job = std::move(local_[me].back());
      local_[me].pop_back();
    } else if (!inbox_.empty()) {
      job = std::move(inbox_.front());
      inbox_.pop_front();
    } else {
      for (std::size_t k = 1; k < local_.size(); ++k) {
        auto& victim = local_[(me + k) % local_.size()];
        if (victim.empty()) continue;
        job = std::move(victim.front());
        victim.pop_front();
        break;
      }
    }
    --queued_;
    return job;
  }

  void serve(std::size_t me) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      has_work_.wait(lock, [this] { return closed_ || queued_ > 0; });
      if (queued_ == 0) return;  // closed and drained
      Job job = take(me);
      lock.unlock();
      job();
      lock.lock();
    }
  }

  void join_all() {
    std::lock_guard<std::mutex> lock(join_mutex_);
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  std::mutex mutex_;
  std::condition_variable has_work_;
  std::deque<Job> inbox_;               // guarded by mutex_: submits from outside the pool
  std::vector<std::deque<Job>> local_;  // guarded by mutex_: one per pool thread
  std::size_t queued_ = 0;              // guarded by mutex_: tasks in inbox_ and local_
  bool closed_ = false;                 // guarded by mutex_
  std::unordered_map<std::thread::id, std::size_t> index_of_;  // guarded by mutex_
  std::mutex join_mutex_;
  std::vector<std::thread> threads_;
};

}  // namespace kata
