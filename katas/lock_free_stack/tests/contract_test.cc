// Contract: what each call returns, one thread at a time, and what the stack's memory looks like
// from outside (the counting allocator of test_allocators.h) when no call is running.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "test_allocators.h"
#include "test_items.h"
#include "watched_stack.h"

namespace {

TEST(Contract, L1_PopOnEmptyReturnsNothing) {
  WatchedStack<std::int64_t> stack;
  EXPECT_EQ(stack.pop(), std::nullopt);
  EXPECT_EQ(stack.pop(), std::nullopt) << "a second pop() on an empty stack";
}

TEST(Contract, L1_PopReturnsTheLastPushed) {
  WatchedStack<std::int64_t> stack;
  stack.push(1);
  stack.push(2);
  stack.push(3);
  EXPECT_EQ(stack.pop(), 3);
  stack.push(4);
  EXPECT_EQ(stack.pop(), 4);
  EXPECT_EQ(stack.pop(), 2);
  EXPECT_EQ(stack.pop(), 1);
  EXPECT_EQ(stack.pop(), std::nullopt) << "every item was popped";
}

TEST(Contract, L1_EmptyTellsWhetherItemsRemain) {
  WatchedStack<std::int64_t> stack;
  EXPECT_TRUE(stack.empty()) << "a new stack";
  stack.push(7);
  EXPECT_FALSE(stack.empty()) << "after one push()";
  stack.push(8);
  EXPECT_EQ(stack.pop(), 8);
  EXPECT_FALSE(stack.empty()) << "one item left";
  EXPECT_EQ(stack.pop(), 7);
  EXPECT_TRUE(stack.empty()) << "after popping every item";
}

TEST(Contract, L1_MoveOnlyItemsWithoutDefaultConstructor) {
  std::atomic<int> live{0};
  {
    WatchedStack<Tracked> stack;
    for (int i = 1; i <= 3; ++i) stack.push(Tracked(i * 10, live));
    for (int i = 3; i >= 1; --i) {
      std::optional<Tracked> item = stack.pop();
      ASSERT_TRUE(item.has_value()) << "pop() with " << i << " items in the stack";
      EXPECT_EQ(item->value(), i * 10);
    }
    EXPECT_FALSE(stack.pop().has_value());
  }
  EXPECT_EQ(live.load(), 0) << "every item made was destroyed";
}

TEST(Contract, L1_DestructorDestroysTheItemsLeft) {
  std::atomic<int> live{0};
  WatchedStack<Tracked> stack;
  for (int i = 0; i < 5; ++i) stack.push(Tracked(i, live));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(stack.pop().has_value());
  EXPECT_EQ(live.load(), 3)
      << "items alive with 3 left in the stack and the 2 popped ones destroyed";
  stack.destroy();
  EXPECT_EQ(live.load(), 0) << "items alive after the destructor: the 3 left must be destroyed";
}

TEST(Contract, L2_NodesComeFromTheAllocator) {
  Ledger ledger;
  WatchedStack<std::int64_t, CountingAllocator<std::int64_t>> stack{
      CountingAllocator<std::int64_t>(ledger)};
  const std::int64_t before = ledger.live.load();
  for (int i = 0; i < 100; ++i) stack.push(i);
  EXPECT_GE(ledger.live.load() - before, 100)
      << "blocks allocated through the allocator for 100 items: one node per item, each from "
         "the allocator given to the constructor (rebound with std::allocator_traits)";
}

TEST(Contract, L2_PoppedNodesAreFreed) {
  Ledger ledger;
  WatchedStack<std::int64_t, CountingAllocator<std::int64_t>> stack{
      CountingAllocator<std::int64_t>(ledger)};
  std::int64_t in_stack = 0;
  for (int round = 0; round < 5000; ++round) {
    stack.push(round);
    stack.push(round);
    in_stack += 2;
    ASSERT_TRUE(stack.pop().has_value());
    --in_stack;
    if (round % 2 == 0) {
      ASSERT_TRUE(stack.pop().has_value());
      --in_stack;
    }
    ASSERT_LE(ledger.live.load(), in_stack + kMaxWaitingNodes)
        << "nodes not freed after " << round + 1 << " rounds, with " << in_stack
        << " items in the stack: are popped nodes ever freed?";
  }
  while (stack.pop().has_value()) {
  }
  EXPECT_LE(ledger.live.load(), kMaxWaitingNodes) << "nodes not freed with the stack empty";
}

TEST(Contract, L2_DestructorFreesEveryNode) {
  Ledger ledger;
  std::atomic<int> live{0};
  {
    WatchedStack<Tracked, CountingAllocator<Tracked>> stack{CountingAllocator<Tracked>(ledger)};
    for (int i = 0; i < 300; ++i) stack.push(Tracked(i, live));
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(stack.pop().has_value());
    ASSERT_GT(ledger.allocated.load(), 0) << "nodes must come from the allocator";
    stack.destroy();
    EXPECT_EQ(ledger.live.load(), 0)
        << "blocks not freed by the destructor, of " << ledger.allocated.load()
        << " allocated (nodes in the stack, and popped ones still awaiting reclamation)";
  }
  EXPECT_EQ(live.load(), 0) << "items not destroyed";
}

}  // namespace
