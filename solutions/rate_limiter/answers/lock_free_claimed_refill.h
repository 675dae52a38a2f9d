// Advanced answer: permits taken with a CAS loop on an atomic count, no lock; the time since the
// last refill is credited by one thread at a time, claimed with an atomic flag after the clock
// read.
// expect-level: 4
//
// Exact: the count is in nano-permits and the remainder of each credit (in millionths of one) is
// carried to the next, so nothing is rounded away; the cap drops what is earned while full. Safe:
// only the claimant credits, and it re-reads the timestamp once it holds the claim, so a stretch of
// time is credited once. Linearizable without a lock: the credit goes into the count before the
// new timestamp is published (release), and a caller that finds a refill in flight waits for it to
// be published rather than take from a bucket missing it. Never held up by a paused reader: the
// clock is read before the claim, which is then held for a few instructions only; a caller with no
// time to credit touches no flag at all.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <thread>

#include "clock.h"
#include "kata/not_implemented.h"

namespace kata {

class RateLimiter {
 public:
  RateLimiter(double permits_per_second, std::int64_t burst, const Clock& clock = default_clock())
      : clock_(clock),
        micro_rate_(checked_micro_rate(permits_per_second)),
        burst_(checked_burst(burst)),
        full_(burst * kNano),
        nano_tokens_(full_),
        credited_to_(clock.now().count()) {}

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool try_acquire(std::int64_t permits = 1) {
    if (permits < 1) throw std::invalid_argument("try_acquire: permits must be >= 1");
    if (permits > burst_) return false;
    credit_up_to(clock_.now().count());
    const std::int64_t need = permits * kNano;
    std::int64_t have = nano_tokens_.load(std::memory_order_acquire);
    while (have >= need) {
      // A failed CAS reloads `have`: the check is always made against the current count.
      if (nano_tokens_.compare_exchange_weak(have, have - need, std::memory_order_acq_rel,
                                             std::memory_order_acquire)) {
        return true;
      }
    }
    return false;
  }

  std::int64_t available() const {
    credit_up_to(clock_.now().count());
    return nano_tokens_.load(std::memory_order_acquire) / kNano;
  }

 private:
  static constexpr std::int64_t kNano = 1'000'000'000;  // nano-permits in a permit
  static constexpr std::int64_t kMillion = 1'000'000;   // carry units in a nano-permit

  static std::int64_t checked_micro_rate(double rate) {
    if (std::isnan(rate) || rate < 1e-6 || rate > 1e9) {
      throw std::invalid_argument("permits_per_second must be in [1e-6, 1e9]");
    }
    return std::llround(rate * 1e6);  // millionths of a permit a second = carry units a ns
  }
  static std::int64_t checked_burst(std::int64_t burst) {
    if (burst < 1 || burst > 1'000'000'000)
      throw std::invalid_argument("burst must be in [1, 1e9]");
    return burst;
  }

  void credit_up_to(std::int64_t now) const {
    for (;;) {
      if (now <= credited_to_.load(std::memory_order_acquire)) return;  // nothing to credit
      if (!claimed_.exchange(true, std::memory_order_acquire)) break;
      // Another caller is crediting: wait until it has published, then look again (it may have
      // credited less than we need, having read the clock before us).
      while (claimed_.load(std::memory_order_acquire)) std::this_thread::yield();
    }
    const std::int64_t from = credited_to_.load(std::memory_order_relaxed);
    if (now > from) {
      const __int128 earned = __int128{now - from} * micro_rate_ + carry_;  // carry units
      const __int128 credit = earned / kMillion;
      std::int64_t have = nano_tokens_.load(std::memory_order_relaxed);
      std::int64_t filled;
      do {
        filled = static_cast<std::int64_t>(std::min<__int128>(have + credit, full_));
      } while (!nano_tokens_.compare_exchange_weak(have, filled, std::memory_order_acq_rel,
                                                   std::memory_order_relaxed));
      carry_ = filled == full_ ? 0 : static_cast<std::int64_t>(earned % kMillion);
      credited_to_.store(now, std::memory_order_release);  // only once the credit is in
    }
    claimed_.store(false, std::memory_order_release);
  }

  const Clock& clock_;
  const std::int64_t micro_rate_;
  const std::int64_t burst_;
  const std::int64_t full_;  // nano-permits
  mutable std::atomic<std::int64_t> nano_tokens_;
  mutable std::atomic<std::int64_t> credited_to_;  // clock time credited up to
  mutable std::atomic<bool> claimed_{false};       // one caller credits at a time
  mutable std::int64_t carry_ = 0;                 // written only by the claimant
};

}  // namespace kata
