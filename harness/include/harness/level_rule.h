// The level rule, checked on every call: a test of level N calls only methods of levels 1..N. A
// learner who has finished level N as the kata's header defines it must be able to pass every test
// of levels 1..N; a level-1 test that calls a level-2 method fails for them with "not implemented",
// and they score level 0 for work they did.
//
// Each kata's watched wrapper (katas/<kata>/tests/watched_*.h) declares every method of the class
// under test with the level the header's banner gives it, and makes each call through call():
//
//   static constexpr harness::Method kTryPush{"try_push()", 2, "this call never waits: a
//   deadlock?"}; bool try_push(T&& item) {
//     return harness::call(kTryPush, [&] { return queue_.try_push(std::move(item)); });
//   }
//
// The running test's level comes from its name, Category.L<level>_What (read by the test main as
// each test starts); a test whose name gives no level (the harness's own tests) is exempt. A call
// above the test's level ends the test process at once, with a report headed kLevelRuleMarker:
//
//   LEVEL RULE: Liveness.L1_EveryPushWakesAWaitingConsumer calls try_push() (level 2); a level-1
//     test may call only methods of level 1. This is a bug in the test suite, not in your code.
//
// and exit code kLevelRuleExitCode. It is neither a test failure nor a hang: a mutant whose run
// ends this way is not counted as caught (tools/expect_caught.py), and a reference suite that
// breaks the rule fails. The check is on the calls a run makes, so a call on a path no run takes
// (a failure message's argument) is checked only when that path runs.
#pragma once

#include <string_view>
#include <utility>

#include "harness/watchdog.h"

namespace harness {

inline constexpr const char* kLevelRuleMarker = protocol::kLevelRule;
inline constexpr int kLevelRuleExitCode = protocol::kLevelRuleExitCode;

// One method of a kata's class: its name in reports, the level the header's banner gives it, the
// watchdog's hint should a call to it not return, and whether its return is progress (a method
// that only observes is not: watchdog.h). `name` and `hint` must be literals.
struct Method {
  const char* name;
  int level;
  const char* hint;
  Progress progress = Progress::counts;
};

// The level a test's name gives ("L2_TryPopOnEmpty..." -> 2; a parameterised test's "/shape"
// suffix aside), or 0 if it gives none.
int level_of_test(std::string_view test_name);

// The running test's level, 0 outside a test or for a test whose name gives none.
int current_test_level();

// Ends the test process with the LEVEL RULE report if the running test's level is below
// `method.level` (and is not 0).
void check_level(const Method& method);

// Runs op(), a call of `method`, checked against the level rule and watched (watchdog.h).
template <class F>
decltype(auto) call(const Method& method, F&& op) {
  check_level(method);
  return watched(method.name, method.hint, std::forward<F>(op), method.progress);
}

namespace detail {
// Called by the test main as each test starts (with its name) and ends (with "").
void set_current_test(std::string_view test_name);
}  // namespace detail

}  // namespace harness
