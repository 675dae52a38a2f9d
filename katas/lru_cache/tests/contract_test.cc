// Level 1 contract, one thread: which entry an LRU keeps is fully determined by the order of the
// calls. Classic scripts first (each names the rule it checks), then long seeded random sequences
// compared call by call with a model LRU (lru_cache_model.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

#include "harness/config.h"
#include "lru_cache_model.h"
#include "watched_cache.h"

namespace {

using Cache = WatchedCache<std::int64_t, std::string>;

TEST(Contract, L1_CapacityZeroThrows) {
  EXPECT_THROW(Cache(0), std::invalid_argument);
  Cache cache(3);
  EXPECT_EQ(cache.capacity(), 3u);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(Contract, L1_GetFindsWhatPutStored) {
  Cache cache(2);
  EXPECT_EQ(cache.get(1), std::nullopt) << "a new cache must be empty";
  cache.put(1, "one");
  cache.put(2, "two");
  EXPECT_EQ(cache.get(1), "one");
  EXPECT_EQ(cache.get(2), "two");
  EXPECT_EQ(cache.get(3), std::nullopt);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(Contract, L1_EvictsTheLeastRecentlyUsed) {
  Cache cache(3);
  cache.put(1, "one");
  cache.put(2, "two");
  cache.put(3, "three");
  cache.put(4, "four");  // 1 is the least recently used
  EXPECT_EQ(cache.get(1), std::nullopt) << "put into a full cache must evict the least recent (1)";
  EXPECT_EQ(cache.get(3), "three") << "evicted the most recent entry instead of the least";
  EXPECT_EQ(cache.get(2), "two");
  EXPECT_EQ(cache.get(4), "four");
  EXPECT_EQ(cache.size(), 3u);
}

TEST(Contract, L1_GetRefreshesRecency) {
  Cache cache(2);
  cache.put(1, "one");
  cache.put(2, "two");
  ASSERT_EQ(cache.get(1), "one");  // now 2 is the least recent
  cache.put(3, "three");
  EXPECT_EQ(cache.get(2), std::nullopt) << "a hit on 1 must make 1 the most recent, so 2 goes";
  EXPECT_EQ(cache.get(1), "one") << "get(1) did not refresh 1: it was evicted";
  EXPECT_EQ(cache.get(3), "three");
}

TEST(Contract, L1_PutOfAnExistingKeyRefreshesIt) {
  Cache cache(2);
  cache.put(1, "one");
  cache.put(2, "two");
  cache.put(1, "uno");  // overwrite: 1 is now the most recent
  cache.put(3, "three");
  EXPECT_EQ(cache.get(2), std::nullopt) << "overwriting 1 must make it the most recent, so 2 goes";
  EXPECT_EQ(cache.get(1), "uno")
      << "put(1) on an existing key did not refresh it, or lost the value";
}

TEST(Contract, L1_OverwriteDoesNotGrowTheCache) {
  Cache cache(3);
  for (int i = 0; i < 5; ++i) cache.put(7, "v" + std::to_string(i));
  EXPECT_EQ(cache.size(), 1u) << "overwriting one key five times must leave one entry";
  EXPECT_EQ(cache.get(7), "v4");
  cache.put(8, "eight");
  cache.put(9, "nine");
  cache.put(9, "nueve");  // a full cache: overwriting must not evict
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.get(7), "v4") << "overwriting a key in a full cache evicted another entry";
  EXPECT_EQ(cache.get(8), "eight");
  EXPECT_EQ(cache.get(9), "nueve");
}

TEST(Contract, L1_MissDoesNotChangeTheOrder) {
  Cache cache(2);
  cache.put(1, "one");
  cache.put(2, "two");
  EXPECT_EQ(cache.get(42), std::nullopt);
  cache.put(3, "three");
  EXPECT_EQ(cache.get(1), std::nullopt) << "a miss must not change which entry is least recent";
  EXPECT_EQ(cache.get(2), "two");
}

TEST(Contract, L1_EraseRemovesAndFreesASlot) {
  Cache cache(2);
  cache.put(1, "one");
  cache.put(2, "two");
  EXPECT_TRUE(cache.erase(1));
  EXPECT_FALSE(cache.erase(1)) << "erase() of an absent key must return false";
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.get(1), std::nullopt);
  cache.put(3, "three");  // room for it: nothing is evicted
  EXPECT_EQ(cache.get(2), "two") << "after an erase, a put evicted although there was room";
  EXPECT_EQ(cache.get(3), "three");
  EXPECT_EQ(cache.size(), 2u);
}

TEST(Contract, L1_CapacityOne) {
  Cache cache(1);
  cache.put(1, "one");
  cache.put(2, "two");
  EXPECT_EQ(cache.get(1), std::nullopt);
  EXPECT_EQ(cache.get(2), "two");
  cache.put(2, "dos");
  EXPECT_EQ(cache.get(2), "dos");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.erase(2));
  EXPECT_EQ(cache.size(), 0u);
}

// Thousands of seeded random calls per capacity, each compared with the model's answer.
TEST(Contract, L1_RandomCallsMatchAModelLru) {
  std::mt19937_64 rng(harness::seed());
  for (std::size_t capacity : {1u, 2u, 3u, 5u, 8u}) {
    WatchedCache<std::int64_t, std::int64_t> cache(capacity);
    LruModel model(capacity);
    LruModel::State state = model.init();
    const std::int64_t keys = static_cast<std::int64_t>(capacity) * 2 + 1;
    for (int i = 0; i < harness::scaled(20000); ++i) {
      const std::int64_t key = static_cast<std::int64_t>(rng() % keys);
      LruOp op;
      LruResult got;
      switch (rng() % 8) {
        case 0:
          op = LruOp::erase(key);
          got = {cache.erase(key), 0};
          break;
        case 1:
          op = LruOp::size();
          got = {true, static_cast<std::int64_t>(cache.size())};
          break;
        case 2:
        case 3:
        case 4:
          op = LruOp::put(key, i);
          cache.put(key, i);
          break;
        default: {
          op = LruOp::get(key);
          const auto v = cache.get(key);
          got = {v.has_value(), v.value_or(0)};
        }
      }
      auto [next, want] = *model.step(state, op);
      ASSERT_EQ(got, want) << "call " << i << " with capacity " << capacity << ": "
                           << model.describe(op) << " returned " << model.describe(op, got)
                           << ", a strict LRU returns " << model.describe(op, want)
                           << "; the LRU held (most recent first) " << LruModel::show(state);
      state = std::move(next);
    }
  }
}

}  // namespace
