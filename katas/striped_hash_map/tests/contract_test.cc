// Level 1-3 contract, one thread at a time: what each method returns and leaves behind, checked
// against std::unordered_map as the model, and how the table grows.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "harness/config.h"
#include "watched_map.h"

namespace {

using Key = std::int64_t;

// Every key hashes alike: one stripe, and one bucket however much the table grows.
struct OneBucket {
  std::size_t operator()(Key) const { return 42; }
};

TEST(Contract, L1_ZeroStripesThrows) {
  EXPECT_THROW((WatchedMap<Key, int>(0)), std::invalid_argument);
}

TEST(Contract, L1_StartsEmpty) {
  WatchedMap<Key, int> map(8);
  EXPECT_EQ(map.stripe_count(), 8u);
  EXPECT_EQ(map.size(), 0u);
  EXPECT_FALSE(map.get(1).has_value());
  EXPECT_FALSE(map.contains(1));
  EXPECT_FALSE(map.erase(1));
}

// However many keys come and go (and however much the table grows, if it does), the number of
// stripes is the one the map was made with.
TEST(Contract, L1_StripeCountIsFixedAtConstruction) {
  WatchedMap<Key, int> map(3);
  for (Key k = 0; k < 1000; ++k) {
    ASSERT_TRUE(map.insert(k, static_cast<int>(k)));
    ASSERT_EQ(map.stripe_count(), 3u) << "after " << k + 1 << " keys";
  }
  for (Key k = 0; k < 1000; ++k) ASSERT_TRUE(map.erase(k));
  EXPECT_EQ(map.stripe_count(), 3u);
}

TEST(Contract, L1_InsertKeepsTheFirstValue) {
  WatchedMap<Key, std::string> map(4);
  EXPECT_TRUE(map.insert(7, "seven"));
  EXPECT_FALSE(map.insert(7, "SEVEN")) << "insert() of a present key must return false";
  EXPECT_EQ(map.get(7), "seven") << "insert() of a present key must not change its value";
  EXPECT_TRUE(map.contains(7));
  EXPECT_EQ(map.size(), 1u);
}

TEST(Contract, L1_InsertOrAssignOverwrites) {
  WatchedMap<Key, std::string> map(4);
  EXPECT_TRUE(map.insert_or_assign(3, "a")) << "insert_or_assign() of a new key returns true";
  EXPECT_FALSE(map.insert_or_assign(3, "b")) << "insert_or_assign() of a present key returns false";
  EXPECT_EQ(map.get(3), "b");
  EXPECT_EQ(map.size(), 1u);
}

// Every key in one bucket, so the erased key has neighbours on both sides in its chain.
TEST(Contract, L1_EraseRemovesOnlyThatKey) {
  WatchedMap<Key, int, OneBucket> map(2);
  for (Key k = 0; k < 6; ++k) ASSERT_TRUE(map.insert(k, static_cast<int>(k * 10)));
  EXPECT_TRUE(map.erase(2));
  EXPECT_FALSE(map.erase(2)) << "erase() of an absent key returns false";
  EXPECT_FALSE(map.contains(2));
  for (Key k : {0, 1, 3, 4, 5}) EXPECT_EQ(map.get(k), k * 10) << "key " << k;
  EXPECT_EQ(map.size(), 5u);
}

// Keys of one stripe and one bucket: the chain must tell them apart by equality, not by hash.
TEST(Contract, L1_CollidingKeysStayApart) {
  WatchedMap<Key, int, OneBucket> map(4);
  for (Key k = 0; k < 50; ++k) ASSERT_TRUE(map.insert(k, static_cast<int>(k)));
  for (Key k = 0; k < 50; k += 2) ASSERT_TRUE(map.erase(k));
  for (Key k = 0; k < 50; ++k) {
    if (k % 2) {
      EXPECT_EQ(map.get(k), k);
    } else {
      EXPECT_FALSE(map.contains(k));
    }
  }
  EXPECT_EQ(map.size(), 25u);
}

TEST(Contract, L1_StringKeysWithTheDefaultHash) {
  WatchedMap<std::string, int, std::hash<std::string>> map(16);
  EXPECT_TRUE(map.insert("alpha", 1));
  EXPECT_TRUE(map.insert(std::string(100, 'z'), 2));
  EXPECT_EQ(map.get("alpha"), 1);
  EXPECT_EQ(map.get(std::string(100, 'z')), 2);
  EXPECT_FALSE(map.get("beta").has_value());
}

// Randomised operations, one thread, checked call by call against std::unordered_map: insert,
// insert_or_assign, erase, get, contains (and compute, from level 2 on).
void expect_random_operations_match_unordered_map(bool with_compute) {
  for (std::size_t stripes : {1u, 3u, 16u}) {
    WatchedMap<Key, int> map(stripes);
    std::unordered_map<Key, int> model;
    std::mt19937_64 rng(harness::seed() + stripes);
    const int ops = harness::scaled(20000);
    for (int i = 0; i < ops; ++i) {
      const Key key = static_cast<Key>(rng() % 512);
      const int value = static_cast<int>(rng() % 1000);
      switch (rng() % (with_compute ? 6 : 5)) {
        case 0: {
          bool inserted = model.emplace(key, value).second;
          ASSERT_EQ(map.insert(key, value), inserted) << "insert(" << key << ") at op " << i;
          break;
        }
        case 1: {
          bool inserted = model.insert_or_assign(key, value).second;
          ASSERT_EQ(map.insert_or_assign(key, value), inserted)
              << "insert_or_assign(" << key << ") at op " << i;
          break;
        }
        case 2:
          ASSERT_EQ(map.erase(key), model.erase(key) == 1) << "erase(" << key << ") at op " << i;
          break;
        case 3: {
          auto it = model.find(key);
          std::optional<int> want;
          if (it != model.end()) want = it->second;
          ASSERT_EQ(map.get(key), want) << "get(" << key << ") at op " << i;
          break;
        }
        case 4:
          ASSERT_EQ(map.contains(key), model.count(key) == 1)
              << "contains(" << key << ") at op " << i;
          break;
        default: {
          // compute: add `value` if present and the sum stays small, else remove; insert if absent.
          auto it = model.find(key);
          std::optional<int> want;
          if (it == model.end()) {
            want = value;
          } else if (it->second + value < 1500) {
            want = it->second + value;
          }
          if (want) {
            model[key] = *want;
          } else {
            model.erase(key);
          }
          auto got = map.compute(key, [&](std::optional<int> v) -> std::optional<int> {
            if (!v) return value;
            if (*v + value < 1500) return *v + value;
            return std::nullopt;
          });
          ASSERT_EQ(got, want) << "compute(" << key << ") at op " << i;
        }
      }
      ASSERT_EQ(map.size(), model.size()) << "size() after op " << i;
    }
    for (Key key = 0; key < 512; ++key) {
      auto it = model.find(key);
      ASSERT_EQ(map.get(key), it == model.end() ? std::nullopt : std::optional<int>(it->second))
          << "key " << key << " at the end, " << stripes << " stripes";
    }
  }
}

TEST(Contract, L1_RandomOperationsMatchUnorderedMap) {
  expect_random_operations_match_unordered_map(false);
}

TEST(Contract, L2_RandomOperationsWithComputeMatchUnorderedMap) {
  expect_random_operations_match_unordered_map(true);
}

TEST(Contract, L2_ComputeInsertsUpdatesAndRemoves) {
  WatchedMap<Key, int> map(4);
  int calls = 0;
  auto add_one = [&](std::optional<int> v) -> std::optional<int> {
    ++calls;
    return v.value_or(0) + 1;
  };
  EXPECT_EQ(map.compute(5, add_one), 1) << "compute() on an absent key gets std::nullopt";
  EXPECT_EQ(map.compute(5, add_one), 2);
  EXPECT_EQ(calls, 2) << "compute() must call fn exactly once per call";
  EXPECT_EQ(map.get(5), 2);
  EXPECT_EQ(map.size(), 1u);
  std::optional<int> seen;
  EXPECT_EQ(map.compute(5,
                        [&](std::optional<int> v) -> std::optional<int> {
                          seen = v;
                          return std::nullopt;
                        }),
            std::nullopt);
  EXPECT_EQ(seen, 2) << "fn must be given the current value";
  EXPECT_FALSE(map.contains(5)) << "fn returning std::nullopt removes the key";
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.compute(6, [](std::optional<int>) -> std::optional<int> { return std::nullopt; }),
            std::nullopt);
  EXPECT_FALSE(map.contains(6)) << "fn returning std::nullopt for an absent key inserts nothing";
  EXPECT_EQ(map.size(), 0u);
}

// The table doubles exactly when an insert pushes size() past kMaxLoadFactor * bucket_count(),
// keeps every key through each growth, and never shrinks.
TEST(Contract, L3_GrowsByDoublingAtTheLoadFactor) {
  const std::size_t stripes = 4, lf = WatchedMap<Key, int>::kMaxLoadFactor;
  WatchedMap<Key, int> map(stripes);
  std::size_t buckets = stripes;
  ASSERT_EQ(map.bucket_count(), stripes) << "bucket_count() starts at stripe_count()";
  int growths = 0;
  for (Key k = 0; k < 2000; ++k) {
    // Spread keys so that they do not all share stripes: a multiplicative scramble.
    const Key key = (k * 2654435761) % 1000003;
    if (k % 3 == 2) {
      ASSERT_TRUE(map.compute(key, [](std::optional<int>) -> std::optional<int> { return 1; }));
    } else if (k % 3 == 1) {
      ASSERT_TRUE(map.insert_or_assign(key, 1));
    } else {
      ASSERT_TRUE(map.insert(key, 1));
    }
    const std::size_t size = static_cast<std::size_t>(k + 1);
    if (size > lf * buckets) {
      buckets *= 2;
      ++growths;
    }
    ASSERT_EQ(map.bucket_count(), buckets) << "after " << size << " keys with kMaxLoadFactor " << lf
                                           << ": the table doubles when, and only when, size() "
                                              "exceeds kMaxLoadFactor * bucket_count()";
  }
  EXPECT_GE(growths, 5);
  for (Key k = 0; k < 2000; ++k) {
    ASSERT_TRUE(map.contains((k * 2654435761) % 1000003))
        << "key number " << k << " lost in a growth";
  }
  for (Key k = 0; k < 2000; ++k) ASSERT_TRUE(map.erase((k * 2654435761) % 1000003));
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.bucket_count(), buckets) << "the table never shrinks";
}

}  // namespace
