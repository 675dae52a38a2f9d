// Level 2. Linearizability: many short seeded runs, each on a fresh limiter and manual clock:
// acquirer threads call try_acquire() and available(), one more thread advances the clock by a
// 64th of a permit to two permits at a time, and every call (clock advances included)
// is recorded with when it started and when it returned. The checker then looks for one order of
// all the calls, consistent with what finished before what started, in which a one-thread token
// bucket (rate_limiter_model.h) gives every call the result it really returned. A permit granted
// twice, a refill credited twice or not at all, a refusal while permits were there at every instant
// of the call: each makes a history no order explains, shown as the few calls that prove it.
//
// The model is the exact bucket; level 2 allows level 1's rounding (rate_limiter.h), which could
// change an answer only where the bucket is within n x 10^-6 permits of a whole one. So every
// advance is a whole number of permits plus 1/64 to 1/12 of one: the bucket's fraction is then the
// sum of the fractions since it was last full, at most 11 of them in a run (1/64 to 11/12), never
// within 0.015 permits of a whole one, and no order of the calls has an answer the rounding could
// change.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "harness/config.h"
#include "harness/lin/checker.h"
#include "harness/lin/history.h"
#include "harness/lin/report.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "manual_clock.h"
#include "rate_limiter_model.h"
#include "watched_limiter.h"

namespace {

using harness::Worker;
constexpr std::int64_t kRate = 1000;  // a permit per millisecond
constexpr std::int64_t kNsPerPermit = 1'000'000;

struct HistoryShape {
  int threads;  // acquirers; one more thread moves the clock
  std::int64_t burst;
};

const auto history_shape_name = harness::name_params(std::pair{"t", &HistoryShape::threads},
                                                     std::pair{"b", &HistoryShape::burst});

class Linearizability : public testing::TestWithParam<HistoryShape> {};

TEST_P(Linearizability, L2_AcquireAvailableAndClockHistories) {
  const HistoryShape shape = GetParam();
  const int runs = harness::scaled(250);
  std::atomic<int> run{0}, calls{0};
  harness::describe_state([&] {
    return "history " + std::to_string(run.load() + 1) + " of " + std::to_string(runs) + ", " +
           std::to_string(calls.load()) + " calls done in it";
  });
  LimiterModel model(kRate, shape.burst);
  for (int k = 0; k < runs; ++k) {
    run.store(k);
    calls.store(0);
    ManualClock clock;
    WatchedLimiter limiter(kRate, shape.burst, clock);
    harness::lin::Recorder<LimiterOp, LimiterResult> recorder(shape.threads + 1);
    std::mt19937_64 rng(harness::seed() * 1000003 + static_cast<std::uint64_t>(k));
    const int ops = static_cast<int>(10 + rng() % 21);

    harness::Crew crew;
    crew.add("acquirer", shape.threads, [&](Worker& w) {
      const int t = w.index();
      for (int s = 0; s < ops; ++s) {
        if (w.chance(0.2)) {
          recorder.record(t, LimiterOp::available(), [&] { return limiter.available(); });
        } else {
          const std::int64_t n = w.uniform(1, 2);
          recorder.record(t, LimiterOp::acquire(n),
                          [&] { return LimiterResult{limiter.try_acquire(n) ? 1 : 0}; });
        }
        calls.fetch_add(1, std::memory_order_relaxed);
        w.perturb();
      }
    });
    crew.add("clock", 1, [&](Worker& w) {
      static_assert(30 / 3 + 1 < 12,
                    "at most 11 advances a run, each 1/64 to 1/12 permit past whole");
      for (int s = 0; s < ops / 3 + 1; ++s) {
        const std::int64_t ns =
            w.uniform(0, 2) * kNsPerPermit + w.uniform(kNsPerPermit / 64, kNsPerPermit / 12);
        recorder.record(shape.threads, LimiterOp::advance(ns), [&] {
          clock.advance(std::chrono::nanoseconds(ns));
          return LimiterResult{0};
        });
        w.perturb();
        w.perturb();
      }
    });
    crew.run();
    const auto history = recorder.history();
    const auto outcome = harness::lin::check(model, history);
    if (outcome.verdict != harness::lin::Verdict::kLinearizable) {
      std::ostringstream context;
      context << "history " << k + 1 << " of " << runs << ", burst " << shape.burst << ", rate "
              << kRate << ", seed " << harness::seed();
      FAIL() << harness::lin::explain(model, history, outcome, context.str());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability,
                         testing::Values(HistoryShape{2, 1}, HistoryShape{3, 2},
                                         HistoryShape{4, 3}),
                         history_shape_name);

}  // namespace
