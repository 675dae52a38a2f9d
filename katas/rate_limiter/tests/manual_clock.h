// A clock the test moves by hand: rate arithmetic is checked to the nanosecond, and no test sleeps
// on the real clock. It can also pause the next thread that reads it (pause_next_reader), to stand
// in for a thread preempted in the middle of try_acquire().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "clock.h"

class ManualClock final : public kata::Clock {
 public:
  explicit ManualClock(std::chrono::nanoseconds start = std::chrono::hours(1))
      : now_ns_(start.count()) {}

  std::chrono::nanoseconds now() const override {
    if (pause_armed_.load(std::memory_order_relaxed) && pause_armed_.exchange(false)) {
      paused_.store(true);
      paused_.notify_all();
      released_.wait(false);  // asleep in the kernel until release()
    }
    return std::chrono::nanoseconds(now_ns_.load(std::memory_order_acquire));
  }

  void advance(std::chrono::nanoseconds step) {
    now_ns_.fetch_add(step.count(), std::memory_order_acq_rel);
  }
  std::int64_t now_ns() const { return now_ns_.load(std::memory_order_acquire); }

  // The next call to now() blocks until release().
  void pause_next_reader() {
    released_.store(false);
    paused_.store(false);
    pause_armed_.store(true);
  }
  // Waits until a reader is paused.
  void wait_until_paused() const { paused_.wait(false); }
  void release() {
    released_.store(true);
    released_.notify_all();
  }

 private:
  std::atomic<std::int64_t> now_ns_;
  mutable std::atomic<bool> pause_armed_{false};
  mutable std::atomic<bool> paused_{false};
  std::atomic<bool> released_{true};
};
