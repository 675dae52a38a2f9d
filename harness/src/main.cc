// The main() of every kata test binary: arms the watchdog around each test and prints the seed of
// each test as it starts, and again under a failed test, so it can be replayed.
#include <gtest/gtest.h>

#include <cstdio>

#include "harness/config.h"
#include "harness/watchdog.h"

// Sanitizer defaults compiled into the binary, so that a report is always a failing exit code with
// the report in the test's output, whatever environment the grader gives the process.
extern "C" const char* __tsan_default_options() {
  return "halt_on_error=1:exitcode=66:second_deadlock_stack=1";
}
extern "C" const char* __asan_default_options() {
  return "halt_on_error=1:detect_leaks=1:exitcode=67";
}
extern "C" const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1";
}

namespace {

class HarnessListener : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override {
    harness::detail::start_test();
    std::printf("%s%llu\n", harness::kSeedMarker, static_cast<unsigned long long>(harness::seed()));
    std::fflush(stdout);  // a sanitizer's exit does not flush stdout
    harness::detail::arm_watchdog();
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    harness::detail::disarm_watchdog();
    if (info.result()->Failed()) {
      std::printf("  seed %llu: replay with %s=%llu (variant %s)\n",
                  static_cast<unsigned long long>(harness::seed()), harness::kSeedVariable,
                  static_cast<unsigned long long>(harness::seed()), harness::variant());
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new HarnessListener);
  return RUN_ALL_TESTS();
}
