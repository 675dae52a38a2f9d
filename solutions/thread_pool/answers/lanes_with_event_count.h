// Advanced: work stealing on per-thread lanes (a std::deque and a std::mutex each), outside submits
// dealt round-robin; a shared_mutex admits submits; idle threads and helpers park on an eventcount.
// expect-level: 3
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace kata {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads) {
    if (threads == 0) throw std::invalid_argument("ThreadPool: zero threads");
    lanes_ = std::make_unique<Lane[]>(threads);
    lane_count_ = threads;
    workers_.reserve(threads);
    try {
      for (std::size_t lane = 0; lane < threads; ++lane) {
        workers_.emplace_back(&ThreadPool::worker_main, this, lane);
      }
    } catch (...) {
      shutdown();
      throw;
    }
  }

  ~ThreadPool() { shutdown(); }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  template <class F>
  auto submit(F f) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    auto job = std::make_unique<Packaged<R>>(std::move(f));
    std::future<R> result = job->task.get_future();
    {
      // Shared: submits admit each other; shutdown's exclusive lock waits for the ones in flight,
      // so after it no push can land behind the drain's back.
      std::shared_lock admit(admission_);
      if (closed_) throw std::runtime_error("ThreadPool: submit() once shut down");
      const std::size_t lane = seat_.pool == this
                                   ? seat_.lane
                                   : dealer_.fetch_add(1, std::memory_order_relaxed) % lane_count_;
      std::lock_guard hold(lanes_[lane].mutex);
      lanes_[lane].jobs.push_back(std::move(job));
    }
    bump(false);
    return result;
  }

  void shutdown() {
    close();
    drain_and_join();
  }

  std::size_t shutdown_now() {
    close();
    std::vector<std::unique_ptr<Job>> swept;
    for (std::size_t lane = 0; lane < lane_count_; ++lane) {
      std::lock_guard hold(lanes_[lane].mutex);
      for (auto& job : lanes_[lane].jobs) swept.push_back(std::move(job));
      lanes_[lane].jobs.clear();
    }
    const std::size_t count = swept.size();
    swept.clear();  // unrun packaged_tasks: their futures get broken_promise
    drain_and_join();
    return count;
  }

  std::size_t thread_count() const { return lane_count_; }

  template <class T>
  T wait(std::future<T>& f) {
    if (seat_.pool != this) return f.get();
    const auto ready = [&f] {
      return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    };
    while (!ready()) {
      const std::uint64_t seen = epoch_.load(std::memory_order_acquire);
      if (auto job = take(seat_.lane)) {
        run(*job);
        continue;
      }
      std::unique_lock park(park_mutex_);
      ++helpers_parked_;
      parked_.wait(park, [&] { return epoch_.load(std::memory_order_relaxed) != seen || ready(); });
      --helpers_parked_;
    }
    return f.get();
  }

 private:
  struct Job {
    virtual ~Job() = default;
    virtual void operator()() = 0;
  };
  template <class R>
  struct Packaged final : Job {
    template <class F>
    explicit Packaged(F&& f) : task(std::forward<F>(f)) {}
    void operator()() override { task(); }  // packaged_task stores the value or the exception
    std::packaged_task<R()> task;
  };
  struct Lane {
    std::mutex mutex;
    std::deque<std::unique_ptr<Job>> jobs;  // owner: back; thieves: front
  };
  struct Seat {
    const ThreadPool* pool;
    std::size_t lane;
  };

  // The event count: every push (and the close) advances epoch_ under park_mutex_. A thread reads
  // the epoch before it scans the lanes and parks only while it is unchanged, so a push that its
  // scan missed has advanced it: it never parks with a task queued.
  void bump(bool everyone) {
    bool helpers = false;
    {
      std::lock_guard park(park_mutex_);
      epoch_.fetch_add(1, std::memory_order_release);
      helpers = helpers_parked_ > 0;
    }
    // A helper whose future is ready leaves without taking the task: never hand it the only wake.
    if (everyone || helpers) {
      parked_.notify_all();
    } else {
      parked_.notify_one();
    }
  }

  // Its own lane's newest, else the oldest of another lane, one lane lock at a time.
  std::unique_ptr<Job> take(std::size_t me) {
    {
      Lane& own = lanes_[me];
      std::lock_guard hold(own.mutex);
      if (!own.jobs.empty()) {
        auto job = std::move(own.jobs.back());
        own.jobs.pop_back();
        return job;
      }
    }
    for (std::size_t step = 1; step < lane_count_; ++step) {
      Lane& victim = lanes_[(me + step) % lane_count_];
      std::lock_guard hold(victim.mutex);
      if (!victim.jobs.empty()) {
        auto job = std::move(victim.jobs.front());
        victim.jobs.pop_front();
        return job;
      }
    }
    return nullptr;
  }

  void run(Job& job) {
    job();
    // A helper may be parked until exactly this job's future is ready; its promise is set by now.
    {
      std::lock_guard park(park_mutex_);
      if (helpers_parked_ == 0) return;
      epoch_.fetch_add(1, std::memory_order_release);
    }
    parked_.notify_all();
  }

  void worker_main(std::size_t lane) {
    seat_ = Seat{this, lane};
    for (;;) {
      const std::uint64_t seen = epoch_.load(std::memory_order_acquire);
      // Read before the scan: once closing, nothing more is pushed, so an empty scan is final.
      const bool closing = closing_.load(std::memory_order_acquire);
      if (auto job = take(lane)) {
        run(*job);
        continue;
      }
      if (closing) return;
      std::unique_lock park(park_mutex_);
      parked_.wait(park, [&] { return epoch_.load(std::memory_order_relaxed) != seen; });
    }
  }

  void close() {
    std::unique_lock shut(admission_);  // waits out every submit in flight
    closed_ = true;
  }

  void drain_and_join() {
    {
      std::lock_guard park(park_mutex_);
      closing_.store(true, std::memory_order_release);
    }
    bump(true);
    std::lock_guard join(join_mutex_);  // a second caller returns only once the first has joined
    for (auto& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

  static inline thread_local Seat seat_{nullptr, 0};  // which pool thread this is, if any

  std::unique_ptr<Lane[]> lanes_;
  std::size_t lane_count_ = 0;
  std::atomic<std::size_t> dealer_{0};

  std::shared_mutex admission_;
  bool closed_ = false;  // guarded by admission_

  std::mutex park_mutex_;
  std::condition_variable parked_;
  std::atomic<std::uint64_t> epoch_{0};  // advanced only with park_mutex_ held
  std::atomic<bool> closing_{false};
  int helpers_parked_ = 0;  // guarded by park_mutex_

  std::mutex join_mutex_;
  std::vector<std::thread> workers_;
};

}  // namespace kata
