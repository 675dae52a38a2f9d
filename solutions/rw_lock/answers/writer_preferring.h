// Textbook: one std::mutex, a condition variable each for readers and writers, a count of readers
// inside and of writers waiting; readers hold back while any writer waits (writer preference).
// expect-level: 2
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
    std::unique_lock<std::mutex> lk(m_);
    ++writers_waiting_;
    writers_cv_.wait(lk, [this] { return !writer_active_ && active_readers_ == 0; });
    --writers_waiting_;
    writer_active_ = true;
  }

  bool try_lock() {
    std::lock_guard<std::mutex> lk(m_);
    if (writer_active_ || active_readers_ > 0) return false;
    writer_active_ = true;
    return true;
  }

  void unlock() {
    {
      std::lock_guard<std::mutex> lk(m_);
      writer_active_ = false;
    }
    // A waiting writer goes first; the readers re-check and go back to sleep if one does.
    writers_cv_.notify_one();
    readers_cv_.notify_all();
  }

  void lock_shared() {
    std::unique_lock<std::mutex> lk(m_);
    readers_cv_.wait(lk, [this] { return !writer_active_ && writers_waiting_ == 0; });
    ++active_readers_;
  }

  bool try_lock_shared() {
    std::lock_guard<std::mutex> lk(m_);
    if (writer_active_ || writers_waiting_ > 0) return false;
    ++active_readers_;
    return true;
  }

  void unlock_shared() {
    bool last;
    {
      std::lock_guard<std::mutex> lk(m_);
      last = --active_readers_ == 0;
    }
    if (last) writers_cv_.notify_one();
  }

 private:
  std::mutex m_;
  std::condition_variable readers_cv_;
  std::condition_variable writers_cv_;
  int active_readers_ = 0;
  int writers_waiting_ = 0;
  bool writer_active_ = false;
};

}  // namespace kata
