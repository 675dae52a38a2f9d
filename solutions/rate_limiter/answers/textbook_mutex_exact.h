// Textbook exact answer: one std::mutex around an integer bucket kept in femto-permits (10^-15 of
// a permit), so a nanosecond at a rate of r millionths per second earns exactly r of them.
// expect-level: 3
// expect-caught-by: Liveness.L4_APausedThreadDoesNotBlockOthers assertion
//
// The answer to the interviewer's "and the drift?": time stays in integer nanoseconds and the
// credit in fixed point, wide enough (128 bits) that no refill rounds and a century of idle time
// does not overflow. Still one lock for everything, read of the clock included, so a caller
// stalled in Clock::now() holds every other one up (level 4).
#pragma once

#include <algorithm>
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
      : clock_(clock) {
    if (std::isnan(permits_per_second) || permits_per_second < 1e-6 || permits_per_second > 1e9) {
      throw std::invalid_argument("permits_per_second must be in [1e-6, 1e9]");
    }
    if (burst < 1 || burst > 1'000'000'000) {
      throw std::invalid_argument("burst must be in [1, 1e9]");
    }
    femto_per_ns_ = std::llround(permits_per_second * 1e6);
    burst_ = burst;
    capacity_ = Femto{burst} * kFemtoPerPermit;
    tokens_ = capacity_;
    last_ns_ = clock_.now().count();
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("permits must be >= 1");
    if (permits > burst_) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    refill_locked();
    const Femto need = Femto{permits} * kFemtoPerPermit;
    if (tokens_ < need) return false;
    tokens_ -= need;
    return true;
  }

  std::int64_t available() const {
    std::lock_guard<std::mutex> lock(mutex_);
    refill_locked();
    return static_cast<std::int64_t>(tokens_ / kFemtoPerPermit);
  }

 private:
  using Femto = __int128;
  static constexpr Femto kFemtoPerPermit = 1'000'000'000'000'000;

  void refill_locked() const {
    const std::int64_t now = clock_.now().count();
    if (now <= last_ns_) return;
    // (now - last) < 2^63 and femto_per_ns_ <= 10^15: the product fits in 113 bits.
    tokens_ = std::min(capacity_, tokens_ + Femto{now - last_ns_} * femto_per_ns_);
    last_ns_ = now;
  }

  const Clock& clock_;
  std::int64_t femto_per_ns_ = 0;
  std::int64_t burst_ = 0;
  Femto capacity_ = 0;
  mutable std::mutex mutex_;
  mutable Femto tokens_ = 0;
  mutable std::int64_t last_ns_ = 0;
};

}  // namespace kata
