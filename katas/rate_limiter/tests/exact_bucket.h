// The contract's "exact bucket" in integers, and level 1's rounding allowance (rate_limiter.h): the
// tests' one statement of each. Amounts of permits are in femto-permits (10^-15 of a permit): a
// rate that is a whole number of millionths of a permit per second earns a whole number of them
// each nanosecond (rate_micro of them), so the exact bucket is exact integer arithmetic.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace exact_bucket {

using Wide = __int128;
constexpr std::int64_t kBillion = 1'000'000'000;
constexpr Wide kPermit = Wide{kBillion} * 1'000'000;  // femto-permits in a permit
// Level 1: after the clock has moved on n times, the bucket may be off by n x 10^-6 permits.
constexpr Wide kRoundingPerMove = kPermit / 1'000'000;

// The rate in millionths of a permit per second: femto-permits earned per nanosecond.
inline std::int64_t micro(double rate) { return static_cast<std::int64_t>(rate * 1e6 + 0.5); }

// What the exact bucket earns in `ns` nanoseconds at `rate`, in femto-permits.
inline Wide earned(double rate, std::int64_t ns) { return Wide{ns} * micro(rate); }

inline std::int64_t floor_permits(Wide femto) {
  const Wide whole = femto / kPermit;
  return static_cast<std::int64_t>(femto < 0 && whole * kPermit != femto ? whole - 1 : whole);
}

inline std::string permits_text(Wide femto) {
  const Wide magnitude = femto < 0 ? -femto : femto;
  std::string fraction = std::to_string(static_cast<std::int64_t>(magnitude % kPermit));
  fraction.insert(0, 15 - fraction.size(), '0');
  return (femto < 0 ? "-" : "") + std::to_string(static_cast<std::int64_t>(magnitude / kPermit)) +
         "." + fraction;
}

// Level 1: available() is `got` where the exact bucket holds `exact` femto-permits, after the clock
// has moved on `moves` times. Within the rounding allowed, only one answer unless the exact bucket
// is that close to a whole permit.
inline testing::AssertionResult within_rounding(std::int64_t got, Wide exact, std::int64_t moves) {
  const Wide slack = kRoundingPerMove * moves;
  const std::int64_t low = floor_permits(exact - slack), high = floor_permits(exact + slack);
  if (got >= low && got <= high) return testing::AssertionSuccess();
  return testing::AssertionFailure()
         << "available() is " << got << ", but the exact bucket holds " << permits_text(exact)
         << " permits"
         << (moves > 0 ? ", and after " + std::to_string(moves) +
                             " clock moves level 1's rounding allows "
                       : ", so it must be ")
         << (low == high ? std::to_string(low)
                         : std::to_string(low) + " or " + std::to_string(high));
}

}  // namespace exact_bucket
