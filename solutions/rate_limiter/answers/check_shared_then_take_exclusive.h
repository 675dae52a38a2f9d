// Flawed: check-then-act across two critical sections of a reader-writer lock. try_acquire() checks
// the count under a shared lock ("a check is a read"), then takes under the exclusive lock.
// expect-level: 1
// expect-caught-by: Concurrency.L2_FrozenClockGrantsExactlyBurst assertion
//
// Each critical section is correct alone, nothing is read or written outside the lock (no data
// race for a sanitizer to see), and the arithmetic is exact (integer nano-permits with the
// remainder carried), so one thread sees a perfect bucket. But the shared sections let many
// callers check at once: two see the last permit, both take it under the exclusive lock one after
// the other, and the bucket goes below empty: a permit granted twice.
#pragma once

#include <cmath>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>

#include "clock.h"
#include "kata/not_implemented.h"

namespace kata {

class RateLimiter {
 public:
  RateLimiter(double permits_per_second, std::int64_t burst, const Clock& clock = default_clock())
      : clock_(clock) {
    if (!(permits_per_second >= 1e-6) || !(permits_per_second <= 1e9)) {
      throw std::invalid_argument("permits_per_second out of range");
    }
    if (burst < 1 || burst > kMaxBurst) throw std::invalid_argument("burst out of range");
    micro_rate_ = std::llround(permits_per_second * 1e6);
    burst_ = burst;
    nano_tokens_ = burst * kNano;
    last_ = clock.now().count();
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("permits must be >= 1");
    if (permits > burst_) return false;
    const std::int64_t now = clock_.now().count();
    {
      std::shared_lock<std::shared_mutex> read(mutex_);  // the check: readers side by side
      if (filled(now).tokens < permits * kNano) return false;
    }
    std::unique_lock<std::shared_mutex> write(mutex_);  // the act, without checking again
    refill(now);
    nano_tokens_ -= permits * kNano;
    return true;
  }

  std::int64_t available() const {
    const std::int64_t now = clock_.now().count();
    std::unique_lock<std::shared_mutex> write(mutex_);
    refill(now);
    return nano_tokens_ / kNano;
  }

 private:
  static constexpr std::int64_t kNano = 1'000'000'000;
  static constexpr std::int64_t kMaxBurst = 1'000'000'000;

  struct Filled {
    std::int64_t tokens;  // nano-permits
    std::int64_t carry;   // millionths of a nano-permit
  };

  // The bucket as of `now`, computed from the state without changing it.
  Filled filled(std::int64_t now) const {
    if (now <= last_) return {nano_tokens_, carry_};
    const __int128 earned = __int128{now - last_} * micro_rate_ + carry_;
    const __int128 tokens = nano_tokens_ + earned / 1'000'000;
    if (tokens >= __int128{burst_} * kNano) return {burst_ * kNano, 0};
    return {static_cast<std::int64_t>(tokens), static_cast<std::int64_t>(earned % 1'000'000)};
  }

  void refill(std::int64_t now) const {
    if (now <= last_) return;
    const Filled f = filled(now);
    nano_tokens_ = f.tokens;
    carry_ = f.carry;
    last_ = now;
  }

  const Clock& clock_;
  std::int64_t micro_rate_ = 0;
  std::int64_t burst_ = 0;
  mutable std::shared_mutex mutex_;
  mutable std::int64_t nano_tokens_ = 0;
  mutable std::int64_t carry_ = 0;
  mutable std::int64_t last_ = 0;
};

}  // namespace kata
