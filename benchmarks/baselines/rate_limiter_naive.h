// The naive baseline for the rate_limiter benchmark: the textbook token bucket, a double and a
// timestamp under one std::mutex, reading the clock with the lock held. Correct enough for a
// benchmark (it drifts by rounding, see the kata's floating_point_drift mutant), and the thing the
// kata's level 3 fast path is measured against.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "clock.h"

namespace baseline {

class NaiveRateLimiter {
 public:
  NaiveRateLimiter(double permits_per_second, std::int64_t burst,
                   const kata::Clock& clock = kata::default_clock())
      : rate_(permits_per_second),
        burst_(static_cast<double>(burst)),
        clock_(clock),
        tokens_(burst_),
        last_(clock.now()) {}

  bool try_acquire(std::int64_t permits = 1) {
    std::lock_guard lock(mutex_);
    refill();
    if (tokens_ < static_cast<double>(permits)) return false;
    tokens_ -= static_cast<double>(permits);
    return true;
  }

  std::int64_t available() const {
    std::lock_guard lock(mutex_);
    refill();
    return static_cast<std::int64_t>(tokens_);
  }

 private:
  void refill() const {
    const auto now = clock_.now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + seconds * rate_);
    last_ = now;
  }

  const double rate_;
  const double burst_;
  const kata::Clock& clock_;
  mutable std::mutex mutex_;
  mutable double tokens_;
  mutable std::chrono::nanoseconds last_;
};

}  // namespace baseline
