// The contract, one thread at a time, with a manual clock.
// Level 1, the token bucket to within level 1's rounding (exact_bucket.h): starts full, refills at
// the rate, caps at burst, carries fractions of a permit over, never grants more than burst,
// rejects bad arguments. Every count is checked where the exact bucket is far enough from a whole
// permit for the rounding not to matter (or where no time has passed), so a double passes.
// Level 3, exact: the k-th permit to the nanosecond, for whole and fractional rates, and no drift
// over a million small refills, where a double is off by one permit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>

#include "exact_bucket.h"
#include "harness/config.h"
#include "manual_clock.h"
#include "watched_limiter.h"

namespace {

using namespace std::chrono_literals;
using Limiter = WatchedLimiter;
using exact_bucket::earned;
using exact_bucket::kBillion;
using exact_bucket::within_rounding;

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
  EXPECT_FALSE(limiter.try_acquire(std::numeric_limits<std::int64_t>::max()))
      << "granted 2^63 - 1 permits (permits x a unit overflowed 64 bits?)";
  EXPECT_EQ(limiter.available(), 4);
  EXPECT_TRUE(limiter.try_acquire(4));
}

// From empty, the bucket gains rate x t permits: half a permit's time before and after each of
// the first permits, where the exact bucket is half a permit from a whole one.
TEST(Contract, L1_RefillsAtTheRate) {
  ManualClock clock;
  Limiter limiter(10, 5, clock);  // one permit per 100 ms
  drain(limiter, 5);
  clock.advance(50ms);
  EXPECT_TRUE(within_rounding(limiter.available(), earned(10, 50'000'000), 1));
  EXPECT_FALSE(limiter.try_acquire()) << "granted a permit after half a permit's time";
  clock.advance(100ms);
  EXPECT_TRUE(within_rounding(limiter.available(), earned(10, 150'000'000), 2));
  EXPECT_TRUE(limiter.try_acquire()) << "no permit 1.5 permits' time after empty";
  clock.advance(200ms);  // 0.5 + 2
  EXPECT_TRUE(within_rounding(limiter.available(), earned(10, 250'000'000), 3));
  EXPECT_TRUE(limiter.try_acquire(2));
  EXPECT_FALSE(limiter.try_acquire());
}

// For whole and fractional rates, slow and fast: from empty, k - 1 permits (k - 1/2)/rate seconds
// after, k permits (k + 1/2)/rate seconds after (each to the nanosecond below), and k granted one
// permit's time later.
TEST(Contract, L1_KPermitsAboutKOverRateSecondsAfterEmpty) {
  for (double rate : {1.0, 3.0, 7.0, 1000.0, 999983.0, 1e9, 0.5, 2.5, 0.1, 1234.5, 0.000123}) {
    const exact_bucket::Wide rate_micro = exact_bucket::micro(rate);
    for (std::int64_t k : {1, 2, 3, 10, 1000}) {
      ManualClock clock;
      Limiter limiter(rate, 2000, clock);  // never full here
      drain(limiter, 2000);
      std::int64_t now_ns = 0;
      int moves = 0;
      for (std::int64_t halves : {2 * k - 1, 2 * k + 1, 2 * k + 3}) {
        const auto ns = static_cast<std::int64_t>(halves * exact_bucket::kPermit / 2 / rate_micro);
        clock.advance(std::chrono::nanoseconds(ns - now_ns));
        now_ns = ns;
        ++moves;
        if (halves == 2 * k + 3) break;
        EXPECT_TRUE(within_rounding(limiter.available(), earned(rate, now_ns), moves))
            << "rate " << rate << ", " << now_ns << " ns after empty (" << halves
            << " half permits' time)";
      }
      EXPECT_TRUE(limiter.try_acquire(k))
          << "rate " << rate << ": " << k << " permits refused " << now_ns << " ns after empty";
    }
  }
}

// A rate below one per second: a permit every 2 s, and one every 11.6 days at the slowest rate.
TEST(Contract, L1_FractionalRates) {
  ManualClock clock;
  Limiter half(0.5, 2, clock);
  drain(half, 2);
  clock.advance(1s);
  EXPECT_TRUE(within_rounding(half.available(), earned(0.5, kBillion), 1)) << "rate 0.5, 1 s";
  EXPECT_FALSE(half.try_acquire()) << "rate 0.5: a permit granted after 1 s";
  clock.advance(2s);
  EXPECT_TRUE(within_rounding(half.available(), earned(0.5, 3 * kBillion), 2)) << "rate 0.5, 3 s";
  EXPECT_TRUE(half.try_acquire()) << "rate 0.5: no permit after 3 s";
  EXPECT_FALSE(half.try_acquire());

  ManualClock slow_clock;
  Limiter slowest(1e-6, 2, slow_clock);
  drain(slowest, 2);
  slow_clock.advance(std::chrono::seconds(500'000));
  EXPECT_TRUE(within_rounding(slowest.available(), earned(1e-6, 500'000 * kBillion), 1))
      << "rate 10^-6, 5 x 10^5 s";
  slow_clock.advance(std::chrono::seconds(1'000'000));
  EXPECT_TRUE(within_rounding(slowest.available(), earned(1e-6, 1'500'000 * kBillion), 2))
      << "rate 10^-6, 1.5 x 10^6 s";
  EXPECT_TRUE(slowest.try_acquire()) << "rate 10^-6: no permit after 1.5 x 10^6 s";
}

TEST(Contract, L1_CapsAtBurst) {
  ManualClock clock;
  Limiter limiter(100, 5, clock);
  ASSERT_TRUE(limiter.try_acquire(2));
  clock.advance(1s);  // 100 permits' worth of time, into a bucket of 5 holding 3
  EXPECT_EQ(limiter.available(), 5) << "the bucket must never hold more than burst, and exactly "
                                       "burst once it would have overflowed by a permit or more";
  EXPECT_TRUE(limiter.try_acquire(5));
  EXPECT_FALSE(limiter.try_acquire()) << "granted more than burst after an idle second";
  // The time spent full is not banked: 15 ms later there are 1.5 permits.
  clock.advance(15ms);
  EXPECT_TRUE(within_rounding(limiter.available(), earned(100, 15'000'000), 2))
      << "time spent full was banked";
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

// Time that is not yet a whole permit is not lost: ten refills of 0.15 permits make 1.5 permits,
// not nothing.
TEST(Contract, L1_FractionalRefillCarriesOver) {
  ManualClock clock;
  Limiter limiter(1, 3, clock);
  drain(limiter, 3);
  for (int step = 1; step <= 10; ++step) {
    clock.advance(150ms);
    ASSERT_TRUE(within_rounding(limiter.available(), earned(1, step * 150'000'000), step))
        << "after " << step << " refills of 0.15 permits: is the fraction dropped at each one?";
  }
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());

  // rate 3: a permit every 333.33 ms; ten refills of 110 ms each make 3.3.
  ManualClock clock3;
  Limiter three(3, 10, clock3);
  drain(three, 10);
  for (int step = 1; step <= 10; ++step) {
    clock3.advance(110ms);
    ASSERT_TRUE(within_rounding(three.available(), earned(3, step * 110'000'000), step))
        << "after " << step << " refills of 110 ms at rate 3";
  }
  EXPECT_TRUE(three.try_acquire(3));
  // The fraction left after taking permits carries over too: 0.3 + 0.9 permits.
  clock3.advance(300ms);
  EXPECT_TRUE(
      within_rounding(three.available(), earned(3, 1'400'000'000) - 3 * exact_bucket::kPermit, 11))
      << "the 0.3 permit left after taking 3 was lost";
  EXPECT_TRUE(three.try_acquire());
}

// Level 3 from here: exact, to the nanosecond. A failure names what a double does wrong.
constexpr const char* kDoubleDrift =
    "\n  Tokens kept as a double are off by about 10^-16 of their value after each refill, so at "
    "the "
    "nanosecond a permit falls due the bucket holds a hair less (or more) than a whole number, and "
    "the permit shows up 1 ns late (or early). Keep the time in integer nanoseconds and the credit "
    "in fixed point (nano-permits: elapsed ns x rate), carrying the remainder of each division to "
    "the next refill.";

TEST(Contract, L3_RefillsToTheNanosecond) {
  ManualClock clock;
  Limiter limiter(10, 5, clock);  // one permit per 100 ms
  drain(limiter, 5);
  clock.advance(99'999'999ns);
  EXPECT_EQ(limiter.available(), 0) << "a permit appeared 1 ns early" << kDoubleDrift;
  EXPECT_FALSE(limiter.try_acquire());
  clock.advance(1ns);
  EXPECT_EQ(limiter.available(), 1)
      << "no permit exactly 1/rate seconds after empty" << kDoubleDrift;
  clock.advance(200ms);
  EXPECT_EQ(limiter.available(), 3);
  EXPECT_TRUE(limiter.try_acquire(3));
  EXPECT_FALSE(limiter.try_acquire());

  // Half a permit, then another half, is exactly one.
  clock.advance(50ms);
  EXPECT_EQ(limiter.available(), 0);
  clock.advance(50ms);
  EXPECT_EQ(limiter.available(), 1)
      << "half a permit, then another half, must make one" << kDoubleDrift;

  // rate 3: a permit every 333333333.33 ns; ten refills of 100 ms each make exactly 3, and the
  // next permit after taking them is due 33333334 ns after the next 300 ms.
  ManualClock clock3;
  Limiter three(3, 10, clock3);
  drain(three, 10);
  const std::int64_t want[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3};
  for (int step = 0; step < 10; ++step) {
    clock3.advance(100ms);
    EXPECT_EQ(three.available(), want[step])
        << "after " << (step + 1) * 100 << " ms at rate 3" << kDoubleDrift;
  }
  EXPECT_TRUE(three.try_acquire(3));
  clock3.advance(300ms);
  clock3.advance(33'333'333ns);
  EXPECT_EQ(three.available(), 0) << "a permit 1 ns early after a fraction carried over";
  EXPECT_FALSE(three.try_acquire());
  clock3.advance(1ns);
  EXPECT_EQ(three.available(), 1) << "the fraction left after taking permits was lost"
                                  << kDoubleDrift;
}

// Exactly k permits after exactly k/rate seconds from empty, and not one nanosecond earlier, for
// whole and fractional rates. Every rate here is a whole number of micro-permits per second, so the
// expected counts are exact integer arithmetic.
TEST(Contract, L3_ExactlyKPermitsAfterKOverRateSeconds) {
  for (double rate : {1.0, 3.0, 7.0, 1000.0, 999983.0, 1e9, 0.5, 2.5, 0.1, 1234.5, 0.000123}) {
    const exact_bucket::Wide rate_micro = exact_bucket::micro(rate);
    for (std::int64_t k : {1, 2, 3, 10, 1000}) {
      ManualClock clock;
      const std::int64_t burst = 1000;
      Limiter limiter(rate, burst, clock);
      drain(limiter, burst);
      // k permits need k / rate seconds, rounded up to a whole nanosecond.
      const auto needed_ns =
          static_cast<std::int64_t>((k * exact_bucket::kPermit + rate_micro - 1) / rate_micro);
      clock.advance(std::chrono::nanoseconds(needed_ns - 1));
      EXPECT_EQ(limiter.available(), k - 1)
          << "rate " << rate << ": permit " << k << " appeared at " << needed_ns - 1
          << " ns after empty, 1 ns before it is due" << kDoubleDrift;
      clock.advance(1ns);
      EXPECT_EQ(limiter.available(), k)
          << "rate " << rate << ": permit " << k << " is due " << needed_ns
          << " ns after empty (k/rate rounded up to a whole ns), and is not there" << kDoubleDrift;
      EXPECT_TRUE(limiter.try_acquire(k)) << "rate " << rate << ", k " << k;
      if (HasFailure()) return;  // the first rate and k it fails at says it all
    }
  }
}

// A rate below one per second, to the nanosecond: a permit every 2 s, and one after exactly
// 10^6 s at the slowest rate.
TEST(Contract, L3_FractionalRatesToTheNanosecond) {
  ManualClock clock;
  Limiter half(0.5, 2, clock);
  drain(half, 2);
  clock.advance(1s);
  EXPECT_EQ(half.available(), 0) << "rate 0.5: a permit after 1 s";
  clock.advance(999'999'999ns);
  EXPECT_FALSE(half.try_acquire()) << "rate 0.5: a permit granted 1 ns before 2 s" << kDoubleDrift;
  clock.advance(1ns);
  EXPECT_TRUE(half.try_acquire()) << "rate 0.5: no permit after exactly 2 s" << kDoubleDrift;

  ManualClock slow_clock;
  Limiter slowest(1e-6, 1, slow_clock);
  drain(slowest, 1);
  slow_clock.advance(std::chrono::seconds(1'000'000) - 1ns);
  EXPECT_EQ(slowest.available(), 0) << "rate 10^-6: a permit before 10^6 s" << kDoubleDrift;
  slow_clock.advance(1ns);
  EXPECT_EQ(slowest.available(), 1) << "rate 10^-6: no permit after exactly 10^6 s" << kDoubleDrift;
}

// A million refills of a few microseconds each, landing now and then on the very nanosecond a
// permit falls due or on the one before it: after every one, available() is exactly
// floor(rate x elapsed) plus what was kept minus what was taken. Then the same at a rate that earns
// half a nano-permit in an odd nanosecond, so a limiter that rounds each credit to whole
// nano-permits loses it.
//
// `kept` permits stay in the bucket. A double holding 2^27 permits rounds every small credit to
// 2^-25 of a permit, so its error soon spans many nanoseconds of refill, in either direction: the
// landing on the due nanosecond catches a bucket a hair short, the one just before catches a bucket
// a hair over. An empty bucket's double errs by ~10^-12 permits, far less than a nanosecond's
// credit: it is caught only when its error happens to be short at a due nanosecond.
void expect_no_drift(double rate, int steps, std::int64_t max_step_ns, std::int64_t kept) {
  constexpr std::int64_t kBurst = kBillion;
  const exact_bucket::Wide rate_micro = exact_bucket::micro(rate);
  ManualClock clock;
  Limiter limiter(rate, kBurst, clock);
  ASSERT_TRUE(limiter.try_acquire(kBurst - kept)) << "a new limiter must start full";
  ASSERT_EQ(limiter.available(), kept);
  std::mt19937_64 rng(harness::seed());
  std::int64_t elapsed_ns = 0, taken = 0;
  for (int step = 0; step < steps; ++step) {
    // Mostly random steps of an odd number of nanoseconds; now and then exactly to the first
    // nanosecond at which the next whole permit is due, or to the one before it.
    std::int64_t ns = 2 * static_cast<std::int64_t>(rng() % (max_step_ns / 2)) + 1;
    if (rng() % 500 == 0) {
      const std::int64_t next = exact_bucket::floor_permits(earned(rate, elapsed_ns)) + 1;
      const auto due =
          static_cast<std::int64_t>((next * exact_bucket::kPermit + rate_micro - 1) / rate_micro);
      ns = std::max<std::int64_t>(due - elapsed_ns - static_cast<std::int64_t>(rng() % 2), 1);
    }
    clock.advance(std::chrono::nanoseconds(ns));
    elapsed_ns += ns;
    const std::int64_t want = kept + exact_bucket::floor_permits(earned(rate, elapsed_ns)) - taken;
    const std::int64_t got = limiter.available();
    if (got != want) {
      FAIL() << "rate " << rate << ", " << kept << " permits kept: after " << step + 1
             << " refills of 1 to " << max_step_ns << " ns (" << elapsed_ns << " ns since "
             << "drained, " << taken << " taken) the bucket holds " << got << " permits, expected "
             << want << ": a fraction of a permit was lost or invented along the way."
             << kDoubleDrift
             << " A credit rounded to whole nano-permits drops the rest at every refill.";
    }
    if (want > 0 && rng() % 8 == 0) {
      ASSERT_TRUE(limiter.try_acquire(1));
      ++taken;
    }
  }
  EXPECT_GT(taken, 0);
}

TEST(Contract, L3_NoDriftAfterAMillionRefillSteps) {
  expect_no_drift(10, 1'000'000, 6000, 0);
  if (HasFailure()) return;
  expect_no_drift(10, 200'000, 6000, std::int64_t{1} << 27);
  if (HasFailure()) return;
  expect_no_drift(1234.5, 200'000, 3000, 0);
}

}  // namespace
