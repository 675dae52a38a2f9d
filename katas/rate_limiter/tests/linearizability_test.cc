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

#include <chrono>
#include <cstdint>
#include <string>

#include "harness/lin/history.h"
#include "harness/lin/runner.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "manual_clock.h"
#include "rate_limiter_model.h"
#include "watched_limiter.h"

namespace {

using harness::Worker;
constexpr std::int64_t kRate = 1000;  // a permit per millisecond
constexpr std::int64_t kNsPerPermit = 1'000'000;
// Under the sched variant (docs/schedules.md) a history costs a few milliseconds, and the race only
// this test sees (available() answering while another thread is inside the refill's critical
// section, the mutant available_skips_a_busy_refill) needs the scheduler to stop a thread in a
// window of a few steps: one history per schedule caught it in 14 of 20 seeds, ten in 20 of 20
// (README).
constexpr harness::lin::Series kSeries{
    .runs = 250, .min_calls = 10, .max_calls = 30, .sched_runs = 10};

struct HistoryShape {
  int threads;  // acquirers; one more thread moves the clock
  std::int64_t burst;
};

const auto history_shape_name = harness::name_params(std::pair{"t", &HistoryShape::threads},
                                                     std::pair{"b", &HistoryShape::burst});

class Linearizability : public testing::TestWithParam<HistoryShape> {};

TEST_P(Linearizability, L2_AcquireAvailableAndClockHistories) {
  const HistoryShape shape = GetParam();
  LimiterModel model(kRate, shape.burst);
  harness::lin::check_seeded_histories(
      model, kSeries, "burst " + std::to_string(shape.burst) + ", rate " + std::to_string(kRate),
      [&](const harness::lin::SeededRun& run) {
        ManualClock clock;
        WatchedLimiter limiter(kRate, shape.burst, clock);
        harness::lin::Recorder<LimiterOp, LimiterResult> recorder(shape.threads + 1);
        const int ops = run.calls();
        harness::Crew crew = run.crew();
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
            run.call_done();
            w.perturb();
          }
        });
        crew.add("clock", 1, [&](Worker& w) {
          static_assert(kSeries.max_calls / 3 + 1 < 12,
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
        return recorder.history();
      });
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability,
                         testing::Values(HistoryShape{2, 1}, HistoryShape{3, 2},
                                         HistoryShape{4, 3}),
                         history_shape_name);

}  // namespace
