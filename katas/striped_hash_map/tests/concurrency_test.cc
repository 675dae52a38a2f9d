// Stress: many threads, seeded and perturbed, with exact bookkeeping. Disjoint inserts all land and
// size() is exact; same-key compute() increments add up exactly; random inserts and erases on
// shared keys leave exactly the keys the successful calls say; and while the table grows several
// times under load, no key is lost or duplicated, and readers always find what has been inserted.
// Thread counts and stripe counts are the test's parameter; thread counts above the core count are
// there on purpose (oversubscription shakes the schedule on 2 cores).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/config.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_map.h"

namespace {

using harness::Worker;
using Key = std::int64_t;
using Map = WatchedMap<Key, std::int64_t>;

struct Shape {
  int threads;
  std::size_t stripes;
};

const auto shape_name =
    harness::name_params(std::pair{"t", &Shape::threads}, std::pair{"s", &Shape::stripes});

// Values derived from keys, so a reader can tell a right value from a wrong one.
std::int64_t value_of(Key key) { return key * 7 + 3; }

class Concurrency : public testing::TestWithParam<Shape> {
 protected:
  void start_bookkeeping(const char* what) {
    what_ = what;
    harness::describe_state([this] {
      return std::to_string(done_.load()) + " " + what_ + " done, " +
             std::to_string(growths_seen_.load()) + " growths seen";
    });
  }
  void done_one() { done_.fetch_add(1, std::memory_order_relaxed); }

  std::atomic<std::int64_t> done_{0};
  std::atomic<std::int64_t> growths_seen_{0};
  const char* what_ = "calls";
};

// Level 1: every thread inserts its own keys (interleaved across all stripes), then erases every
// third one. Afterwards every kept key is there with its value, no erased one is, size() is exact.
TEST_P(Concurrency, L1_DisjointInsertsAllPresentAndSizeExact) {
  const Shape shape = GetParam();
  const int threads = shape.threads;
  const int per_thread = harness::scaled(8000) / threads + 1;
  Map map(shape.stripes);
  start_bookkeeping("inserts and erases");

  harness::Crew crew;
  crew.add("writer", threads, [&](Worker& w) {
    for (int i = 0; i < per_thread; ++i) {
      const Key key = static_cast<Key>(i) * threads + w.index();
      const bool inserted =
          w.chance(0.5) ? map.insert(key, value_of(key)) : map.insert_or_assign(key, value_of(key));
      ASSERT_TRUE(inserted) << "key " << key << " was new, yet insert said it was present";
      done_one();
      w.perturb();
    }
    for (int i = 0; i < per_thread; i += 3) {
      const Key key = static_cast<Key>(i) * threads + w.index();
      ASSERT_TRUE(map.erase(key)) << "key " << key << " was inserted by this thread, yet is gone";
      done_one();
      w.perturb();
    }
  });
  crew.run();

  std::size_t kept = 0;
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      const Key key = static_cast<Key>(i) * threads + t;
      if (i % 3 == 0) {
        ASSERT_FALSE(map.contains(key)) << "key " << key << " was erased, yet is present";
      } else {
        ASSERT_EQ(map.get(key), value_of(key)) << "key " << key << " of writer " << t;
        ++kept;
      }
    }
  }
  EXPECT_EQ(map.size(), kept) << "size() is not the number of keys: a counter without "
                                 "synchronisation loses updates made under different stripes";
}

// Level 1: all threads insert and erase at random over one shared key range. Each key's successful
// inserts and erases must alternate, so per key, inserts - erases is 0 or 1: exactly whether it is
// present at the end. size() must be that total.
TEST_P(Concurrency, L1_SharedKeysInsertEraseBalance) {
  const Shape shape = GetParam();
  const int ops = harness::scaled(16000) / shape.threads + 1;
  constexpr int kKeys = 64;
  Map map(shape.stripes);
  std::vector<std::atomic<int>> balance(kKeys);
  start_bookkeeping("inserts, erases and reads");

  harness::Crew crew;
  crew.add("worker", shape.threads, [&](Worker& w) {
    for (int i = 0; i < ops; ++i) {
      const Key key = w.uniform(0, kKeys - 1);
      switch (w.uniform(0, 3)) {
        case 0:
          if (map.insert(key, value_of(key))) balance[key].fetch_add(1);
          break;
        case 1:
          if (map.insert_or_assign(key, value_of(key))) balance[key].fetch_add(1);
          break;
        case 2:
          if (map.erase(key)) balance[key].fetch_sub(1);
          break;
        default: {
          auto value = map.get(key);
          if (value) {
            ASSERT_EQ(*value, value_of(key)) << "get(" << key << ") returned a value never stored";
          }
          (void)map.size();
        }
      }
      done_one();
      w.perturb();
    }
  });
  crew.run();

  std::size_t present = 0;
  for (Key key = 0; key < kKeys; ++key) {
    const int b = balance[key].load();
    ASSERT_TRUE(b == 0 || b == 1) << "key " << key << ": " << b
                                  << " more successful inserts than erases (want 0 or 1)";
    ASSERT_EQ(map.contains(key), b == 1) << "key " << key;
    present += static_cast<std::size_t>(b);
  }
  EXPECT_EQ(map.size(), present) << "size() is not the number of keys present";
}

// Level 1: writers overwrite a few keys with rising versions, and publish each version once its
// insert_or_assign() has returned; readers read a published version, then get() the key. A call
// takes effect before it returns, so the get() must find the key (it is never absent), at that
// version or a later one: an older value, or none, is a write seen out of its real-time order.
TEST_P(Concurrency, L1_AGetSeesEveryWriteThatReturnedBeforeIt) {
  const Shape shape = GetParam();
  constexpr int kKeys = 4;
  const int writers = std::max(1, shape.threads / 2);
  const int readers = std::max(1, shape.threads - writers);
  const int versions = harness::scaled(16000);
  Map map(shape.stripes);
  for (Key key = 0; key < kKeys; ++key) ASSERT_TRUE(map.insert(key, 0));
  std::vector<std::atomic<std::int64_t>> published(kKeys);  // the last version whose write returned
  std::atomic<int> writers_left{writers};
  start_bookkeeping("versions written");

  harness::Crew crew;
  crew.add("writer", writers, [&](Worker& w) {
    // Each key has one writer, so its versions rise.
    for (std::int64_t version = 1; version <= versions; ++version) {
      for (Key key = w.index(); key < kKeys; key += writers) {
        map.insert_or_assign(key, version);
        published[key].store(version, std::memory_order_release);
      }
      done_one();
      w.perturb();
    }
    writers_left.fetch_sub(1);
  });
  crew.add("reader", readers, [&](Worker& w) {
    while (writers_left.load() > 0) {
      const Key key = w.uniform(0, kKeys - 1);
      const std::int64_t seen = published[key].load(std::memory_order_acquire);
      const std::optional<std::int64_t> got = map.get(key);
      ASSERT_TRUE(got.has_value()) << "key " << key << " is present all along (only overwritten), "
                                   << "yet get() did not find it";
      ASSERT_GE(*got, seen) << "get(" << key << ") returned version " << *got << " although the "
                            << "insert_or_assign() of version " << seen
                            << " had returned before the get() started";
      w.perturb();
    }
  });
  crew.run();
}

// Level 2: every thread adds 1 to the same few hot keys with compute(). The totals must be exact:
// a read, then a separate write, loses increments.
TEST_P(Concurrency, L2_SameKeyComputeIncrementsAddUpExactly) {
  const Shape shape = GetParam();
  const int per_thread = harness::scaled(10000) / shape.threads + 1;
  constexpr int kHotKeys = 3;
  Map map(shape.stripes);
  std::vector<std::atomic<std::int64_t>> added(kHotKeys);
  start_bookkeeping("increments");

  harness::Crew crew;
  crew.add("incrementer", shape.threads, [&](Worker& w) {
    for (int i = 0; i < per_thread; ++i) {
      const Key key = w.uniform(0, kHotKeys - 1);
      // Sometimes fn yields: that widens the window between a read and a separate write.
      const bool yield_inside = w.chance(0.25);
      auto after =
          map.compute(key, [&](std::optional<std::int64_t> v) -> std::optional<std::int64_t> {
            if (yield_inside) std::this_thread::yield();
            return v.value_or(0) + 1;
          });
      ASSERT_TRUE(after.has_value() && *after >= 1) << "compute() returned what fn did not";
      added[key].fetch_add(1, std::memory_order_relaxed);
      done_one();
      w.perturb();
    }
  });
  crew.run();

  for (Key key = 0; key < kHotKeys; ++key) {
    EXPECT_EQ(map.get(key).value_or(0), added[key].load())
        << "key " << key << ": increments were lost (compute() must read and write atomically)";
  }
  EXPECT_EQ(map.size(), static_cast<std::size_t>(kHotKeys));
}

// Level 3: the table grows several times while writers insert (by insert, insert_or_assign and
// compute) and readers look up keys already inserted. A reader must always find a key whose insert
// has returned, with its value; at the end every key is there exactly once (erasing it once leaves
// it absent), size() is exact, the table grew, and the load factor bound holds now the map is idle.
// Many short rounds on fresh small maps: each round is several growths with threads racing into
// them.
TEST_P(Concurrency, L3_ResizeUnderLoadLosesNothing) {
  const Shape shape = GetParam();
  const int writers = std::max(1, shape.threads - 1);
  const int rounds = std::max(2, harness::scaled(40));
  const int per_writer = 2000 / writers + 1;
  start_bookkeeping("inserts");

  for (int round = 0; round < rounds; ++round) {
    Map map(shape.stripes);
    // progress[t]: how many keys writer t has inserted (released after each insert returns).
    std::vector<std::atomic<int>> progress(writers);
    std::atomic<int> writers_left{writers};

    harness::Crew crew;
    crew.add("writer", writers, [&](Worker& w) {
      for (int i = 0; i < per_writer; ++i) {
        const Key key = static_cast<Key>(i) * writers + w.index();
        bool inserted = false;
        switch (w.uniform(0, 2)) {
          case 0:
            inserted = map.insert(key, value_of(key));
            break;
          case 1:
            inserted = map.insert_or_assign(key, value_of(key));
            break;
          default:
            inserted =
                map.compute(key, [&](std::optional<std::int64_t> v) -> std::optional<std::int64_t> {
                  return v ? *v : value_of(key);
                }) == value_of(key);
        }
        ASSERT_TRUE(inserted) << "key " << key << " was new";
        progress[w.index()].store(i + 1, std::memory_order_release);
        done_one();
        if (w.chance(0.3)) w.perturb();
      }
      writers_left.fetch_sub(1);
    });
    crew.add("reader", 1, [&](Worker& w) {
      while (writers_left.load() > 0) {
        const int t = static_cast<int>(w.uniform(0, writers - 1));
        const int n = progress[t].load(std::memory_order_acquire);
        if (n > 0) {
          const Key key = static_cast<Key>(w.uniform(0, n - 1)) * writers + t;
          ASSERT_EQ(map.get(key), value_of(key))
              << "key " << key << " was inserted (its insert returned) but a reader did not find "
              << "it while the table was growing (" << n << " keys of writer " << t << " inserted)";
        }
        w.perturb();
      }
    });
    crew.run();

    const std::size_t total = static_cast<std::size_t>(per_writer) * writers;
    ASSERT_EQ(map.size(), total) << "round " << round;
    const std::size_t buckets = map.bucket_count();
    ASSERT_GE(buckets, shape.stripes * 8) << "2000 keys from " << shape.stripes
                                          << " buckets: the table must have grown several times";
    ASSERT_LE(total, Map::kMaxLoadFactor * buckets)
        << "the load factor bound does not hold with the map idle: " << total << " keys in "
        << buckets << " buckets";
    growths_seen_.fetch_add(1);
    for (Key key = 0; key < static_cast<Key>(total); ++key) {
      ASSERT_EQ(map.get(key), value_of(key)) << "key " << key << " lost in round " << round;
      ASSERT_TRUE(map.erase(key));
      ASSERT_FALSE(map.contains(key)) << "key " << key << " was in the table twice";
    }
    ASSERT_EQ(map.size(), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(Shape{2, 1}, Shape{2, 2}, Shape{4, 4}, Shape{8, 2},
                                         Shape{8, 16}),
                         shape_name);

}  // namespace
