// Liveness (level 3): lock-free progress. A thread is paused inside the stack's call, inside T's
// move constructor (the item type pauses the thread the test armed, until the test releases it),
// and the test's own push() and pop() must complete meanwhile. A stack that holds a lock across the
// move (or waits for the paused thread in any other way) never lets them: the watchdog then
// reports the paused call, which has been blocked longest, with the hint below.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <set>

#include "harness/background.h"
#include "harness/watchdog.h"
#include "test_items.h"
#include "watched_stack.h"

namespace {

constexpr const char* kPausedHint =
    "the test releases this thread once its own push() and pop() have completed: if they wait "
    "for the paused thread (a lock held across T's move, or a wait for its CAS), nothing moves";

// Pops the stack empty, returning the values.
std::multiset<std::int64_t> drain_values(WatchedStack<PausingItem>& stack) {
  std::multiset<std::int64_t> values;
  while (std::optional<PausingItem> item = stack.pop()) values.insert(item->value());
  return values;
}

TEST(Liveness, L3_PushAndPopCompleteWhileAPushIsPausedInsideTsMove) {
  harness::PauseGate pause;
  WatchedStack<PausingItem> stack;
  stack.push_made([&] { return PausingItem(1, pause); });
  harness::BackgroundOp paused("push() by a thread the test paused inside T's move constructor",
                               kPausedHint, [&] {
                                 pause.arm_this_thread();
                                 stack.push_made([&] { return PausingItem(2, pause); });
                               });
  pause.wait_paused("the armed push() reaching T's move constructor",
                    "push(T value) must move the value into its node");
  stack.push_made([&] { return PausingItem(3, pause); });
  std::optional<PausingItem> top = stack.pop();
  ASSERT_TRUE(top.has_value()) << "pop() with two items pushed and completed";
  std::multiset<std::int64_t> values{top->value()};
  pause.release();
  paused.join();
  values.merge(drain_values(stack));
  EXPECT_EQ(values, (std::multiset<std::int64_t>{1, 2, 3})) << "each item popped exactly once";
}

TEST(Liveness, L3_PushAndPopCompleteWhileAPopIsPausedInsideTsMove) {
  harness::PauseGate pause;
  WatchedStack<PausingItem> stack;
  for (std::int64_t v = 1; v <= 3; ++v) stack.push_made([&] { return PausingItem(v, pause); });
  std::optional<std::int64_t> paused_value;
  harness::BackgroundOp paused("pop() by a thread the test paused inside T's move constructor",
                               kPausedHint, [&] {
                                 pause.arm_this_thread();
                                 std::optional<PausingItem> item = stack.pop();
                                 if (item) paused_value = item->value();
                               });
  pause.wait_paused("the armed pop() reaching T's move constructor",
                    "pop() must move the value out of its node");
  std::optional<PausingItem> top = stack.pop();
  ASSERT_TRUE(top.has_value()) << "pop() with three items pushed, one being popped";
  std::multiset<std::int64_t> values{top->value()};
  stack.push_made([&] { return PausingItem(4, pause); });
  pause.release();
  paused.join();
  ASSERT_TRUE(paused_value.has_value()) << "the paused pop() returned nothing from a full stack";
  values.insert(*paused_value);
  values.merge(drain_values(stack));
  EXPECT_EQ(values, (std::multiset<std::int64_t>{1, 2, 3, 4})) << "each item popped exactly once";
}

}  // namespace
