// Flawed: per-thread deques, LIFO owner, FIFO thieves, a careful shutdown, but wait() is
// f.get(): a task that waits for its children blocks its pool thread, and once every pool thread
// waits for a child still queued, fork-join deadlocks (on 1 thread at once, on 2 at depth 2; the
// suite's first hang is a task waiting for its subtask on a 1-thread pool, then the fork-join).
// expect-level: 2
// expect-caught-by: Contract.L3_WaitReturnsTheResultOrRethrows hang
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
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace kata {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads) {
    if (threads == 0) throw std::invalid_argument("ThreadPool: threads must be positive");
    for (std::size_t i = 0; i < threads; ++i) deques_.push_back(std::make_unique<Deque>());
    try {
      for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { work(i); });
    } catch (...) {
      shutdown();  // join the threads already started before the exception leaves
      throw;
    }
  }

  ~ThreadPool() { shutdown(); }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  template <class F>
  auto submit(F f) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    // shared_ptr: std::function needs a copyable callable, and F (or R) may be move-only.
    auto state = std::make_shared<TaskState<F, R>>(std::move(f));
    std::future<R> future = state->promise.get_future();
    enqueue([state] { state->run(); });
    return future;
  }

  void shutdown() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    join_all();
  }

  std::size_t shutdown_now() {
    std::vector<Task> discarded;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (Task& task : injected_) discarded.push_back(std::move(task));
      injected_.clear();
      for (auto& deque : deques_) {
        std::lock_guard deque_lock(deque->mutex);
        for (Task& task : deque->tasks) discarded.push_back(std::move(task));
        deque->tasks.clear();
      }
    }
    const std::size_t count = discarded.size();
    discarded.clear();   // destroys the promises: their futures now hold broken_promise
    wake_.notify_all();  // the pool threads stop; a helper may have waited for a discarded task
    join_all();
    return count;
  }

  std::size_t thread_count() const { return threads_.size(); }  // never resized after construction

  template <class T>
  T wait(std::future<T>& f) {
    return f.get();  // the task will be run by some pool thread
  }

 private:
  using Task = std::function<void()>;

  // What a submitted task owns: the callable and the promise of its result.
  template <class F, class R>
  struct TaskState {
    explicit TaskState(F&& fn) : f(std::move(fn)) {}
    void run() {
      try {
        if constexpr (std::is_void_v<R>) {
          f();
          promise.set_value();
        } else {
          promise.set_value(f());
        }
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    F f;
    std::promise<R> promise;
  };

  struct Deque {
    std::mutex mutex;
    std::deque<Task> tasks;  // guarded by mutex; the owner works at the back, thieves at the front
  };

  template <class T>
  static bool is_ready(const std::future<T>& f) {
    return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }

  void enqueue(Task task) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) throw std::runtime_error("ThreadPool: submit() after shutdown began");
      if (current_pool_ == this) {
        Deque& own = *deques_[current_index_];
        std::lock_guard deque_lock(own.mutex);
        own.tasks.push_back(std::move(task));
      } else {
        injected_.push_back(std::move(task));
      }
      // A helper woken by notify_one might find its own future ready and leave without taking
      // this task: when helpers sleep, wake everyone.
      if (helpers_asleep_ > 0) {
        wake_.notify_all();
        return;
      }
    }
    wake_.notify_one();
  }

  // The next task for pool thread `me`: its own newest, else the oldest from outside, else the
  // oldest of another pool thread's deque. Takes one mutex at a time.
  Task find_task(std::size_t me) {
    {
      Deque& own = *deques_[me];
      std::lock_guard lock(own.mutex);
      if (!own.tasks.empty()) {
        Task task = std::move(own.tasks.back());
        own.tasks.pop_back();
        return task;
      }
    }
    {
      std::lock_guard lock(mutex_);
      if (!injected_.empty()) {
        Task task = std::move(injected_.front());
        injected_.pop_front();
        return task;
      }
    }
    for (std::size_t k = 1; k < deques_.size(); ++k) {
      Deque& victim = *deques_[(me + k) % deques_.size()];
      std::lock_guard lock(victim.mutex);
      if (!victim.tasks.empty()) {
        Task task = std::move(victim.tasks.front());
        victim.tasks.pop_front();
        return task;
      }
    }
    return nullptr;
  }

  // Requires mutex_ held (it guards injected_; each deque's own mutex is taken after it).
  bool any_task_queued() {
    if (!injected_.empty()) return true;
    for (auto& deque : deques_) {
      std::lock_guard lock(deque->mutex);
      if (!deque->tasks.empty()) return true;
    }
    return false;
  }

  void run(Task& task) {
    task();
    task = nullptr;
    // A helper in wait() may be sleeping until exactly this task's future is ready.
    {
      std::lock_guard lock(mutex_);
      if (helpers_asleep_ == 0) return;
    }
    wake_.notify_all();
  }

  void work(std::size_t me) {
    current_pool_ = this;
    current_index_ = me;
    while (true) {
      if (Task task = find_task(me)) {
        run(task);
        continue;
      }
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || any_task_queued(); });
      if (stopping_ && !any_task_queued()) return;  // drained: nothing can be queued any more
    }
  }

  void join_all() {
    std::lock_guard lock(join_mutex_);  // a second caller waits here until the first has joined
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  // Which pool, and which of its threads, the calling thread is (nullptr: not a pool thread).
  static inline thread_local const ThreadPool* current_pool_ = nullptr;
  static inline thread_local std::size_t current_index_ = 0;

  std::vector<std::unique_ptr<Deque>> deques_;  // one per pool thread; the vector is immutable
  std::vector<std::thread> threads_;  // immutable after construction; joined under join_mutex_
  std::mutex join_mutex_;

  std::mutex mutex_;
  std::condition_variable wake_;  // idle pool threads and sleeping helpers wait here
  std::deque<Task> injected_;     // guarded by mutex_: tasks submitted from outside the pool
  bool stopping_ = false;         // guarded by mutex_
  int helpers_asleep_ = 0;        // guarded by mutex_: threads asleep inside wait()
};

}  // namespace kata
