// Flawed: the first cut, one std::mutex, one condition variable, a reader count and a writer flag;
// a reader enters whenever no writer is inside, so readers that keep overlapping starve a writer.
// expect-level: 1
// expect-caught-by: Liveness.L2_NoWriterStarvation assertion
#pragma once

#include <condition_variable>
#include <mutex>

#include "kata/not_implemented.h"

namespace kata {

class RWLock {
 public:
  RWLock() = default;
  RWLock(const RWLock&) = delete;
  RWLock& operator=(const RWLock&) = delete;

  void lock() {
    std::unique_lock<std::mutex> guard(mutex_);
    cv_.wait(guard, [&] { return !writing_ && readers_ == 0; });
    writing_ = true;
  }

  bool try_lock() {
    std::lock_guard<std::mutex> guard(mutex_);
    if (writing_ || readers_ != 0) return false;
    writing_ = true;
    return true;
  }

  void unlock() {
    std::lock_guard<std::mutex> guard(mutex_);
    writing_ = false;
    cv_.notify_all();  // readers and writers wait here alike: wake them all
  }

  void lock_shared() {
    std::unique_lock<std::mutex> guard(mutex_);
    cv_.wait(guard, [&] { return !writing_; });
    ++readers_;
  }

  bool try_lock_shared() {
    std::lock_guard<std::mutex> guard(mutex_);
    if (writing_) return false;
    ++readers_;
    return true;
  }

  void unlock_shared() {
    std::lock_guard<std::mutex> guard(mutex_);
    if (--readers_ == 0) cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int readers_ = 0;
  bool writing_ = false;
};

}  // namespace kata
