// Flawed: a "lock-free" fast path that reads plain fields. try_acquire() takes with a CAS on an
// atomic count, but skips the refill lock when a plain, non-atomic timestamp says no time passed.
// expect-level: 1
// expect-caught-by: Concurrency.L2_FrozenClockGrantsExactlyBurst data_race
//
// The classic double-checked shortcut: `last_ns_` and `carry_` are written under the refill mutex
// but `last_ns_` is read without it, a data race (undefined behaviour; ThreadSanitizer reports it).
// On x86 the plain build mostly gets away with it, so only the sanitizer run catches it every time.
#pragma once

#include <algorithm>
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
    if (!(permits_per_second >= 1e-6 && permits_per_second <= 1e9)) {
      throw std::invalid_argument("permits_per_second must be in [1e-6, 1e9]");
    }
    if (burst < 1 || burst > 1'000'000'000)
      throw std::invalid_argument("burst must be in [1, 1e9]");
    micro_rate_ = std::llround(permits_per_second * 1e6);
    burst_ = burst;
    tokens_.store(burst * kNano);
    last_ns_ = clock.now().count();
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("permits must be >= 1");
    if (permits > burst_) return false;
    refill();
    const std::int64_t need = permits * kNano;
    std::int64_t have = tokens_.load();
    while (have >= need) {
      if (tokens_.compare_exchange_weak(have, have - need)) return true;
    }
    return false;
  }

  std::int64_t available() const {
    refill();
    return tokens_.load() / kNano;
  }

 private:
  static constexpr std::int64_t kNano = 1'000'000'000;

  void refill() const {
    const std::int64_t now = clock_.now().count();
    if (now <= last_ns_) return;  // fast path: no lock when no time has passed (a plain read)
    std::lock_guard<std::mutex> lock(mutex_);
    if (now <= last_ns_) return;
    const __int128 earned = __int128{now - last_ns_} * micro_rate_ + carry_;
    const std::int64_t cap = burst_ * kNano;
    std::int64_t have = tokens_.load();
    std::int64_t filled;
    do {
      filled = static_cast<std::int64_t>(std::min<__int128>(have + earned / 1'000'000, cap));
    } while (!tokens_.compare_exchange_weak(have, filled));
    carry_ = filled == cap ? 0 : static_cast<std::int64_t>(earned % 1'000'000);
    last_ns_ = now;
  }

  const Clock& clock_;
  std::int64_t micro_rate_ = 0;
  std::int64_t burst_ = 0;
  mutable std::atomic<std::int64_t> tokens_{0};
  mutable std::mutex mutex_;
  mutable std::int64_t last_ns_ = 0;  // written under mutex_, read on the fast path without it
  mutable std::int64_t carry_ = 0;
};

}  // namespace kata
