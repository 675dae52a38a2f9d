// KATA: rate_limiter. Make this class correct and thread-safe. The contract is below; the tests
// are in tests/, the story and the hints in README.md. Run:  ./kata test rate_limiter
//
// RateLimiter is a token bucket: it holds at most `burst` permits, starts full, and gains
// `permits_per_second` permits per second of the clock it is given (never more than `burst` in
// total); the rate need not be whole: 0.5 is a permit every 2 seconds. try_acquire(n) takes n
// permits if they are there now, and never waits. Every method may be called from any number of
// threads at once.
//
//   Level 1: exact arithmetic, one thread: exactly k permits appear exactly k/rate seconds after
//            the bucket was empty (rounded up to a whole nanosecond), fractions of a permit are
//            never lost or invented, no drift however many small steps the clock takes.
//   Level 2: exact under contention: however many threads call at once, no permit is granted
//            twice and none is lost.
//   Level 3: a fast path without a lock: a thread paused anywhere inside try_acquire() or
//            available() (the tests pause one inside Clock::now()) never stops another thread's
//            call from returning.
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
#pragma once

#include <cstdint>

#include "clock.h"
#include "kata/not_implemented.h"

namespace kata {

class RateLimiter {
 public:
  // A full bucket of `burst` permits, refilled at `permits_per_second`, reading time from `clock`
  // (which must outlive the limiter). Throws std::invalid_argument unless
  // 10^-6 <= permits_per_second <= 10^9 (a NaN is not) and 1 <= burst <= 10^9. Rates are honoured
  // to a millionth of a permit per second.
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
