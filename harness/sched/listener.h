// Puts each test of a sched-variant binary under the scheduler (scheduler.h): the test main appends
// this listener after its own, so the schedule begins after the watchdog is armed and ends before
// it is disarmed (gtest calls OnTestEnd in reverse order), and the watchdog thread stays outside
// it.
#pragma once

#include <gtest/gtest.h>

namespace kata_sched {

// The environment variable that fixes the schedule of every test in the process (a replay); without
// it each test's schedule seed is its workload seed (KATA_SEED, or drawn at random).
inline constexpr char kScheduleVariable[] = "KATA_SCHEDULE";
// Heads the line printed as each test starts, after the harness's "SEED: " line.
inline constexpr char kScheduleMarker[] = "SCHEDULE: ";

// The environment variable for how many schedules each test explores (default kDefaultBudget).
inline constexpr char kBudgetVariable[] = "KATA_SCHED_BUDGET";
inline constexpr int kDefaultBudget = 10;

// The environment variable that asks for a failure's schedule to be shrunk (listener.cc), and the
// head of the line that then gives the smaller schedule's replay, before its trace.
inline constexpr char kShrinkVariable[] = "KATA_SCHED_SHRINK";
inline constexpr char kShrunkMarker[] = "  shrunk: ";

::testing::TestEventListener* make_listener();

// Call after InitGoogleTest: makes gtest repeat the tests `budget` times (repetition i > 0 runs
// another schedule), unless --gtest_repeat was given or KATA_SCHEDULE replays one schedule. The
// listener stops the process before the repetition after the first that failed, so the failing
// one is what gtest's XML report holds.
void apply_budget();

}  // namespace kata_sched
