// Advanced: phase-fair, on one std::mutex and two condition variables: a writer that leaves admits
// every reader waiting as one batch, which later writers wait for, so neither side starves.
// expect-level: 3
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "kata/not_implemented.h"

namespace kata {

// Why it is fair both ways:
//  - A reader goes straight in only while no writer is inside or waiting. Otherwise it waits for
//    the next read phase: the next time a writer leaves.
//  - A leaving writer that finds readers waiting starts a read phase: it counts them as owed entry
//    (admitted_) and wakes them all. Writers wait until nobody is inside AND nobody is owed entry,
//    so the batch gets in before the next writer; a reader waits for one writer at most.
//  - A waiting writer stops every new reader from going straight in, and the readers it waits for
//    (those inside, and one admitted batch) are a fixed set: it waits for no later reader.
//  - All state changes under mutex_, and every change that can let a waiter in is followed by a
//    notify of the side it concerns; waits re-check their condition in a loop.
class RWLock {
 public:
  RWLock() = default;
  RWLock(const RWLock&) = delete;
  RWLock& operator=(const RWLock&) = delete;

  void lock() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++writers_waiting_;
    writers_.wait(lock,
                  [this] { return !writer_inside_ && readers_inside_ == 0 && admitted_ == 0; });
    --writers_waiting_;
    writer_inside_ = true;
  }

  bool try_lock() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (writer_inside_ || readers_inside_ > 0 || admitted_ > 0 || writers_waiting_ > 0) {
      return false;
    }
    writer_inside_ = true;
    return true;
  }

  void unlock() {
    std::lock_guard<std::mutex> lock(mutex_);
    writer_inside_ = false;
    if (readers_waiting_ > 0) {
      admitted_ += readers_waiting_;
      readers_waiting_ = 0;
      ++read_phase_;
      readers_.notify_all();
    } else {
      writers_.notify_all();
    }
  }

  void lock_shared() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!writer_inside_ && writers_waiting_ == 0) {
      ++readers_inside_;
      return;
    }
    ++readers_waiting_;
    const std::uint64_t phase = read_phase_;
    readers_.wait(lock, [&] { return read_phase_ != phase; });
    --admitted_;
    ++readers_inside_;
  }

  bool try_lock_shared() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (writer_inside_ || writers_waiting_ > 0) return false;
    ++readers_inside_;
    return true;
  }

  void unlock_shared() {
    std::lock_guard<std::mutex> lock(mutex_);
    --readers_inside_;
    if (readers_inside_ == 0 && admitted_ == 0 && writers_waiting_ > 0) writers_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable readers_;  // readers waiting for the next read phase
  std::condition_variable writers_;  // writers waiting for the lock to empty
  int readers_inside_ = 0;
  int readers_waiting_ = 0;
  int admitted_ = 0;  // readers let in by the last phase change, not yet inside
  int writers_waiting_ = 0;
  bool writer_inside_ = false;
  std::uint64_t read_phase_ = 0;
};

}  // namespace kata
