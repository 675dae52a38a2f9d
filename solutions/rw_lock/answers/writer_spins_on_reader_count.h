// Flawed: readers count themselves in and out under the mutex, but a writer, once it has raised its
// flag, waits for them to drain by spinning on the plain int reader count outside the lock.
// expect-level: 0
// expect-caught-by: Liveness.L1_WriterWaitsForTheReader data_race
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "kata/not_implemented.h"

namespace kata {

class RWLock {
 public:
  RWLock() = default;
  RWLock(const RWLock&) = delete;
  RWLock& operator=(const RWLock&) = delete;

  void lock() {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      writer_turn_.wait(lock, [this] { return !writer_; });
      writer_ = true;  // from now on no new reader gets in
    }
    // Only the readers already inside are left: wait for them to leave. "It is only a read."
    while (readers_ != 0) std::this_thread::yield();
  }

  bool try_lock() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (writer_ || readers_ != 0) return false;
    writer_ = true;
    return true;
  }

  void unlock() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      writer_ = false;
    }
    writer_turn_.notify_one();
    readers_turn_.notify_all();
  }

  void lock_shared() {
    std::unique_lock<std::mutex> lock(mutex_);
    readers_turn_.wait(lock, [this] { return !writer_; });
    ++readers_;
  }

  bool try_lock_shared() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (writer_) return false;
    ++readers_;
    return true;
  }

  void unlock_shared() {
    std::lock_guard<std::mutex> lock(mutex_);
    --readers_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable writer_turn_;
  std::condition_variable readers_turn_;
  int readers_ = 0;  // guarded by mutex_... except where lock() reads it
  bool writer_ = false;
};

}  // namespace kata
