// Level 2 under stress: many threads, seeded and perturbed, with exact bookkeeping.
//  - Disjoint keys, room for all: every thread's writes land, with the last value each wrote, and
//    size() is exact once they are done (a lost or duplicated entry shows).
//  - Shared keys, room for far more: puts of one absent key race, and must store it once (size()
//    equals the number of keys present at the end).
//  - Constant eviction: size() is never above capacity(), at any observation by any thread, and
//    ends exactly at capacity(); every value read is one that was written for that key.
//  - Heap values (std::string, longer than the small-string buffer) overwritten and evicted while
//    others read them: every value read is whole, one writer's, never a mix or freed memory (under
//    ThreadSanitizer and AddressSanitizer this is where a reference read outside the lock shows).
//  - One get() racing one put() on a full cache, thousands of times: only two outcomes are right,
//    and which one is fixed by whether the get hit (a level 3 property with an exact answer).
// The shared-keys and constant-eviction tests store values that yield the CPU when moved
// (SlowToMove), so a put() that moves its value between two critical sections lets other threads
// in between, every time. Thread counts and capacities are the test's parameter; counts above the
// core count are there on purpose (oversubscription shakes the schedule on 2 cores).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "harness/config.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "shape.h"
#include "watched_cache.h"

namespace {

using harness::Worker;

// A value that says which key and which write it belongs to, long enough to live on the heap, and
// checkable: "k<key>v<version>:" then a filler letter repeated, the letter and the length derived
// from the key and the version. A torn value (half of one write, half of another) or freed memory
// fails the check.
std::string make_value(std::int64_t key, std::int64_t version) {
  std::string value = "k" + std::to_string(key) + "v" + std::to_string(version) + ":";
  value.append(static_cast<std::size_t>(40 + (key + version) % 24),
               static_cast<char>('a' + (key * 7 + version) % 26));
  return value;
}

// The version a value says it is, or -1 if it is not a whole value written for `key`.
std::int64_t version_of(const std::string& value, std::int64_t key) {
  const std::string prefix = "k" + std::to_string(key) + "v";
  if (value.compare(0, prefix.size(), prefix) != 0) return -1;
  const auto colon = value.find(':', prefix.size());
  if (colon == std::string::npos) return -1;
  std::int64_t version = -1;
  try {
    version = std::stoll(value.substr(prefix.size(), colon - prefix.size()));
  } catch (const std::exception&) {
    return -1;
  }
  return value == make_value(key, version) ? version : -1;
}

class Concurrency : public testing::TestWithParam<Shape> {
 protected:
  void start_bookkeeping() {
    harness::describe_state([this] { return std::to_string(calls_.load()) + " calls returned"; });
  }
  void count_call() { calls_.fetch_add(1, std::memory_order_relaxed); }

  std::atomic<std::int64_t> calls_{0};
};

// Level 2: each thread puts its own keys (room for all of them: no eviction), overwrites them,
// reads them back, and erases every third one. At the end exactly the keys not erased are there,
// each with the last value its thread wrote, and size() says how many.
TEST_P(Concurrency, L2_DisjointKeysAllLandWithTheirLastValue) {
  const Shape shape = GetParam();
  const int per_thread = harness::scaled(400) / shape.threads + 8;
  const std::size_t keys = static_cast<std::size_t>(per_thread) * shape.threads;
  WatchedCache<std::int64_t, std::string> cache(keys);
  start_bookkeeping();
  const auto key_of = [&](int thread, int i) {
    return static_cast<std::int64_t>(i) * shape.threads + thread;  // interleaved across threads
  };

  harness::Crew crew;
  crew.add("writer", shape.threads, [&](Worker& w) {
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < per_thread; ++i) {
        cache.put(key_of(w.index(), i), make_value(key_of(w.index(), i), round));
        count_call();
        w.perturb();
      }
    }
    for (int i = 0; i < per_thread; ++i) {
      const std::int64_t key = key_of(w.index(), i);
      const auto got = cache.get(key);
      count_call();
      if (!got)
        throw harness::WorkerFailed("get(" + std::to_string(key) +
                                    ") lost a key its "
                                    "own thread put (the cache has room for all)");
      if (version_of(*got, key) != 2) {
        throw harness::WorkerFailed("get(" + std::to_string(key) + ") returned \"" + *got +
                                    "\", not the last value this thread put");
      }
      if (i % 3 == 0 && !cache.erase(key)) {
        throw harness::WorkerFailed("erase(" + std::to_string(key) +
                                    ") of a present key "
                                    "returned false");
      }
      w.perturb();
    }
  });
  crew.run();

  std::size_t expected = 0;
  for (int t = 0; t < shape.threads; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      const std::int64_t key = key_of(t, i);
      const auto got = cache.get(key);
      if (i % 3 == 0) {
        ASSERT_FALSE(got.has_value()) << "key " << key << " was erased but is back";
      } else {
        ++expected;
        ASSERT_TRUE(got.has_value()) << "key " << key << " was lost";
        ASSERT_EQ(version_of(*got, key), 2) << "key " << key << " holds \"" << *got << "\"";
      }
    }
  }
  EXPECT_EQ(cache.size(), expected) << "size() disagrees with the keys that are there";
}

// A value whose move gives up the CPU. Whatever a put() does with its value between two critical
// sections (builds the node outside the lock, say), other threads run meanwhile, so a
// check-then-act split across them shows in a few hundred calls instead of one in a hundred
// thousand. Moved under the lock, as a correct put() may do, it only slows the test down.
struct SlowToMove {
  std::string text;

  SlowToMove() = default;
  explicit SlowToMove(std::string t) : text(std::move(t)) {}
  SlowToMove(const SlowToMove&) = default;
  SlowToMove& operator=(const SlowToMove&) = default;
  SlowToMove(SlowToMove&& other) noexcept : text(std::move(other.text)) {
    std::this_thread::yield();
  }
  SlowToMove& operator=(SlowToMove&& other) noexcept {
    text = std::move(other.text);
    std::this_thread::yield();
    return *this;
  }
};

// Level 2: every thread puts, erases and reads the same four keys, in a cache with room for far
// more, so nothing is ever evicted and each key is stored at most once. Two puts of one absent key
// often race (erases keep making keys absent): one must insert and the other overwrite. At the end
// size() must equal the number of keys get() finds: a put that looked the key up in one critical
// section and inserted it in another leaves a second node for it, which size() counts for ever.
TEST_P(Concurrency, L2_RacingPutsOfOneKeyStoreItOnce) {
  const Shape shape = GetParam();
  const int per_thread = harness::scaled(20000) / shape.threads + 1;
  constexpr std::int64_t kKeys = 4;
  constexpr std::size_t kRoom = 1024;  // no eviction, even of duplicates, in any run
  WatchedCache<std::int64_t, SlowToMove> cache(kRoom);
  std::atomic<std::int64_t> next_version{1};
  start_bookkeeping();

  harness::Crew crew;
  crew.add("caller", shape.threads, [&](Worker& w) {
    for (int i = 0; i < per_thread; ++i) {
      const std::int64_t key = w.uniform(0, kKeys - 1);
      switch (w.uniform(0, 3)) {
        case 0:
          (void)cache.erase(key);
          break;
        case 1:
          if (const auto got = cache.get(key); got && version_of(got->text, key) < 0) {
            throw harness::WorkerFailed("get(" + std::to_string(key) + ") returned \"" + got->text +
                                        "\": not a whole value written for that key");
          }
          break;
        default:
          cache.put(key, SlowToMove(make_value(key, next_version.fetch_add(1))));
      }
      count_call();
      if (i % 16 == 0) w.perturb();
    }
  });
  crew.run();

  std::size_t present = 0;
  for (std::int64_t key = 0; key < kKeys; ++key) present += cache.get(key).has_value() ? 1 : 0;
  EXPECT_EQ(cache.size(), present)
      << "size() counts more entries than there are keys: a key was stored twice (did two puts "
         "of one absent key both insert it?)";
}

// Level 2: writers put many more distinct keys than fit, so nearly every put evicts; observers
// call size() all along. No observation may exceed capacity(); at the end the cache is exactly
// full; every hit is a whole value written for that key. The values yield the CPU when moved, so
// a put() that makes room in one critical section and fills it in another, moving the value in
// between, lets other puts take that room first.
TEST_P(Concurrency, L2_SizeNeverAboveCapacityUnderEviction) {
  const Shape shape = GetParam();
  const int per_writer = harness::scaled(3000) / shape.threads + 1;
  WatchedCache<std::int64_t, SlowToMove> cache(shape.capacity);
  std::atomic<int> writers_left{shape.threads};
  start_bookkeeping();

  harness::Crew crew;
  crew.add("writer", shape.threads, [&](Worker& w) {
    for (int i = 0; i < per_writer; ++i) {
      const std::int64_t key = static_cast<std::int64_t>(i) * shape.threads + w.index();
      cache.put(key, SlowToMove(make_value(key, 0)));
      count_call();
      // Read back a recent key of any thread: a hit must be whole.
      const std::int64_t probe = w.uniform(std::max<std::int64_t>(0, key - 16), key);
      if (const auto got = cache.get(probe); got && version_of(got->text, probe) != 0) {
        throw harness::WorkerFailed("get(" + std::to_string(probe) + ") returned \"" + got->text +
                                    "\", which nobody put for that key");
      }
      w.perturb();
    }
    writers_left.fetch_sub(1);
  });
  // Observers watch for as long as any writer runs, and a few times at least: a loaded machine may
  // start them after the writers are done.
  crew.add("observer", 2, [&](Worker& w) {
    for (int i = 0; i < 16 || writers_left.load() > 0; ++i) {
      const std::size_t size = cache.size();
      if (size > shape.capacity) {
        throw harness::WorkerFailed("size() returned " + std::to_string(size) + " with capacity " +
                                    std::to_string(shape.capacity));
      }
      w.perturb();
    }
  });
  crew.run();
  EXPECT_EQ(cache.size(), shape.capacity)
      << "more keys than the capacity were put and none erased: the cache must end full";
}

// Level 2: a few hot keys, overwritten with new versions by writers and pushed out by a stream of
// cold keys, while readers get() the hot keys. Every value read must be whole and one that was
// written for that key: a value copied outside the lock can be freed or half-overwritten by then.
// Readers keep reading until every writer is done (a loaded machine may start the writers late),
// and each writer's last put is of a hot key, which then stays: the test never ends having read
// nothing.
TEST_P(Concurrency, L2_HeapValuesNeverTornOrFreedWhileRead) {
  const Shape shape = GetParam();
  const int per_thread = harness::scaled(20000) / shape.threads + 1;
  constexpr std::int64_t kHotKeys = 4;
  WatchedCache<std::int64_t, std::string> cache(shape.capacity);
  std::atomic<std::int64_t> hits{0};
  std::atomic<std::int64_t> next_version{1};
  std::atomic<int> writers_left{shape.threads};
  start_bookkeeping();

  harness::Crew crew;
  crew.add("writer", shape.threads, [&](Worker& w) {
    for (int i = 0; i < per_thread; ++i) {
      if (i + 1 == per_thread || w.chance(0.5)) {
        const std::int64_t key = w.uniform(0, kHotKeys - 1);
        cache.put(key, make_value(key, next_version.fetch_add(1)));
      } else {  // a cold key: evicts the least recent, often a hot one
        const std::int64_t key = 1000 + w.index() * 1000000 + i;
        cache.put(key, make_value(key, 0));
      }
      count_call();
      w.perturb();
    }
    writers_left.fetch_sub(1);
  });
  crew.add("reader", shape.threads, [&](Worker& w) {
    for (int i = 0; i < per_thread || writers_left.load() > 0; ++i) {
      const std::int64_t key = w.uniform(0, kHotKeys - 1);
      if (const auto got = cache.get(key)) {
        hits.fetch_add(1, std::memory_order_relaxed);
        if (version_of(*got, key) < 0) {
          throw harness::WorkerFailed("get(" + std::to_string(key) + ") returned \"" + *got +
                                      "\": not a whole value written for that key");
        }
      }
      count_call();
      if (i % 16 == 0) w.perturb();  // mostly tight: the race is a few instructions wide
    }
  });
  crew.run();
  EXPECT_GT(hits.load(), 0) << "no reader ever hit: the test checked nothing";
  EXPECT_LE(cache.size(), shape.capacity);
}

// Level 2: a full cache of a few keys that stay (no new key is ever put, so nothing is evicted),
// hit by get() from every thread at once, with some overwrites in between. Every get() must hit,
// with a whole value; at the end every key is still there. A hit moves its entry in the recency
// order: two hits at once must not relink the list at the same time. Nothing but two relinks
// really overlapping shows that (no sanitizer sees inside std::list: README), and on a loaded
// machine two threads run at the same instant only now and then: hence the many calls.
TEST_P(Concurrency, L2_ConcurrentHitsOnAFullCache) {
  const Shape shape = GetParam();
  const int per_thread = harness::scaled(960000) / shape.threads + 1;
  const auto keys = static_cast<std::int64_t>(shape.capacity);
  WatchedCache<std::int64_t, std::string> cache(shape.capacity);
  for (std::int64_t key = 0; key < keys; ++key) cache.put(key, make_value(key, 0));
  std::atomic<std::int64_t> next_version{1};
  start_bookkeeping();

  harness::Crew crew;
  crew.add("reader", shape.threads, [&](Worker& w) {
    for (int i = 0; i < per_thread; ++i) {
      const std::int64_t key = w.uniform(0, keys - 1);
      if (w.chance(0.05)) {
        cache.put(key, make_value(key, next_version.fetch_add(1)));
      } else {
        const auto got = cache.get(key);
        if (!got) {
          throw harness::WorkerFailed("get(" + std::to_string(key) +
                                      ") missed, in a full cache "
                                      "that nothing was ever evicted from");
        }
        if (version_of(*got, key) < 0) {
          throw harness::WorkerFailed("get(" + std::to_string(key) + ") returned \"" + *got +
                                      "\": not a whole value written for that key");
        }
      }
      count_call();
      // Seldom: two hits relinking the list at the same instant is what this test is after.
      if (i % 64 == 0) w.perturb();
    }
  });
  crew.run();
  EXPECT_EQ(cache.size(), shape.capacity);
  for (std::int64_t key = 0; key < keys; ++key) {
    EXPECT_TRUE(cache.get(key).has_value()) << "key " << key << " was lost";
  }
}

// Level 3, one race at a time, with an exact answer. A cache of capacity 2 holds k (the least
// recent) and x; then get(k) and put(y) start at the same instant from two threads. One at a time
// there are two outcomes only: the get first (a hit; k is now the most recent, so the put evicts x:
// {k, y}) or the put first (it evicts k, so the get misses: {x, y}). A hit that ends with x kept
// and k gone is neither: the get's refresh was lost to the put, e.g. because the get refreshed in
// a second critical section, after the put had evicted k. Thousands of rounds, each on its own
// cache, the two calls skewed by a random few nanoseconds so the put lands everywhere in the get.
TEST_P(Concurrency, L3_AHitIsNeverLostToARacingPut) {
  const Shape shape = GetParam();
  const int pairs = std::max(1, shape.threads / 2);
  const int rounds = harness::scaled(20000) / pairs + 1;
  constexpr std::int64_t k = 1, x = 2, y = 3;
  using IntCache = WatchedCache<std::int64_t, std::int64_t>;
  std::vector<std::unique_ptr<IntCache>> caches;
  for (int i = 0; i < pairs * rounds; ++i) {
    caches.push_back(std::make_unique<IntCache>(2));
    caches.back()->put(k, 10);
    caches.back()->put(x, 20);  // k is the least recent
  }
  std::vector<char> hit(caches.size(), 0);
  // One arrival counter per pair: both threads of a pair start round r once it reaches 2 * (r + 1).
  std::vector<std::atomic<std::int64_t>> arrived(static_cast<std::size_t>(pairs));
  std::atomic<bool> abandoned{false};
  start_bookkeeping();

  // A spin, not a condition variable: a wake-up takes far longer than the two calls. It gives up
  // if the partner has failed, so that failure is the one reported.
  const auto meet = [&](int pair, int round) {
    auto& counter = arrived[static_cast<std::size_t>(pair)];
    counter.fetch_add(1);
    for (int spins = 0; counter.load() < 2 * (std::int64_t{round} + 1); ++spins) {
      if (abandoned.load()) throw harness::WorkerFailed("the other thread of the pair failed");
      if (spins > 100) std::this_thread::yield();  // oversubscribed: let the partner run
    }
  };
  const auto skew = [](Worker& w) {
    for (auto spins = w.uniform(0, 150); spins > 0; --spins) {
      std::atomic_signal_fence(std::memory_order_seq_cst);  // keeps the loop from being elided
    }
  };
  const auto guarded = [&](auto body) {
    return [&, body](Worker& w) {
      try {
        body(w);
      } catch (...) {
        abandoned.store(true);
        throw;
      }
    };
  };

  harness::Crew crew;
  crew.add("getter", pairs, guarded([&](Worker& w) {
             for (int r = 0; r < rounds; ++r) {
               const std::size_t i = static_cast<std::size_t>(w.index() * rounds + r);
               meet(w.index(), r);
               skew(w);
               const auto got = caches[i]->get(k);
               count_call();
               if (got && *got != 10) {
                 throw harness::WorkerFailed("get(" + std::to_string(k) + ") returned " +
                                             std::to_string(*got) + "; the value put was 10");
               }
               hit[i] = got.has_value();
             }
           }));
  crew.add("putter", pairs, guarded([&](Worker& w) {
             for (int r = 0; r < rounds; ++r) {
               const std::size_t i = static_cast<std::size_t>(w.index() * rounds + r);
               meet(w.index(), r);
               skew(w);
               caches[i]->put(y, 30);
               count_call();
             }
           }));
  crew.run();

  for (std::size_t i = 0; i < caches.size(); ++i) {
    IntCache& cache = *caches[i];
    const bool has_k = cache.get(k).has_value();
    const bool has_x = cache.get(x).has_value();
    const bool has_y = cache.get(y).has_value();
    const auto held = [&] {
      std::string keys;
      for (auto [key, has] : {std::pair{k, has_k}, std::pair{x, has_x}, std::pair{y, has_y}}) {
        if (has) keys += (keys.empty() ? "" : ", ") + std::to_string(key);
      }
      return "{" + keys + "}";
    };
    ASSERT_TRUE(has_y) << "round " << i << ": put(" << y << ") did not stay; the cache held "
                       << held();
    if (hit[i]) {
      ASSERT_TRUE(has_k && !has_x)
          << "round " << i << ": get(" << k << ") hit, so it made " << k
          << " the most recent and the racing put(" << y << ") had to evict " << x
          << "; the cache held " << held()
          << ": the get's refresh was lost (did it refresh outside its critical section?)";
    } else {
      ASSERT_TRUE(has_x && !has_k)
          << "round " << i << ": get(" << k << ") missed, so put(" << y << ") came first and "
          << "evicted " << k << "; the cache held " << held();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Concurrency,
                         testing::Values(Shape{2, 2}, Shape{2, 16}, Shape{4, 4}, Shape{8, 8}),
                         shape_name);

}  // namespace
