// Reference solution of the thread_pool kata: a deque and a mutex per pool thread, a queue for the
// tasks submitted from outside, and one pool mutex with one condition variable for sleeping,
// shutting down and waking helpers.
//
// Why it is correct, level by level:
//  Level 1.
//  - Exactly once: a task is one std::function in exactly one container (the injection queue or a
//    pool thread's deque), and every container is read and written only under its own mutex; a
//    thread that takes a task removes it in the same critical section in which it reads it, so no
//    two threads can take the same task, and a taken task is run once and destroyed.
//  - The future: the task owns the std::promise. run() sets the value, or in a catch (...) the
//    exception, so the future is always satisfied; a task destroyed unrun (shutdown_now) destroys
//    its promise, which stores broken_promise.
//  - Progress, no lost wake-up: a pool thread sleeps only in wake_.wait with the predicate "a task
//    is queued anywhere, or the pool is stopping", evaluated under mutex_. Every push happens with
//    mutex_ held and is followed by a notify, so a sleeper either sees the task in its predicate or
//    is already waiting when the notify comes. A woken thread that finds nothing (another took the
//    task first) only goes back to sleep: the task is being run.
//  - The destructor is shutdown().
//  Level 2.
//  - submit() checks stopping_ and pushes in one critical section of mutex_, and shutdown() sets
//    stopping_ under mutex_: a submit either comes first (its task is queued, and the drain below
//    runs it) or second (it throws, nothing queued). Tasks submitted by a running task are no
//    exception: they also go through that critical section.
//  - The drain: once stopping_ is set, nothing is ever queued again, so "stopping and nothing
//    queued" (checked under mutex_) stays true: a pool thread that sees it can exit, and every task
//    queued before has been taken by a pool thread, which runs it before it looks again.
//  - Several shutdown callers: each one joins under join_mutex_; the first joins every thread, the
//    others wait for the mutex and find nothing left to join. So every call returns after the join.
//  - shutdown_now() empties every container under mutex_ (and each container's own mutex) in the
//    same critical section that sets stopping_, so no task is both discarded and run, and no task
//    can be queued after it. The discarded tasks are destroyed before it returns (broken promises),
//    then it wakes everyone (a helper may be waiting for one of them) and joins.
//  Level 3.
//  - A task submitted from a pool thread goes to the back of that thread's deque (the thread_local
//    current_pool_ / current_index_ say which pool thread, if any, is calling); the owner pops from
//    the back (newest first, the cache-warm subtask), a thief from the front (oldest first: in
//    fork-join the biggest piece of work, so thieves steal rarely).
//  - wait() on a pool thread loops: f ready -> done; else run any task it can find; else sleep on
//    wake_ with "f ready, or a task queued" as the predicate. Every finished task notifies all
//    sleepers when a helper sleeps (helpers_asleep_, read under mutex_), and its promise was set
//    before that lock, so a helper sees f ready either in its predicate or through the notify;
//    submit() wakes all sleepers when a helper sleeps, so a helper whose f became ready cannot
//    swallow the one notify meant for an idle thread. No thread that waits in wait() blocks while
//    work is queued, so fork-join on any pool size finishes: every waiting task's children are
//    either queued (someone runs them) or running.
//  - Lock order: mutex_ before a deque's mutex, never the other way round (find_task takes a
//    deque's mutex or mutex_, one at a time).
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

namespace solution {

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
    if (current_pool_ != this) return f.get();  // not one of ours: no task may run on this thread
    const std::size_t me = current_index_;
    while (!is_ready(f)) {
      if (Task task = find_task(me)) {
        run(task);
        continue;
      }
      std::unique_lock lock(mutex_);
      ++helpers_asleep_;
      wake_.wait(lock, [&] { return is_ready(f) || any_task_queued(); });
      --helpers_asleep_;
    }
    return f.get();
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

}  // namespace solution
