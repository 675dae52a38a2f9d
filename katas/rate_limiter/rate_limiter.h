// KATA: rate_limiter. Make this class correct and thread-safe. The contract is below; the tests
// are in tests/, the story and the hints in README.md. Run:  ./kata test rate_limiter
//
// RateLimiter is a token bucket. The exact bucket holds at most `burst` permits and starts full;
// over t seconds of the clock it is given it gains permits_per_second x t permits, fractions of a
// permit included, but never holds more than `burst` (time spent full is not banked); it loses what
// is taken. The rate need not be whole: 0.5 is a permit every 2 seconds (a rate that is not a whole
// number of millionths of a permit per second may be taken to the nearest one). try_acquire(n) takes n permits if the bucket holds that many now,
// and never waits; available() is the whole permits it holds. Every method may be called from any
// number of threads at once.
//
//   Level 1: the token bucket, one thread, to within rounding. After the clock has moved on n
//            times, the bucket may hold up to n x 10^-6 permits more or fewer than the exact bucket
//            given the same grants (a double holds it well enough), but never less than 0 or more
//            than burst, and exactly burst once the exact bucket would have overflowed by a whole
//            permit or more. More than burst is never granted; bad arguments throw.
//   Level 2: safe under contention: however many threads call at once, each call takes effect at
//            one instant between its start and its return, as if the calls ran one at a time: no
//            permit is granted twice and none is lost, beyond level 1's rounding.
//   Level 3: exact: no rounding at all, however many refills. From empty, exactly floor(rate x t)
//            permits after t seconds (until the cap): the k-th permit appears exactly k/rate
//            seconds after empty, rounded up to a whole nanosecond, and not 1 ns earlier, also
//            after a million refills of a few nanoseconds each, and also when the bucket already
//            holds 10^8 permits (a double drifts: keep time and credit in integers).
//   Level 4: a fast path without a lock: the clock is read outside any lock, so a thread paused
//            inside Clock::now() never stops another thread's try_acquire() or available() from
//            returning, whether or not time has passed (the tests pause one there); and level 2's
//            promise holds without the lock: a permit earned before a try_acquire() began is
//            granted even while other threads are crediting that same time in available().
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
// The header policy (docs/header_policy.md) is checked before anything is built: standard
// library includes only, everything in namespace kata, no macros, #if, file or process calls.
// At run time: start threads only in your objects and end them by the time those are
// destroyed; the benchmark checks that, and the contract, on the very object it measures.
#pragma once

#include <cstdint>

#include "clock.h"
#include "kata/not_implemented.h"

namespace kata {

// Every method is part of level 1; the levels above ask more of the same three.
class RateLimiter {
 public:
  // A full bucket of `burst` permits, refilled at `permits_per_second`, reading time from `clock`
  // (which must outlive the limiter). Throws std::invalid_argument unless
  // 10^-6 <= permits_per_second <= 10^9 (a NaN is not) and 1 <= burst <= 10^9.
  RateLimiter(double permits_per_second, std::int64_t burst, const Clock& clock = default_clock()) {
    (void)permits_per_second, (void)burst, (void)clock;
    throw NotImplemented("RateLimiter::RateLimiter");
  }

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes `permits` permits and returns true if the bucket holds at least that many now;
  // otherwise takes nothing and returns false. Never waits. A request for more than `burst`
  // permits can never be granted: false. Throws std::invalid_argument if permits < 1.
  bool try_acquire(std::int64_t permits = 1) {
    (void)permits;
    throw NotImplemented("RateLimiter::try_acquire");
  }

  // The number of whole permits in the bucket now (0 <= available() <= burst). const: it takes
  // nothing, though it may have to account for the time that has passed.
  std::int64_t available() const { throw NotImplemented("RateLimiter::available"); }
};

}  // namespace kata
