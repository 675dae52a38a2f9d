// Flawed: the classic semaphore solution, with std::mutex for the semaphores: the first reader in
// locks the writers' mutex, the last reader out unlocks it, often not the thread that locked it.
// expect-level: 0
// expect-caught-by: Liveness.L1_LastReaderOutLetsTheWriterIn lock_order
#pragma once

#include <mutex>

#include "kata/not_implemented.h"

namespace kata {

class RWLock {
 public:
  RWLock() = default;
  RWLock(const RWLock&) = delete;
  RWLock& operator=(const RWLock&) = delete;

  void lock() { resource_.lock(); }
  bool try_lock() { return resource_.try_lock(); }
  void unlock() { resource_.unlock(); }

  void lock_shared() {
    std::lock_guard<std::mutex> guard(count_mutex_);
    if (++readers_ == 1) resource_.lock();  // the first reader in keeps writers out
  }

  bool try_lock_shared() {
    std::lock_guard<std::mutex> guard(count_mutex_);
    if (readers_ == 0 && !resource_.try_lock()) return false;
    ++readers_;
    return true;
  }

  void unlock_shared() {
    std::lock_guard<std::mutex> guard(count_mutex_);
    if (--readers_ == 0) resource_.unlock();  // the last reader out lets writers in
  }

 private:
  std::mutex count_mutex_;  // guards readers_
  std::mutex resource_;     // held by a writer, or on behalf of all the readers inside
  int readers_ = 0;
};

}  // namespace kata
