// PROVIDED: do not edit. The time source a RateLimiter reads. A submission's copy of this file is
// never used: the build always takes this one.
#pragma once

#include <chrono>

namespace kata {

// A monotonic clock: now() never goes backwards. Only differences between readings matter (the
// epoch is arbitrary). May be called from any number of threads at once. Tests use a manual clock
// that they advance by hand, so the rate arithmetic is checked to the nanosecond without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::nanoseconds now() const = 0;
};

// The real thing: std::chrono::steady_clock.
class SteadyClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
  }
};

// The clock a RateLimiter uses when none is given.
inline const Clock& default_clock() {
  static const SteadyClock clock;
  return clock;
}

}  // namespace kata
