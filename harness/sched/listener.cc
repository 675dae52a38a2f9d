#include "listener.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// The running test's full name, kept as it starts: a failure is reported with gtest's own mutex
// held, so current_test_info() cannot be asked then.
char g_test[512] = "(no test)";

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
                        harness::protocol::kSched);
}

// A crash in a test thread (a corrupted list followed to freed memory, a double free) is the
// interleaving's doing as much as a failed assertion: it is reported as a verdict, with the replay
// line and then the steps that led to it. The heap may be what is corrupted, so the verdict line
// is written first without allocating; a second fault while the trace is rendered ends the process
// with the signal, after it.
void on_crash(int signal) {
  std::signal(signal, SIG_DFL);
  const long step = stop_for_crash();
  if (step < 0) {
    std::raise(signal);
    return;
  }
  const auto schedule = static_cast<unsigned long long>(session_seed());
  char line[1024];
  int n = std::snprintf(line, sizeof line,
                        "\n%s: %s: the process crashed (signal %d, %s) at step %ld (schedule "
                        "%llu)\n  replay: %s=%llu %s=%llu\n",
                        harness::protocol::kSched, g_test, signal, sigabbrev_np(signal), step,
                        schedule, kScheduleVariable, schedule, harness::kSeedVariable,
                        static_cast<unsigned long long>(harness::seed()));
  std::fflush(stdout);
  if (n > 0) (void)!::write(STDERR_FILENO, line, std::min<std::size_t>(n, sizeof line - 1));
  std::string trace = stopped_trace();
  std::fprintf(stderr, "%s", trace.c_str());
  std::fflush(stderr);
  std::printf("[  FAILED  ] %s (SCHED)\n", g_test);
  std::fflush(stdout);
  std::_Exit(harness::kWatchdogExitCode);
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
  void OnTestStart(const ::testing::TestInfo& info) override {
    std::snprintf(g_test, sizeof g_test, "%s.%s", info.test_suite_name(), info.name());
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
    if (GTEST_FLAG_GET(fail_fast) && self() != nullptr) {
      // Nothing after this failure will be reported, and the test's threads would go on with what
      // the failure found broken (a list with a cycle, a node freed twice) until the watchdog or a
      // crash ends them. One thread runs at a time: stop here, the failure and its schedule said.
      std::printf("  replay: %s=%llu %s=%llu\n[  FAILED  ] %s (first failure, fail-fast)\n",
                  kScheduleVariable, static_cast<unsigned long long>(session_seed()),
                  harness::kSeedVariable, static_cast<unsigned long long>(harness::seed()), g_test);
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(1);
    }
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

::testing::TestEventListener* make_listener() {
  for (int signal : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(signal, on_crash);
  return new Listener;
}

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
