// Textbook answer: one std::mutex around a double token count, refilled on every call with
// tokens = min(burst, tokens + elapsed seconds x rate); the clock is read with the lock held.
// expect-level: 2
// expect-caught-by: Contract.L3_ExactlyKPermitsAfterKOverRateSeconds assertion
//
// What most candidates write in the interview, and what an interviewer accepts before asking about
// drift: correct as a token bucket and under contention (levels 1 and 2), but a double is off by
// about 10^-16 of its value after each refill, so the permit due at an exact nanosecond can show up
// a nanosecond late (level 3), and every caller queues on the mutex while one reads the clock
// (level 4).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <stdexcept>

#include "clock.h"
#include "kata/not_implemented.h"

namespace kata {

class RateLimiter {
 public:
  RateLimiter(double permits_per_second, std::int64_t burst, const Clock& clock = default_clock())
      : rate_(permits_per_second), burst_(burst), clock_(clock) {
    if (!(permits_per_second >= 1e-6 && permits_per_second <= 1e9)) {
      throw std::invalid_argument("permits_per_second must be in [1e-6, 1e9]");
    }
    if (burst < 1 || burst > 1'000'000'000) {
      throw std::invalid_argument("burst must be in [1, 1e9]");
    }
    tokens_ = static_cast<double>(burst);
    last_ = clock_.now();
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("permits must be >= 1");
    if (permits > burst_) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    refill();
    if (tokens_ < static_cast<double>(permits)) return false;
    tokens_ -= static_cast<double>(permits);
    return true;
  }

  std::int64_t available() const {
    std::lock_guard<std::mutex> lock(mutex_);
    refill();
    return static_cast<std::int64_t>(std::floor(tokens_));
  }

 private:
  void refill() const {
    const std::chrono::nanoseconds now = clock_.now();
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(static_cast<double>(burst_), tokens_ + elapsed * rate_);
    last_ = now;
  }

  const double rate_;
  const std::int64_t burst_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  mutable double tokens_ = 0;
  mutable std::chrono::nanoseconds last_{0};
};

}  // namespace kata
