// The main() of every kata test binary: arms the watchdog around each test and prints the seed of
// each test as it starts, and again under a failed test, so it can be replayed.
#include <dirent.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "harness/config.h"
#include "harness/failure_protocol.h"
#include "harness/level_rule.h"
#include "harness/watchdog.h"
#ifdef KATA_SCHED
#include "listener.h"
#endif

// Sanitizer defaults compiled into the binary, so that a report is always a failing exit code with
// the report in the test's output, whatever environment the grader gives the process.
extern "C" const char* __tsan_default_options() {
  return "halt_on_error=1:exitcode=66:second_deadlock_stack=1";
}
extern "C" const char* __asan_default_options() {
  return "halt_on_error=1:detect_leaks=1:exitcode=67";
}
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

namespace {

class HarnessListener : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo& info) override {
    harness::detail::start_test();
    harness::detail::set_current_test(info.name());
    std::printf("%s%llu\n", harness::kSeedMarker, static_cast<unsigned long long>(harness::seed()));
    std::fflush(stdout);  // a sanitizer's exit does not flush stdout
    harness::detail::arm_watchdog();
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    harness::detail::disarm_watchdog();
    harness::detail::set_current_test("");
    if (info.result()->Failed()) {
      std::printf("  seed %llu: replay with %s=%llu (variant %s)\n",
                  static_cast<unsigned long long>(harness::seed()), harness::kSeedVariable,
                  static_cast<unsigned long long>(harness::seed()), harness::variant());
    }
  }
};

// The threads of this process, as the kernel lists them (0 if it cannot tell).
int threads_running() {
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return 0;
  int count = 0;
  while (const dirent* entry = readdir(tasks)) count += entry->d_name[0] != '.';
  closedir(tasks);
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // A namespace-scope initialiser in the header runs before main(); a thread started there races
  // with the harness from the first test, and in the benchmark can burn the CPU the reference's
  // turns need. Honest code starts its threads in its objects (the skeletons' banner says so), and
  // neither the sanitizers' runtimes nor the harness start any before this point.
  if (const int threads = threads_running(); threads > 1 && !GTEST_FLAG_GET(list_tests)) {
    std::printf(
        "%s: %d threads were running when main() began, 1 expected: the header started "
        "a thread from a namespace-scope initialiser; no test is run\n",
        harness::protocol::kThreadBeforeMain, threads);
    return harness::protocol::kThreadBeforeMainExitCode;
  }
  ::testing::UnitTest::GetInstance()->listeners().Append(new HarnessListener);
#ifdef KATA_SCHED
  // After the harness's: the watchdog thread is started before each test's schedule begins.
  ::testing::UnitTest::GetInstance()->listeners().Append(kata_sched::make_listener());
  kata_sched::apply_budget();
#endif
  return RUN_ALL_TESTS();
}
