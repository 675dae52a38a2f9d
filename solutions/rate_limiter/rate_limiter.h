// Reference solution of the rate_limiter kata: an exact integer token bucket, with a lock-free
// fast path for try_acquire and a mutex only around the refill. It reaches every level of the
// contract (katas/rate_limiter/rate_limiter.h); the notes below say which part earns which.
//
// Why it is correct, level by level:
//
// Level 3, why it is exact (levels 1 and 2 allow a double's rounding; this allows none):
//  - Permits are counted in nano-permits: one permit is 10^9 units. The rate is kept as a whole
//    number of micro-permits per second (the double the caller gave, to the nearest 10^-6), so a
//    refill of d nanoseconds earns exactly d * rate_ / 10^6 units. Division leaves a remainder of
//    less than one unit; it is kept in remainder_ and added to the next refill. Nothing is rounded
//    away, so fractions of a permit carry over and a million small clock steps add up to exactly
//    what one big step would: no drift. (A double is off by ~10^-16 of its value at every step,
//    and a permit due at an exact nanosecond shows up one late; integer whole-permit refills drop
//    the fraction at every step, which level 1 already catches.)
//  - The bucket never holds more than burst * 10^9 units: every refill is capped, and what is
//    earned while full is dropped, remainder included.
//
// Level 2, why it is safe under contention:
//  - Each nanosecond of the clock is credited once. The refill runs under refill_mutex_ and
//    re-reads last_ns_ there, so two threads that both saw the same old timestamp cannot both
//    credit the same interval (the "stale timestamp" double refill).
//  - Permits are taken with a compare-and-swap loop on tokens_: a thread subtracts only from the
//    exact value it checked; if another thread changed tokens_ in between, the CAS fails, reloads
//    the current value into `tokens` and the check is made again. So no permit is granted twice and
//    tokens_ never goes negative (a load, a check and a separate fetch_sub would allow both; a
//    fetch_sub given back when it overdraws would make others refuse permits that are there).
//
// Level 4, why no thread waits for a paused one, and why that stays linearizable:
//  - The clock is read before any lock is taken, and the lock is held only for a few arithmetic
//    instructions; when no time has passed (many calls in the same clock tick) try_acquire takes
//    no lock at all.
//  - The refill adds the credit to tokens_ *before* it publishes the new timestamp in last_ns_
//    (release; read with acquire). A thread that sees last_ns_ >= its own clock reading skips the
//    refill and takes from tokens_, which then already holds every credit up to that time. A
//    thread that sees an older timestamp waits for the refill mutex and finds the work done. So no
//    one takes from a bucket that is missing a refill it should see: a permit earned before a
//    try_acquire began is never refused because available() is crediting it at that moment.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>

#include "clock.h"

namespace solution {

class RateLimiter {
 public:
  static constexpr double kMinRate = 1e-6;
  static constexpr double kMaxRate = 1e9;
  static constexpr std::int64_t kMaxBurst = 1'000'000'000;

  RateLimiter(double permits_per_second, std::int64_t burst,
              const kata::Clock& clock = kata::default_clock())
      : rate_(micro_permits(permits_per_second)),
        burst_(checked_burst(burst)),
        capacity_(burst_ * kUnitsPerPermit),
        clock_(clock),
        tokens_(capacity_),  // starts full
        last_ns_(clock.now().count()) {}

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("RateLimiter::try_acquire: permits must be >= 1");
    if (permits > burst_) return false;  // could never be granted
    refill();
    const std::int64_t need = permits * kUnitsPerPermit;
    std::int64_t tokens = tokens_.load(std::memory_order_acquire);
    do {
      if (tokens < need) return false;
      // On failure compare_exchange_weak stores the current value in `tokens`: re-check it.
    } while (!tokens_.compare_exchange_weak(tokens, tokens - need, std::memory_order_acq_rel,
                                            std::memory_order_acquire));
    return true;
  }

  std::int64_t available() const {
    refill();
    return tokens_.load(std::memory_order_acquire) / kUnitsPerPermit;
  }

 private:
  using Wide = __int128;  // (elapsed ns) x (micro-permits per second) needs up to 113 bits
  static constexpr std::int64_t kUnitsPerPermit = 1'000'000'000;  // nano-permits
  static constexpr std::int64_t kMicro = 1'000'000;

  // NaN fails both comparisons, so it is rejected too.
  static std::int64_t micro_permits(double rate) {
    if (!(rate >= kMinRate && rate <= kMaxRate)) {
      throw std::invalid_argument("RateLimiter: permits_per_second must be in [1e-6, 1e9]");
    }
    return std::llround(rate * static_cast<double>(kMicro));
  }
  static std::int64_t checked_burst(std::int64_t burst) {
    if (burst < 1 || burst > kMaxBurst) {
      throw std::invalid_argument("RateLimiter: burst must be in [1, 1e9]");
    }
    return burst;
  }

  // Credits the time since the last refill. Lock-free when there is nothing to credit. const, as
  // available() is: crediting time changes how the bucket is stored, not what it holds.
  void refill() const {
    const std::int64_t now = clock_.now().count();  // read before any lock: it may be slow
    if (now <= last_ns_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(refill_mutex_);
    const std::int64_t last = last_ns_.load(std::memory_order_relaxed);  // re-read under the lock
    if (now <= last) return;  // another thread credited this time already
    const Wide earned = Wide{now - last} * rate_ + remainder_;  // in 10^-6 units
    const Wide credit = earned / kMicro;
    std::int64_t tokens = tokens_.load(std::memory_order_relaxed);
    std::int64_t refilled;
    do {
      refilled = static_cast<std::int64_t>(std::min<Wide>(tokens + credit, capacity_));
    } while (!tokens_.compare_exchange_weak(tokens, refilled, std::memory_order_acq_rel,
                                            std::memory_order_relaxed));
    remainder_ = refilled == capacity_ ? 0 : static_cast<std::int64_t>(earned % kMicro);
    last_ns_.store(now, std::memory_order_release);  // publish only once the credit is in
  }

  const std::int64_t rate_;      // micro-permits per second = 10^-6 units per nanosecond
  const std::int64_t burst_;     // permits
  const std::int64_t capacity_;  // units
  const kata::Clock& clock_;
  mutable std::atomic<std::int64_t> tokens_;   // units in the bucket, 0 <= tokens_ <= capacity_
  mutable std::atomic<std::int64_t> last_ns_;  // clock time credited up to; written under the mutex
  mutable std::int64_t remainder_ = 0;  // 10^-6 units earned but not yet credited; under the mutex
  mutable std::mutex refill_mutex_;
};

}  // namespace solution
