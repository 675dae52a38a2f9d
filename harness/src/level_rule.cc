#include "harness/level_rule.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace harness {
namespace {

constexpr int kUnknown = -1;

// Written by the test main between tests, read by every call of every test thread: an atomic, so
// that reading it is one relaxed load, no lock that would serialise the threads under test.
// kUnknown until the test main first sets it: in a death test's child process gtest forwards no
// test events, and the level is then read from gtest's current test once.
std::atomic<int> g_level{kUnknown};

std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info == nullptr ? std::string("(no test)")
                         : std::string(info->test_suite_name()) + "." + info->name();
}

}  // namespace

int level_of_test(std::string_view test_name) {
  if (test_name.size() < 3 || test_name[0] != 'L') return 0;
  int level = 0;
  std::size_t i = 1;
  for (; i < test_name.size() && test_name[i] >= '0' && test_name[i] <= '9'; ++i) {
    level = level * 10 + (test_name[i] - '0');
  }
  return i > 1 && i < test_name.size() && test_name[i] == '_' ? level : 0;
}

int current_test_level() {
  int level = g_level.load(std::memory_order_relaxed);
  if (level == kUnknown) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    level = info == nullptr ? 0 : level_of_test(info->name());
    g_level.store(level, std::memory_order_relaxed);
  }
  return level;
}

void check_level(const Method& method) {
  const int level = current_test_level();
  if (level == 0 || method.level <= level) return;
  const std::string test = current_test_name();
  const std::string n = std::to_string(level);
  detail::end_test(kLevelRuleMarker, test,
                   test + " calls " + method.name + " (level " + std::to_string(method.level) +
                       "); a level-" + n + " test may call only methods of level " + n +
                       (level > 1 ? " or lower" : "") +
                       ". This is a bug in the test suite, not in your code.",
                   kLevelRuleExitCode);
}

namespace detail {
void set_current_test(std::string_view test_name) {
  g_level.store(level_of_test(test_name), std::memory_order_relaxed);
}
}  // namespace detail

}  // namespace harness
