// Level 1 contract, one thread at a time, with a manual clock: the token arithmetic to the
// nanosecond. Starts full, refills at the rate, caps at burst, carries fractions of a permit over,
// does not drift over a million small steps, never grants more than burst, rejects bad arguments.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>

#include "harness/config.h"
#include "manual_clock.h"
#include "watched_limiter.h"

namespace {

using namespace std::chrono_literals;
using Limiter = WatchedLimiter;
constexpr std::int64_t kBillion = 1'000'000'000;

// Empties the bucket (it starts full).
void drain(Limiter& limiter, std::int64_t burst) {
  ASSERT_TRUE(limiter.try_acquire(burst)) << "a new limiter must start full";
  ASSERT_EQ(limiter.available(), 0);
}

TEST(Contract, L1_BadArgumentsThrow) {
  ManualClock clock;
  EXPECT_THROW(Limiter(0, 1, clock), std::invalid_argument);
  EXPECT_THROW(Limiter(-5, 1, clock), std::invalid_argument);
  EXPECT_THROW(Limiter(0.9e-6, 1, clock), std::invalid_argument) << "below 10^-6 per second";
  EXPECT_THROW(Limiter(1e9 + 1, 1, clock), std::invalid_argument);
  EXPECT_THROW(Limiter(std::numeric_limits<double>::quiet_NaN(), 1, clock), std::invalid_argument);
  EXPECT_THROW(Limiter(std::numeric_limits<double>::infinity(), 1, clock), std::invalid_argument);
  EXPECT_THROW(Limiter(1, 0, clock), std::invalid_argument);
  EXPECT_THROW(Limiter(1, -1, clock), std::invalid_argument);
  EXPECT_THROW(Limiter(1, kBillion + 1, clock), std::invalid_argument);
  EXPECT_NO_THROW(Limiter(1e-6, 1, clock)) << "the slowest rate allowed";
  EXPECT_NO_THROW(Limiter(1e9, kBillion, clock)) << "the fastest rate and the largest burst";
  Limiter limiter(10, 5, clock);
  EXPECT_THROW(limiter.try_acquire(0), std::invalid_argument);
  EXPECT_THROW(limiter.try_acquire(-1), std::invalid_argument);
  EXPECT_EQ(limiter.available(), 5) << "a rejected call must take nothing";
}

TEST(Contract, L1_StartsFull) {
  ManualClock clock;
  Limiter limiter(3, 7, clock);
  EXPECT_EQ(limiter.available(), 7);
  EXPECT_TRUE(limiter.try_acquire(2));
  EXPECT_EQ(limiter.available(), 5);
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_TRUE(limiter.try_acquire(4));
  EXPECT_EQ(limiter.available(), 0);
  EXPECT_FALSE(limiter.try_acquire()) << "granted a permit from an empty bucket (clock frozen)";
}

TEST(Contract, L1_FailedAcquireTakesNothing) {
  ManualClock clock;
  Limiter limiter(1, 5, clock);
  ASSERT_TRUE(limiter.try_acquire(2));
  EXPECT_FALSE(limiter.try_acquire(4)) << "granted 4 permits with 3 in the bucket";
  EXPECT_EQ(limiter.available(), 3) << "a failed try_acquire must take nothing";
  EXPECT_TRUE(limiter.try_acquire(3));
}

TEST(Contract, L1_MoreThanBurstIsNeverGranted) {
  ManualClock clock;
  Limiter limiter(1000, 4, clock);
  EXPECT_FALSE(limiter.try_acquire(5));
  clock.advance(std::chrono::hours(24 * 365));
  EXPECT_FALSE(limiter.try_acquire(5)) << "granted more than burst after a long idle time";
  EXPECT_FALSE(limiter.try_acquire(kBillion));
  EXPECT_EQ(limiter.available(), 4);
  EXPECT_TRUE(limiter.try_acquire(4));
}

TEST(Contract, L1_RefillsAtTheRate) {
  ManualClock clock;
  Limiter limiter(10, 5, clock);  // one permit per 100 ms
  drain(limiter, 5);
  clock.advance(99'999'999ns);
  EXPECT_EQ(limiter.available(), 0) << "a permit appeared 1 ns early";
  EXPECT_FALSE(limiter.try_acquire());
  clock.advance(1ns);
  EXPECT_EQ(limiter.available(), 1) << "no permit exactly 1/rate seconds after empty";
  clock.advance(200ms);
  EXPECT_EQ(limiter.available(), 3);
  EXPECT_TRUE(limiter.try_acquire(3));
  EXPECT_FALSE(limiter.try_acquire());
}

// Exactly k permits after exactly k/rate seconds from empty, and not one nanosecond earlier, for
// whole and fractional rates. Every rate here is a whole number of micro-permits per second, so the
// expected counts are exact integer arithmetic: floor(t_ns x rate_micro / 10^15).
TEST(Contract, L1_ExactlyKPermitsAfterKOverRateSeconds) {
  using Wide = __int128;
  constexpr Wide kFemto = Wide{kBillion} * 1'000'000;  // micro-permits x ns per permit-second
  for (double rate : {1.0, 3.0, 7.0, 1000.0, 999983.0, 1e9, 0.5, 2.5, 0.1, 1234.5, 0.000123}) {
    const auto rate_micro = static_cast<std::int64_t>(rate * 1e6 + 0.5);
    const auto permits_after = [&](std::int64_t ns) {
      return static_cast<std::int64_t>(Wide{ns} * rate_micro / kFemto);
    };
    for (int k_int : {1, 2, 3, 10, 1000}) {
      const std::int64_t k = k_int;
      ManualClock clock;
      const std::int64_t burst = 1000;
      Limiter limiter(rate, burst, clock);
      drain(limiter, burst);
      // k permits need k / rate seconds, rounded up to a whole nanosecond.
      const auto needed_ns = static_cast<std::int64_t>((k * kFemto + rate_micro - 1) / rate_micro);
      clock.advance(std::chrono::nanoseconds(needed_ns - 1));
      EXPECT_EQ(limiter.available(), permits_after(needed_ns - 1))
          << "rate " << rate << ", " << needed_ns - 1 << " ns after empty";
      clock.advance(1ns);
      EXPECT_EQ(limiter.available(), permits_after(needed_ns))
          << "rate " << rate << ", " << needed_ns << " ns after empty (want " << k << ")";
      EXPECT_TRUE(limiter.try_acquire(k)) << "rate " << rate << ", k " << k;
    }
  }
}

// A rate below one per second: a permit every 2 s, and one every 11.6 days at the slowest rate.
TEST(Contract, L1_FractionalRates) {
  ManualClock clock;
  Limiter half(0.5, 2, clock);
  drain(half, 2);
  clock.advance(1s);
  EXPECT_EQ(half.available(), 0) << "rate 0.5: a permit after 1 s";
  clock.advance(999'999'999ns);
  EXPECT_FALSE(half.try_acquire()) << "rate 0.5: a permit granted 1 ns before 2 s";
  clock.advance(1ns);
  EXPECT_TRUE(half.try_acquire()) << "rate 0.5: no permit after exactly 2 s";

  ManualClock slow_clock;
  Limiter slowest(1e-6, 1, slow_clock);
  drain(slowest, 1);
  slow_clock.advance(std::chrono::seconds(1'000'000) - 1ns);
  EXPECT_EQ(slowest.available(), 0) << "rate 10^-6: a permit before 10^6 s";
  slow_clock.advance(1ns);
  EXPECT_EQ(slowest.available(), 1) << "rate 10^-6: no permit after exactly 10^6 s";
}

TEST(Contract, L1_CapsAtBurst) {
  ManualClock clock;
  Limiter limiter(100, 5, clock);
  ASSERT_TRUE(limiter.try_acquire(2));
  clock.advance(1s);  // 100 permits' worth of time, into a bucket of 5
  EXPECT_EQ(limiter.available(), 5) << "the bucket must never hold more than burst";
  EXPECT_TRUE(limiter.try_acquire(5));
  EXPECT_FALSE(limiter.try_acquire()) << "granted more than burst after an idle second";
  // The time spent full is not banked: 10 ms later there is exactly one permit.
  clock.advance(10ms);
  EXPECT_EQ(limiter.available(), 1);
}

TEST(Contract, L1_CapsAtBurstAfterAVeryLongIdleTime) {
  ManualClock clock;
  Limiter limiter(kBillion, kBillion, clock);
  ASSERT_TRUE(limiter.try_acquire(kBillion));
  clock.advance(std::chrono::hours(24 * 365 * 100));  // rate x elapsed overflows 64 bits
  EXPECT_EQ(limiter.available(), kBillion);
  EXPECT_TRUE(limiter.try_acquire(kBillion));
  EXPECT_EQ(limiter.available(), 0);
}

// Time that is not yet a whole permit is not lost: half a permit, then another half, is one.
TEST(Contract, L1_FractionalRefillCarriesOver) {
  ManualClock clock;
  Limiter limiter(1, 3, clock);
  drain(limiter, 3);
  clock.advance(500ms);
  EXPECT_EQ(limiter.available(), 0);
  EXPECT_FALSE(limiter.try_acquire());
  clock.advance(500ms);
  EXPECT_EQ(limiter.available(), 1) << "half a permit, then another half, must make one";

  // rate 3: a permit every 333.33 ms; ten refills of 100 ms each make exactly 3.
  ManualClock clock3;
  Limiter three(3, 10, clock3);
  drain(three, 10);
  const std::int64_t want[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3};
  for (int step = 0; step < 10; ++step) {
    clock3.advance(100ms);
    EXPECT_EQ(three.available(), want[step]) << "after " << (step + 1) * 100 << " ms at rate 3";
  }
  EXPECT_TRUE(three.try_acquire(3));
  // The fraction left after taking permits carries over too.
  clock3.advance(300ms);
  EXPECT_EQ(three.available(), 0);
  EXPECT_FALSE(three.try_acquire());
  clock3.advance(33'333'334ns);
  EXPECT_EQ(three.available(), 1);
}

// A million refills of a few microseconds each: after every one, available() is exactly
// floor(rate x elapsed) minus what was taken. A double accumulates rounding error and, sooner or
// later, is a hair below a whole number when it should be on it.
TEST(Contract, L1_NoDriftAfterAMillionRefillSteps) {
  constexpr std::int64_t kRate = 10;
  constexpr std::int64_t kBurst = kBillion;
  ManualClock clock;
  Limiter limiter(kRate, kBurst, clock);
  drain(limiter, kBurst);
  std::mt19937_64 rng(harness::seed());
  std::int64_t elapsed_ns = 0, taken = 0;
  const int steps = 1'000'000;
  for (int step = 0; step < steps; ++step) {
    // Mostly 1-3 us steps; now and then exactly to the next whole permit.
    std::int64_t ns = 1000 * static_cast<std::int64_t>(rng() % 3 + 1);
    if (rng() % 1000 == 0) {
      ns = (kBillion / kRate) - elapsed_ns % (kBillion / kRate);
    }
    clock.advance(std::chrono::nanoseconds(ns));
    elapsed_ns += ns;
    const std::int64_t want = elapsed_ns * kRate / kBillion - taken;
    const std::int64_t got = limiter.available();
    if (got != want) {
      FAIL() << "after " << step + 1 << " refill steps (" << elapsed_ns << " ns since empty, "
             << taken << " taken): available() is " << got << ", want " << want;
    }
    if (want > 0 && rng() % 8 == 0) {
      ASSERT_TRUE(limiter.try_acquire(1));
      ++taken;
    }
  }
  EXPECT_GT(taken, 0);
}

}  // namespace
