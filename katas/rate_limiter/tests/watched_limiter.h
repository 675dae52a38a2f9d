// The limiter under test, with every call watched: if a call does not return, the watchdog's
// report names it (see harness/watchdog.h). try_acquire() and available() never wait, so a call
// that does not return is a deadlock or a livelock (a CAS loop that never succeeds). Every call is
// also checked against the level rule (harness/level_rule.h): a test of level N may call only the
// methods of levels 1..N.
#pragma once

#include <cstdint>

#include "harness/level_rule.h"
#include "harness/under_test.h"
#include "manual_clock.h"

class WatchedLimiter {
 public:
  WatchedLimiter(double permits_per_second, std::int64_t burst, const kata::Clock& clock)
      : limiter_(permits_per_second, burst, clock) {}

  bool try_acquire(std::int64_t permits = 1) {
    return harness::call(kTryAcquire, [&] { return limiter_.try_acquire(permits); });
  }
  std::int64_t available() {
    return harness::call(kAvailable, [&] { return limiter_.available(); });
  }

 private:
  static constexpr const char* kHint =
      "this call never waits: a deadlock, or a CAS loop that never sees the current value?";

  // Each method at the level rate_limiter.h's banner gives it (harness/level_rule.h): every method
  // is level 1; the higher levels ask more of the same methods (contention, exactness, no lock).
  static constexpr harness::Method kTryAcquire{"try_acquire()", 1, kHint};
  static constexpr harness::Method kAvailable{"available()", 1, kHint};

  under_test::RateLimiter limiter_;
};
