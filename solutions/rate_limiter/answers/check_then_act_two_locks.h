// Flawed: check-then-act across two critical sections. try_acquire() asks available() (under the
// refill lock) whether there is enough, then takes the permits under a second lock, the take lock.
// expect-level: 1
// expect-caught-by: Concurrency.L2_FrozenClockGrantsExactlyBurst assertion
//
// Lock splitting done wrong: each critical section is correct alone, the count is an atomic (no
// data race for a sanitizer to see), and the arithmetic is exact (integer nano-permits with the
// remainder carried), so one thread sees a perfect bucket. Under contention two threads both see
// the last permit in the first section, both take it in the second, and the bucket goes below
// empty: a permit granted twice.
#pragma once

#include <atomic>
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
    if (!(permits_per_second >= 1e-6) || !(permits_per_second <= 1e9)) {
      throw std::invalid_argument("permits_per_second out of range");
    }
    if (burst < 1 || burst > kMaxBurst) throw std::invalid_argument("burst out of range");
    micro_rate_ = std::llround(permits_per_second * 1e6);
    burst_ = burst;
    nano_tokens_.store(burst * kNano);
    last_ = clock.now().count();
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("permits must be >= 1");
    if (permits > burst_) return false;
    if (available() < permits) return false;        // the check, under the refill lock...
    std::lock_guard<std::mutex> lock(take_mutex_);  // ...the act, under the take lock
    nano_tokens_.fetch_sub(permits * kNano);
    return true;
  }

  std::int64_t available() const {
    std::lock_guard<std::mutex> lock(refill_mutex_);
    const std::int64_t now = clock_.now().count();
    if (now > last_) {
      // Nano-permits earned, in millionths: (now - last) x micro_rate_, carried over exactly.
      const __int128 earned = __int128{now - last_} * micro_rate_ + carry_;
      const std::int64_t full = burst_ * kNano;
      std::int64_t have = nano_tokens_.load();
      std::int64_t filled;
      do {
        filled = have + earned / 1'000'000 >= full
                     ? full
                     : static_cast<std::int64_t>(have + earned / 1'000'000);
      } while (!nano_tokens_.compare_exchange_weak(have, filled));
      carry_ = filled == full ? 0 : static_cast<std::int64_t>(earned % 1'000'000);
      last_ = now;
    }
    return nano_tokens_.load() / kNano;
  }

 private:
  static constexpr std::int64_t kNano = 1'000'000'000;
  static constexpr std::int64_t kMaxBurst = 1'000'000'000;

  const Clock& clock_;
  std::int64_t micro_rate_ = 0;
  std::int64_t burst_ = 0;
  mutable std::mutex refill_mutex_;
  std::mutex take_mutex_;
  mutable std::atomic<std::int64_t> nano_tokens_{0};
  mutable std::int64_t carry_ = 0;  // under refill_mutex_
  mutable std::int64_t last_ = 0;   // under refill_mutex_
};

}  // namespace kata
