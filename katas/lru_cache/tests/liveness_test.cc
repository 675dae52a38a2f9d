// Liveness: every call returns. Threads make a random mix of every call on a small cache for a
// while; each counts its calls, and all must be done at the end. A lock taken twice or left held
// on some path (an early return, an exception) stops every thread: the watchdog names the call
// that did not return, and the calls made before it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "harness/config.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "watched_cache.h"

namespace {

using harness::Worker;

class Liveness : public testing::TestWithParam<int> {};

TEST_P(Liveness, L2_EveryCallReturns) {
  const int threads = GetParam();
  const int per_thread = harness::scaled(4000) / threads + 1;
  WatchedCache<std::int64_t, std::int64_t> cache(4);
  std::atomic<std::int64_t> calls{0};
  harness::describe_state([&] { return std::to_string(calls.load()) + " calls returned"; });

  harness::Crew crew;
  crew.add("caller", threads, [&](Worker& w) {
    for (int i = 0; i < per_thread; ++i) {
      const std::int64_t key = w.uniform(0, 7);  // hits, misses and evictions, all paths
      switch (w.uniform(0, 3)) {
        case 0:
          cache.put(key, i);
          break;
        case 1:
          (void)cache.get(key);
          break;
        case 2:
          (void)cache.erase(key);
          break;
        default:
          (void)cache.size();
      }
      calls.fetch_add(1, std::memory_order_relaxed);
      w.perturb();
    }
  });
  crew.run();
  EXPECT_EQ(calls.load(), std::int64_t{per_thread} * threads);
  EXPECT_LE(cache.size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Threads, Liveness, testing::Values(1, 2, 4, 8),
                         [](const testing::TestParamInfo<int>& info) {
                           return "t" + std::to_string(info.param);
                         });

}  // namespace
