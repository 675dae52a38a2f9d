// Contract: what each call returns, one thread at a time (level 1): FIFO order, exactly
// `capacity` items fit, a refused item is left untouched, the indices wrap around a ring of any
// size, size_approx() is exact when nothing else runs.
#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "watched_ring.h"

namespace {

TEST(Contract, L1_ZeroCapacityThrows) { EXPECT_THROW(WatchedRing<int>(0), std::invalid_argument); }

TEST(Contract, L1_CapacityIsAsGiven) {
  for (std::size_t capacity : {1, 3, 16, 1000}) {
    WatchedRing<int> ring(capacity);
    EXPECT_EQ(ring.capacity(), capacity);
  }
}

TEST(Contract, L1_TryPopOnEmptyReturnsNothing) {
  WatchedRing<int> ring(4);
  EXPECT_EQ(ring.try_pop(), std::nullopt);
  ASSERT_TRUE(ring.try_push(1));
  EXPECT_EQ(ring.try_pop(), 1);
  EXPECT_EQ(ring.try_pop(), std::nullopt) << "the only item was popped";
}

TEST(Contract, L1_ItemsComeOutInTheOrderPushed) {
  WatchedRing<int> ring(4);
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(ring.try_push(i));
  EXPECT_EQ(ring.try_pop(), 1);
  ASSERT_TRUE(ring.try_push(4));
  ASSERT_TRUE(ring.try_push(5));
  for (int i = 2; i <= 5; ++i) EXPECT_EQ(ring.try_pop(), i);
  EXPECT_EQ(ring.try_pop(), std::nullopt);
}

TEST(Contract, L1_ExactlyCapacityItemsFit) {
  for (std::size_t capacity : {1, 2, 3, 8}) {
    SCOPED_TRACE("capacity " + std::to_string(capacity));
    WatchedRing<int> ring(capacity);
    for (std::size_t i = 0; i < capacity; ++i) {
      ASSERT_TRUE(ring.try_push(static_cast<int>(i)))
          << "try_push() refused item " << i << " of a ring with " << i << " items";
    }
    EXPECT_FALSE(ring.try_push(-1)) << "try_push() accepted an item into a full ring";
    ASSERT_EQ(ring.try_pop(), 0);
    EXPECT_TRUE(ring.try_push(static_cast<int>(capacity))) << "a pop freed a slot";
    EXPECT_FALSE(ring.try_push(-1)) << "full again";
    for (std::size_t i = 1; i <= capacity; ++i) ASSERT_EQ(ring.try_pop(), static_cast<int>(i));
    EXPECT_EQ(ring.try_pop(), std::nullopt) << "the -1s were refused, never stored";
  }
}

// A ring of 3 (not a power of two) lapped 3,000 times, at every fill level: index arithmetic
// that assumes a power of two, or breaks at the wrap, mixes items up.
TEST(Contract, L1_IndicesWrapAroundARingOfAnySize) {
  for (std::size_t capacity : {3, 5, 4}) {
    SCOPED_TRACE("capacity " + std::to_string(capacity));
    WatchedRing<int> ring(capacity);
    int next_in = 0, next_out = 0;
    for (int step = 0; step < 3000 * static_cast<int>(capacity); ++step) {
      // Fill to a level that cycles through 1..capacity, then drain to 0..level-1.
      const int level = 1 + step % static_cast<int>(capacity);
      while (next_in - next_out < level) ASSERT_TRUE(ring.try_push(next_in++));
      const int keep = step % level;
      while (next_in - next_out > keep) {
        ASSERT_EQ(ring.try_pop(), next_out) << "after " << next_out << " items popped";
        ++next_out;
      }
    }
  }
}

TEST(Contract, L1_ARefusedItemIsLeftUntouched) {
  WatchedRing<std::string> ring(1);
  ASSERT_TRUE(ring.try_push(std::string("first")));
  std::string moved(100, 'm');
  EXPECT_FALSE(ring.try_push(std::move(moved)));
  EXPECT_EQ(moved, std::string(100, 'm')) << "try_push(T&&) on a full ring moved from its argument";
  const std::string copied(100, 'c');
  EXPECT_FALSE(ring.try_push(copied));
  EXPECT_EQ(ring.try_pop(), "first");
  EXPECT_EQ(ring.try_pop(), std::nullopt);

  WatchedRing<std::unique_ptr<int>> owners(1);
  ASSERT_TRUE(owners.try_push(std::make_unique<int>(1)));
  auto kept = std::make_unique<int>(2);
  EXPECT_FALSE(owners.try_push(std::move(kept)));
  ASSERT_NE(kept, nullptr) << "try_push(T&&) on a full ring took the pointer it refused";
  EXPECT_EQ(*kept, 2);
}

TEST(Contract, L1_CopiesAndMoveOnlyItems) {
  WatchedRing<std::string> ring(2);
  const std::string source(64, 's');
  ASSERT_TRUE(ring.try_push(source));
  EXPECT_EQ(source, std::string(64, 's')) << "try_push(const T&) changed its argument";
  EXPECT_EQ(ring.try_pop(), source);

  WatchedRing<std::unique_ptr<int>> owners(2);
  ASSERT_TRUE(owners.try_push(std::make_unique<int>(7)));
  std::optional<std::unique_ptr<int>> popped = owners.try_pop();
  ASSERT_TRUE(popped.has_value() && *popped != nullptr);
  EXPECT_EQ(**popped, 7);
}

TEST(Contract, L1_SizeApproxCountsTheItems) {
  WatchedRing<int> ring(3);
  EXPECT_EQ(ring.size_approx(), 0u);
  for (int lap = 0; lap < 4; ++lap) {
    for (std::size_t n = 1; n <= 3; ++n) {
      ASSERT_TRUE(ring.try_push(1));
      EXPECT_EQ(ring.size_approx(), n) << "after " << n << " pushes on lap " << lap;
    }
    for (std::size_t n = 3; n >= 1; --n) {
      ASSERT_TRUE(ring.try_pop().has_value());
      EXPECT_EQ(ring.size_approx(), n - 1) << "after a pop on lap " << lap;
    }
  }
}

}  // namespace
