// The pool under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). Tests use this instead of the bare class, so a deadlock
// anywhere, the destructor included, is reported by name rather than as a hung test; and every
// call, from the test's threads or from inside a task, is checked against the level rule
// (harness/level_rule.h): a test of level N may call only the methods of levels 1..N.
#pragma once

#include <cstddef>
#include <future>
#include <mutex>
#include <utility>

#include "harness/level_rule.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"

class WatchedPool {
 public:
  explicit WatchedPool(std::size_t threads)
      : pool_(harness::call(kConstructor, [&] { return new under_test::ThreadPool(threads); })) {}
  ~WatchedPool() { destroy(); }
  WatchedPool(const WatchedPool&) = delete;
  WatchedPool& operator=(const WatchedPool&) = delete;

  template <class F>
  auto submit(F f) {
    return harness::call(kSubmit, [&] { return pool_->submit(std::move(f)); });
  }
  void shutdown() {
    harness::call(kShutdown, [&] { pool_->shutdown(); });
  }
  std::size_t shutdown_now() {
    return harness::call(kShutdownNow, [&] { return pool_->shutdown_now(); });
  }
  std::size_t thread_count() const {
    return harness::call(kThreadCount, [&] { return pool_->thread_count(); });
  }
  template <class T>
  T wait(std::future<T>& f) {
    return harness::call(kWait, [&]() -> T { return pool_->wait(f); });
  }
  // Runs the destructor now (it must run what is queued and join the pool threads). The pointer
  // stays valid while it runs: a task still running may call submit(), which must then throw.
  void destroy() {
    if (pool_ == nullptr) return;
    harness::call(kDestructor, [&] { delete pool_; });
    pool_ = nullptr;
  }

 private:
  static constexpr const char* kNonBlockingHint = "this call never waits: a deadlock?";
  static constexpr const char* kJoinHint =
      "it waits only for the tasks it must run or let finish: are the pool threads woken to see "
      "that the pool is stopping? does one of them sleep with a task queued?";
  static constexpr const char* kWaitHint =
      "wait() on a pool thread must run queued tasks while its future is not ready, and wake when "
      "it is: blocking in f.get() deadlocks once every pool thread waits";

  // Each method at the level thread_pool.h's banner gives it (harness/level_rule.h).
  static constexpr harness::Method kConstructor{"ThreadPool(threads)", 1, kNonBlockingHint};
  static constexpr harness::Method kSubmit{"submit()", 1, kNonBlockingHint};
  static constexpr harness::Method kThreadCount{"thread_count()", 1, kNonBlockingHint};
  static constexpr harness::Method kDestructor{"~ThreadPool()", 1, kJoinHint};
  static constexpr harness::Method kShutdown{"shutdown()", 2, kJoinHint};
  static constexpr harness::Method kShutdownNow{"shutdown_now()", 2, kJoinHint};
  static constexpr harness::Method kWait{"wait()", 3, kWaitHint};

  under_test::ThreadPool* pool_;
};

// f.get(), watched: a future that never becomes ready is named, with `hint`, by the watchdog.
template <class T>
T get_watched(std::future<T>& f, const char* what, const char* hint) {
  return harness::watched(what, hint, [&]() -> T { return f.get(); });
}

// A one-shot event a task or the test waits on (std::latch's count of one, watched).
class Gate {
 public:
  // Opens it once; later calls do nothing (a test's clean-up opens every gate, whichever a task
  // already opened).
  void open() {
    std::call_once(opened_, [this] { promise_.set_value(); });
  }
  void wait(const char* what, const char* hint) {
    harness::watched(what, hint, [&] { future_.wait(); });
  }

 private:
  std::once_flag opened_;
  std::promise<void> promise_;
  std::shared_future<void> future_{promise_.get_future().share()};
};
