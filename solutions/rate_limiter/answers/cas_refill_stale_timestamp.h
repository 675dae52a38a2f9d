// Flawed: lock-free, with two atomics. The refill reads the timestamp, adds the credit for the time
// since with a CAS loop on the tokens, then stores the new timestamp: nothing stops two threads.
// expect-level: 1
// expect-caught-by: Concurrency.L2_AdvancingClockGrantsExactlyWhatWasEarned assertion
//
// Every access is atomic, so no sanitizer complains, and one thread sees a correct bucket. But two
// threads that read the same old timestamp each credit the same stretch of time (the CAS on the
// tokens only makes each addition atomic, not the pair "credit, then move the timestamp"), and a
// thread that read the clock earlier can move the timestamp back.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
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
    femto_per_ns_ = std::llround(permits_per_second * 1e6);
    burst_ = burst;
    tokens_.store(burst * kNano);
    last_ns_.store(clock.now().count());
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("permits must be >= 1");
    if (permits > burst_) return false;
    refill();
    const std::int64_t need = permits * kNano;
    std::int64_t have = tokens_.load();
    do {
      if (have < need) return false;
    } while (!tokens_.compare_exchange_weak(have, have - need));
    return true;
  }

  std::int64_t available() const {
    refill();
    return tokens_.load() / kNano;
  }

 private:
  static constexpr std::int64_t kNano = 1'000'000'000;  // nano-permits in a permit

  void refill() const {
    const std::int64_t now = clock_.now().count();
    const std::int64_t last = last_ns_.load();
    if (now <= last) return;
    // Nano-permits earned since `last`, exact whenever the rate is whole nano-permits per ns.
    const __int128 credit = __int128{now - last} * femto_per_ns_ / 1'000'000;
    const std::int64_t cap = burst_ * kNano;
    std::int64_t have = tokens_.load();
    std::int64_t filled;
    do {
      filled = static_cast<std::int64_t>(std::min<__int128>(have + credit, cap));
    } while (!tokens_.compare_exchange_weak(have, filled));
    last_ns_.store(now);
  }

  const Clock& clock_;
  std::int64_t femto_per_ns_ = 0;
  std::int64_t burst_ = 0;
  mutable std::atomic<std::int64_t> tokens_{0};
  mutable std::atomic<std::int64_t> last_ns_{0};
};

}  // namespace kata
