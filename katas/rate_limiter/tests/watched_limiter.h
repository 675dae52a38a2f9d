// The limiter under test, with every call watched: if a call does not return, the watchdog's
// report names it (see harness/watchdog.h). try_acquire() and available() never wait, so a call
// that does not return is a deadlock or a livelock (a CAS loop that never succeeds).
#pragma once

#include <cstdint>

#include "harness/under_test.h"
#include "harness/watchdog.h"
#include "manual_clock.h"

class WatchedLimiter {
 public:
  WatchedLimiter(double permits_per_second, std::int64_t burst, const kata::Clock& clock)
      : limiter_(permits_per_second, burst, clock) {}

  bool try_acquire(std::int64_t permits = 1) {
    return harness::watched("try_acquire()", kHint, [&] { return limiter_.try_acquire(permits); });
  }
  std::int64_t available() {
    return harness::watched("available()", kHint, [&] { return limiter_.available(); });
  }

 private:
  static constexpr const char* kHint =
      "this call never waits: a deadlock, or a CAS loop that never sees the current value?";

  under_test::RateLimiter limiter_;
};
