// Level 1-3 contract, one thread at a time: what each method returns and leaves behind.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "harness/watchdog.h"
#include "watched_queue.h"

namespace {

using namespace std::chrono_literals;
using harness::watched;

// An item type with no default constructor: the queue must not need one.
struct Ticket {
  explicit Ticket(int n) : number(n) {}
  int number;
};

TEST(Contract, L1_ZeroCapacityThrows) {
  EXPECT_THROW(WatchedQueue<int>(0), std::invalid_argument);
}

TEST(Contract, L1_CapacityIsAsConstructed) {
  WatchedQueue<int> queue(7);
  EXPECT_EQ(queue.capacity(), 7u);
  EXPECT_EQ(queue.size(), 0u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(queue.push(i));
  EXPECT_EQ(queue.capacity(), 7u) << "capacity() is the capacity given, not the room left";
}

TEST(Contract, L1_FifoOrderAndSize) {
  WatchedQueue<int> queue(5);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(queue.push(i));
    EXPECT_EQ(queue.size(), static_cast<std::size_t>(i + 1));
  }
  for (int i = 0; i < 5; ++i) {
    auto item = watched("pop() on a full queue", "", [&] { return queue.pop(); });
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(*item, i) << "items must come out in the order they went in";
    EXPECT_EQ(queue.size(), static_cast<std::size_t>(4 - i));
  }
}

TEST(Contract, L1_WrapsAroundManyTimes) {
  WatchedQueue<int> queue(3);
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 100; ++round) {
    for (int k = 0; k < 1 + round % 2; ++k) ASSERT_TRUE(queue.push(next_in++));
    while (queue.size() > static_cast<std::size_t>(round % 2)) {
      auto item = queue.pop();
      ASSERT_TRUE(item.has_value());
      ASSERT_EQ(*item, next_out++);
    }
  }
}

TEST(Contract, L1_MoveOnlyItems) {
  WatchedQueue<std::unique_ptr<int>> queue(2);
  ASSERT_TRUE(queue.push(std::make_unique<int>(1)));
  auto second = std::make_unique<int>(2);
  ASSERT_TRUE(queue.push(std::move(second)));
  auto item = queue.pop();
  ASSERT_TRUE(item.has_value() && *item != nullptr);
  EXPECT_EQ(**item, 1);
  item = queue.pop();
  ASSERT_TRUE(item.has_value() && *item != nullptr);
  EXPECT_EQ(**item, 2);
}

TEST(Contract, L1_NoDefaultConstructorNeeded) {
  WatchedQueue<Ticket> queue(2);
  ASSERT_TRUE(queue.push(Ticket(4)));
  const Ticket copy(5);
  ASSERT_TRUE(queue.push(copy));
  EXPECT_EQ(queue.pop()->number, 4);
  EXPECT_EQ(queue.pop()->number, 5);
}

TEST(Contract, L1_HeapItemsSurviveTheQueue) {
  WatchedQueue<std::string> queue(4);
  const std::string big(1000, 'x');
  ASSERT_TRUE(queue.push(big));
  ASSERT_TRUE(queue.push(std::string(2000, 'y')));
  EXPECT_EQ(*queue.pop(), big);
  EXPECT_EQ(*queue.pop(), std::string(2000, 'y'));
}

TEST(Contract, L2_TryPushFailsWhenFullAndKeepsTheItem) {
  WatchedQueue<std::unique_ptr<int>> queue(1);
  ASSERT_TRUE(queue.try_push(std::make_unique<int>(1)));
  auto item = std::make_unique<int>(2);
  EXPECT_FALSE(queue.try_push(std::move(item)));
  ASSERT_NE(item, nullptr) << "try_push() on a full queue must not move from the item";
  EXPECT_EQ(*item, 2);
  EXPECT_EQ(queue.size(), 1u);
}

TEST(Contract, L2_TryPushConstRefWhenFull) {
  WatchedQueue<std::string> queue(1);
  const std::string a = "a", b = "b";
  ASSERT_TRUE(queue.try_push(a));
  EXPECT_FALSE(queue.try_push(b));
  EXPECT_EQ(*queue.try_pop(), "a");
}

TEST(Contract, L2_TryPopOnEmptyReturnsNothing) {
  WatchedQueue<int> queue(2);
  EXPECT_FALSE(queue.try_pop().has_value());
  ASSERT_TRUE(queue.try_push(3));
  EXPECT_EQ(queue.try_pop(), 3);
  EXPECT_FALSE(queue.try_pop().has_value());
}

// The timed operations must wait at least their timeout (the standard clocks never wake early from a
// predicate wait) and give up in reasonable time; the upper bound is loose for a loaded machine.
TEST(Contract, L2_TryPushForTimesOutOnAFullQueue) {
  WatchedQueue<std::unique_ptr<int>> queue(1);
  ASSERT_TRUE(queue.push(std::make_unique<int>(1)));
  auto item = std::make_unique<int>(2);
  auto start = std::chrono::steady_clock::now();
  bool pushed = watched("try_push_for(50 ms) on a full queue", "it must give up after its timeout",
                        [&] { return queue.try_push_for(std::move(item), 50ms); });
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(pushed);
  ASSERT_NE(item, nullptr) << "try_push_for() that times out must not move from the item";
  EXPECT_GE(waited, 50ms) << "try_push_for() returned before its timeout";
  EXPECT_LT(waited, 3s) << "try_push_for(50 ms) took far longer than its timeout";
}

TEST(Contract, L2_TryPopForTimesOutOnAnEmptyQueue) {
  WatchedQueue<int> queue(1);
  auto start = std::chrono::steady_clock::now();
  auto item = watched("try_pop_for(50 ms) on an empty queue", "it must give up after its timeout",
                      [&] { return queue.try_pop_for(50ms); });
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(item.has_value());
  EXPECT_GE(waited, 50ms) << "try_pop_for() returned before its timeout";
  EXPECT_LT(waited, 3s) << "try_pop_for(50 ms) took far longer than its timeout";
}

TEST(Contract, L2_TimedOperationsSucceedAtOnceWhenTheyCan) {
  WatchedQueue<int> queue(1);
  EXPECT_TRUE(watched("try_push_for(1 h) on an empty queue", "there is room: no wait",
                      [&] { return queue.try_push_for(1, std::chrono::hours(1)); }));
  EXPECT_EQ(watched("try_pop_for(1 h) on a non-empty queue", "there is an item: no wait",
                    [&] { return queue.try_pop_for(std::chrono::hours(1)); }),
            1);
}

TEST(Contract, L3_PushAfterCloseFailsAndKeepsTheItem) {
  WatchedQueue<std::unique_ptr<int>> queue(4);
  queue.close();
  EXPECT_TRUE(queue.is_closed());
  auto item = std::make_unique<int>(9);
  EXPECT_FALSE(watched("push() on a closed queue", "it must fail at once",
                       [&] { return queue.push(std::move(item)); }));
  EXPECT_FALSE(queue.try_push(std::move(item)));
  EXPECT_FALSE(watched("try_push_for() on a closed queue", "it must fail at once",
                       [&] { return queue.try_push_for(std::move(item), std::chrono::hours(1)); }));
  ASSERT_NE(item, nullptr) << "a push that fails on a closed queue must not move from the item";
  EXPECT_EQ(queue.size(), 0u);
}

TEST(Contract, L3_CloseDrainsWhatIsLeft) {
  WatchedQueue<int> queue(4);
  ASSERT_TRUE(queue.push(1));
  ASSERT_TRUE(queue.push(2));
  ASSERT_TRUE(queue.push(3));
  queue.close();
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(watched("pop() on a closed queue with items", "", [&] { return queue.pop(); }), 1);
  EXPECT_EQ(queue.try_pop(), 2);
  EXPECT_EQ(watched("try_pop_for() on a closed queue with items", "",
                    [&] { return queue.try_pop_for(std::chrono::hours(1)); }),
            3);
  EXPECT_EQ(watched("pop() on a closed, drained queue", "it must return nullopt at once",
                    [&] { return queue.pop(); }),
            std::nullopt);
  EXPECT_EQ(queue.try_pop(), std::nullopt);
  EXPECT_EQ(watched("try_pop_for(1 h) on a closed, drained queue", "it must return at once",
                    [&] { return queue.try_pop_for(std::chrono::hours(1)); }),
            std::nullopt);
}

TEST(Contract, L3_CloseIsIdempotent) {
  WatchedQueue<int> queue(2);
  EXPECT_FALSE(queue.is_closed());
  ASSERT_TRUE(queue.push(1));
  queue.close();
  queue.close();
  EXPECT_TRUE(queue.is_closed());
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_EQ(watched("pop() on a closed, drained queue", "", [&] { return queue.pop(); }),
            std::nullopt);
}

}  // namespace
