// The lock under test, with every call watched (if a call does not return, the watchdog's report
// names it), and Hold: a thread that takes the lock, keeps it until the test says so, then lets it
// go. Liveness tests build their scenarios out of Holds ("a reader holds it, a writer waits, a new
// reader arrives...") and ask each one whether it got in.
#pragma once

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "harness/background.h"
#include "harness/level_rule.h"
#include "harness/stress.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"

class WatchedLock {
 public:
  // Lockable and SharedLockable, like the class under test: std::unique_lock<WatchedLock> and
  // std::shared_lock<WatchedLock> work.
  void lock() {
    harness::call(kLock, [&] { lock_.lock(); });
  }
  bool try_lock() {
    return harness::call(kTryLock, [&] { return lock_.try_lock(); });
  }
  void unlock() {
    harness::call(kUnlock, [&] { lock_.unlock(); });
  }
  void lock_shared() {
    harness::call(kLockShared, [&] { lock_.lock_shared(); });
  }
  bool try_lock_shared() {
    return harness::call(kTryLockShared, [&] { return lock_.try_lock_shared(); });
  }
  void unlock_shared() {
    harness::call(kUnlockShared, [&] { lock_.unlock_shared(); });
  }

 private:
  static constexpr const char* kBlockingHint =
      "it may wait only while the other side holds the lock (or, for fairness, waits for it): "
      "a lost wake-up, or a deadlock?";
  static constexpr const char* kTryHint = "a try_ call never waits: does it block on a condition?";
  static constexpr const char* kUnlockHint = "unlocking never waits: a deadlock?";

  // Each method at the level rw_lock.h's banner gives it (harness/level_rule.h): every method is
  // level 1; the higher levels are about fairness, not about methods.
  static constexpr harness::Method kLock{"lock()", 1, kBlockingHint};
  static constexpr harness::Method kTryLock{"try_lock()", 1, kTryHint};
  static constexpr harness::Method kUnlock{"unlock()", 1, kUnlockHint};
  static constexpr harness::Method kLockShared{"lock_shared()", 1, kBlockingHint};
  static constexpr harness::Method kTryLockShared{"try_lock_shared()", 1, kTryHint};
  static constexpr harness::Method kUnlockShared{"unlock_shared()", 1, kUnlockHint};

  under_test::RWLock lock_;
};

enum class Mode { kShared, kExclusive };

// One thread that takes the lock (shared or exclusive), holds it until release(), then unlocks it.
//
//   Hold reader(lock, Mode::kShared, "lock_shared() on a free lock", "");
//   ASSERT_TRUE(reader.settle());           // it got in
//   Hold writer(lock, Mode::kExclusive, "lock() while a reader holds the lock", "...");
//   ASSERT_FALSE(writer.settle());          // asleep inside lock(): it waits
//   reader.release();
//   writer.wait_entered();                  // the watchdog names it if it never gets in
//
// Only the calls into the lock are watched, not the time the thread holds it: holding the lock
// while the test sets up the next step is not a hang.
class Hold {
 public:
  Hold(WatchedLock& lock, Mode mode, const char* what, const char* hint)
      : what_(what), thread_([this, &lock, mode, what, hint] { run(lock, mode, what, hint); }) {}

  ~Hold() {
    release();
    if (!entered() && !done() && ::testing::Test::HasFailure()) {
      // The test already failed and this thread is stuck in the lock: nothing to learn by waiting.
      harness::abandon_test(std::string("the test failed while ") + what_ + " was still blocked");
    }
    thread_.join();
  }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;

  // Waits until the thread holds the lock or is asleep inside the call trying to get it (asleep
  // in the kernel on two looks, 1 ms apart, read from /proc); true if it holds the lock. A lock
  // that spins instead of sleeping is given `patience`, then counted as waiting. Rethrows what the
  // lock threw (an untouched kata: not implemented). The patience is counted in looks, not read
  // from the clock: under the sched variant the clock is real time plus the virtual jumps, and a
  // machine stalled for half a second would end the wait at a different step of the same
  // schedule, which would then not replay.
  bool settle(std::chrono::milliseconds patience = std::chrono::milliseconds(500)) {
    int asleep_in_a_row = 0;
    for (auto look = patience.count(); look > 0 && !entered(); --look) {
      rethrow_if_failed();
      pid_t tid = tid_.load(std::memory_order_acquire);
      asleep_in_a_row = (tid != 0 && harness::thread_is_asleep(tid)) ? asleep_in_a_row + 1 : 0;
      if (asleep_in_a_row >= 2) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    rethrow_if_failed();
    return entered();
  }

  bool entered() const { return entered_.load(std::memory_order_acquire); }

  // Waits until the thread holds the lock (the watchdog reports it by name if it never does).
  // Blocks rather than polls: under the sched variant a lost wake-up then leaves every thread
  // blocked, a verdict at that step, where a polling test thread would keep the schedule going
  // until the watchdog's 4 s.
  void wait_entered() {
    {
      std::unique_lock guard(mutex_);
      progress_cv_.wait(guard, [&] { return entered() || done(); });
    }
    rethrow_if_failed();
  }

  // Lets the thread unlock, as soon as it has the lock.
  void release() {
    std::lock_guard guard(mutex_);
    released_ = true;
    released_cv_.notify_all();
  }

  // Releases and waits until it has unlocked.
  void finish() {
    release();
    {
      std::unique_lock guard(mutex_);
      progress_cv_.wait(guard, [&] { return done(); });
    }
    rethrow_if_failed();
  }

 private:
  void run(WatchedLock& lock, Mode mode, const char* what, const char* hint) {
    static std::atomic<int> started{0};
    harness::name_this_thread(mode == Mode::kShared ? "reader" : "writer", started.fetch_add(1));
    tid_.store(static_cast<pid_t>(::syscall(SYS_gettid)), std::memory_order_release);
    try {
      harness::watched(what, hint, [&] {
        if (mode == Mode::kShared) {
          lock.lock_shared();
        } else {
          lock.lock();
        }
      });
      {
        std::unique_lock guard(mutex_);
        entered_.store(true, std::memory_order_release);
        progress_cv_.notify_all();
        released_cv_.wait(guard, [&] { return released_; });
      }
      if (mode == Mode::kShared) {
        lock.unlock_shared();
      } else {
        lock.unlock();
      }
    } catch (...) {
      error_ = std::current_exception();
    }
    std::lock_guard guard(mutex_);
    done_.store(true, std::memory_order_release);
    progress_cv_.notify_all();
  }

  bool done() const { return done_.load(std::memory_order_acquire); }

  void rethrow_if_failed() const {
    if (!done() || !error_) return;
    try {
      std::rethrow_exception(error_);
    } catch (const std::exception& e) {
      throw harness::WorkerFailed(std::string(what_) + ": " + e.what());
    }
  }

  const char* what_;
  std::atomic<pid_t> tid_{0};
  std::atomic<bool> entered_{false};
  std::atomic<bool> done_{false};
  std::exception_ptr error_;  // written before done_ is set
  std::mutex mutex_;
  std::condition_variable released_cv_;
  std::condition_variable progress_cv_;  // entered_ or done_ set (under mutex_)
  bool released_ = false;                // guarded by mutex_
  std::thread thread_;                   // last: it uses the members above
};
