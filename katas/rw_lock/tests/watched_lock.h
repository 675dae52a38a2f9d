// The lock under test, with every call watched (if a call does not return, the watchdog's report
// names it), and Hold: a thread that takes the lock, keeps it until the test says so, then lets it
// go. Liveness tests build their scenarios out of Holds ("a reader holds it, a writer waits, a new
// reader arrives...") and ask each one whether it got in.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "harness/background.h"
#include "harness/under_test.h"
#include "harness/watchdog.h"

class WatchedLock {
 public:
  // Lockable and SharedLockable, like the class under test: std::unique_lock<WatchedLock> and
  // std::shared_lock<WatchedLock> work.
  void lock() {
    harness::watched("lock()", kBlockingHint, [&] { lock_.lock(); });
  }
  bool try_lock() {
    return harness::watched("try_lock()", kTryHint, [&] { return lock_.try_lock(); });
  }
  void unlock() {
    harness::watched("unlock()", kUnlockHint, [&] { lock_.unlock(); });
  }
  void lock_shared() {
    harness::watched("lock_shared()", kBlockingHint, [&] { lock_.lock_shared(); });
  }
  bool try_lock_shared() {
    return harness::watched("try_lock_shared()", kTryHint, [&] { return lock_.try_lock_shared(); });
  }
  void unlock_shared() {
    harness::watched("unlock_shared()", kUnlockHint, [&] { lock_.unlock_shared(); });
  }

 private:
  static constexpr const char* kBlockingHint =
      "it may wait only while the other side holds the lock (or, for fairness, waits for it): "
      "a lost wake-up, or a deadlock?";
  static constexpr const char* kTryHint = "a try_ call never waits: does it block on a condition?";
  static constexpr const char* kUnlockHint = "unlocking never waits: a deadlock?";

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
class Hold {
 public:
  Hold(WatchedLock& lock, Mode mode, const char* what, const char* hint)
      : op_(std::make_unique<harness::BackgroundOp>(what, hint, [this, &lock, mode] {
          if (mode == Mode::kShared) {
            lock.lock_shared();
          } else {
            lock.lock();
          }
          entered_.store(true, std::memory_order_release);
          {
            std::unique_lock guard(mutex_);
            released_cv_.wait(guard, [&] { return released_; });
          }
          if (mode == Mode::kShared) {
            lock.unlock_shared();
          } else {
            lock.unlock();
          }
        })) {}

  ~Hold() {
    release();
    // Once inside, it only has to unlock: wait for it here, so that a failed test does not mistake
    // a thread on its way out for a stuck one. One still blocked in lock() is left to BackgroundOp.
    if (entered() && !joined_) {
      try {
        op_->join();
      } catch (...) {
      }
    }
  }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;

  // Waits until the thread holds the lock or is asleep trying to get it; true if it holds it.
  // Rethrows what the lock threw (an untouched kata: not implemented).
  bool settle() {
    op_->settle();
    return entered();
  }

  bool entered() const { return entered_.load(std::memory_order_acquire); }

  // Waits until the thread holds the lock (the watchdog reports it by name if it never does).
  void wait_entered() {
    while (!entered()) {
      if (op_->returned()) return;  // rethrows what the lock threw
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
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
    joined_ = true;
    op_->join();
  }

 private:
  std::atomic<bool> entered_{false};
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;  // guarded by mutex_
  bool joined_ = false;
  std::unique_ptr<harness::BackgroundOp> op_;  // last: its thread uses the members above
};
