#include "listener.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/config.h"
#include "harness/watchdog.h"
#include "scheduler.h"

namespace kata_sched {
namespace {

// A budget of schedules per test is gtest's --gtest_repeat=N: repetition i > 0 runs the schedule
// derived from the seed and i, so each repetition explores another one even with KATA_SEED fixed;
// the seed it prints replays it alone.
int g_iteration = 0;

std::uint64_t derive(std::uint64_t seed, int iteration) {
  if (iteration == 0) return seed;
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(iteration);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) % 1000000000000ULL;
}

std::uint64_t schedule_seed() {
  const char* fixed = std::getenv(kScheduleVariable);
  if (fixed == nullptr || *fixed == '\0') return derive(harness::seed(), g_iteration);
  char* end = nullptr;
  unsigned long long value = std::strtoull(fixed, &end, 10);
  if (*end != '\0') {
    std::fprintf(stderr, "%s=%s: want a non-negative integer\n", kScheduleVariable, fixed);
    std::exit(2);
  }
  return derive(value, g_iteration);
}

// The verdict ends the test the way the watchdog does, naming it, with its own marker.
[[noreturn]] void report_verdict(const std::string& text) {
  harness::abandon_test(text + "  replay: " + kScheduleVariable + "=" +
                            std::to_string(session_seed()) + " " + harness::kSeedVariable + "=" +
                            std::to_string(harness::seed()),
                        "SCHED");
}

class Listener : public ::testing::EmptyTestEventListener {
  void OnTestIterationStart(const ::testing::UnitTest&, int iteration) override {
    if (failed_) {
      // gtest wrote its report of the failing repetition when it ended; more would overwrite it.
      std::printf("[  FAILED  ] stopped after repetition %d, the first that failed\n", iteration);
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(1);
    }
    g_iteration = iteration;
  }
  void OnTestIterationEnd(const ::testing::UnitTest& unit, int) override {
    failed_ = unit.Failed();
  }
  void OnTestStart(const ::testing::TestInfo&) override {
    std::uint64_t seed = schedule_seed();
    std::printf("%s%llu\n", kScheduleMarker, static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    set_verdict_handler(report_verdict);
    traced_ = false;
    begin_session(seed);
  }
  // The schedule that led to a test's first failed assertion, printed under it.
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed() || traced_) return;
    traced_ = true;
    std::string trace = trace_so_far();
    if (trace.empty()) return;
    std::printf("  the schedule up to this failure (schedule %llu):\n%s",
                static_cast<unsigned long long>(session_seed()), trace.c_str());
    std::fflush(stdout);
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    end_session();
    if (info.result()->Failed()) {
      std::printf("  schedule %llu: replay with %s=%llu %s=%llu\n",
                  static_cast<unsigned long long>(session_seed()), kScheduleVariable,
                  static_cast<unsigned long long>(session_seed()), harness::kSeedVariable,
                  static_cast<unsigned long long>(harness::seed()));
    }
  }

  bool traced_ = false;
  bool failed_ = false;
};

}  // namespace

::testing::TestEventListener* make_listener() { return new Listener; }

void apply_budget() {
  if (GTEST_FLAG_GET(repeat) != 1) return;  // the user's --gtest_repeat
  const char* fixed = std::getenv(kScheduleVariable);
  if (fixed != nullptr && *fixed != '\0') return;  // a replay: that one schedule
  int budget = kDefaultBudget;
  if (const char* text = std::getenv(kBudgetVariable); text != nullptr && *text != '\0') {
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < 1 || value > 1000000) {
      std::fprintf(stderr, "%s=%s: want a number of schedules from 1 to 1000000\n", kBudgetVariable,
                   text);
      std::exit(2);
    }
    budget = static_cast<int>(value);
  }
  GTEST_FLAG_SET(repeat, budget);
}

}  // namespace kata_sched
