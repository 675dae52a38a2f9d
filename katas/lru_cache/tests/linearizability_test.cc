// Linearizability (level 3): many short seeded runs (2 to 4 threads, 6 to 16 calls each) on a tiny
// cache, every call recorded with its start and end, and each whole history checked against a
// sequential strict LRU (lru_model.h): there must be one order of the calls, consistent with what
// finished before what started, in which the model gives every call the result it returned. Few
// keys and a capacity of 2 or 3, so hits, misses and evictions all happen in one history. An LRU
// cannot be checked key by key (a put of one key evicts another), so histories stay short. A
// failing history is shrunk to the calls that show the problem and drawn one line per thread
// (harness/lin/report.h); an "unknown" verdict (the checker's step budget ran out) fails too.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "harness/config.h"
#include "harness/lin/checker.h"
#include "harness/lin/history.h"
#include "harness/lin/report.h"
#include "harness/stress.h"
#include "harness/watchdog.h"
#include "lru_model.h"
#include "shape.h"
#include "watched_cache.h"

namespace {

using harness::Worker;
using Key = std::int64_t;

// The cache under test with every call recorded (and watched, through WatchedCache).
class RecordedCache {
 public:
  RecordedCache(std::size_t capacity, int threads) : cache_(capacity), recorder_(threads) {}

  void get(int t, Key k) {
    recorder_.record(t, LruOp::get(k), [&] {
      const auto v = cache_.get(k);
      return LruResult{v.has_value(), v.value_or(0)};
    });
  }
  void put(int t, Key k, std::int64_t v) {
    recorder_.record(t, LruOp::put(k, v), [&] {
      cache_.put(k, v);
      return LruResult{};
    });
  }
  void erase(int t, Key k) {
    recorder_.record(t, LruOp::erase(k), [&] { return LruResult{cache_.erase(k), 0}; });
  }
  void size(int t) {
    recorder_.record(t, LruOp::size(), [&] {
      return LruResult{true, static_cast<std::int64_t>(cache_.size())};
    });
  }

  harness::lin::History<LruOp, LruResult> history() const { return recorder_.history(); }

 private:
  WatchedCache<Key, std::int64_t> cache_;
  harness::lin::Recorder<LruOp, LruResult> recorder_;
};

class Linearizability : public testing::TestWithParam<Shape> {
 protected:
  // Runs many short histories, each by the shape's threads making calls chosen by `call` on a
  // fresh cache; checks each; stops at the first that fails, with its report.
  template <class Call>
  void check_histories(Call call) {
    const Shape shape = GetParam();
    const int runs = harness::scaled(400);
    std::atomic<int> run{0};
    harness::describe_state([&] {
      return "history " + std::to_string(run.load() + 1) + " of " + std::to_string(runs) + ", " +
             std::to_string(calls_.load()) + " calls done in it";
    });
    LruModel model(shape.capacity);
    std::uint64_t max_steps = 0;
    for (int k = 0; k < runs; ++k) {
      run.store(k);
      calls_.store(0);
      RecordedCache cache(shape.capacity, shape.threads);
      std::mt19937_64 rng(harness::seed() * 1000003 + static_cast<std::uint64_t>(k));
      const int ops = static_cast<int>(6 + rng() % 11);
      harness::Crew crew;
      crew.add("worker", shape.threads, [&](Worker& w) {
        for (int i = 0; i < ops; ++i) {
          // Unique values (thread, call), so a get() tells which put it saw.
          call(cache, w, w.index() * 1000 + i + 1);
          calls_.fetch_add(1, std::memory_order_relaxed);
          w.perturb();
        }
      });
      crew.run();
      const auto history = cache.history();
      const auto outcome = harness::lin::check(model, history);
      max_steps = std::max(max_steps, outcome.steps);
      if (outcome.verdict != harness::lin::Verdict::kLinearizable) {
        std::ostringstream context;
        context << "history " << k + 1 << " of " << runs << ", capacity " << shape.capacity
                << ", seed " << harness::seed();
        FAIL() << harness::lin::explain(model, history, outcome, context.str());
      }
    }
    RecordProperty("max_checker_steps", std::to_string(max_steps));
  }

  std::atomic<int> calls_{0};
};

// Level 3: get and put on a few more keys than fit: hits refresh, puts overwrite and evict.
TEST_P(Linearizability, L3_GetPutHistories) {
  check_histories([](RecordedCache& cache, Worker& w, std::int64_t value) {
    const Key key = w.uniform(0, 3);
    if (w.chance(0.5)) {
      cache.get(w.index(), key);
    } else {
      cache.put(w.index(), key, value);
    }
  });
}

// Level 3: every call, erase and size() included.
TEST_P(Linearizability, L3_GetPutEraseSizeHistories) {
  check_histories([](RecordedCache& cache, Worker& w, std::int64_t value) {
    const Key key = w.uniform(0, 3);
    switch (w.uniform(0, 5)) {
      case 0:
      case 1:
        cache.get(w.index(), key);
        break;
      case 2:
      case 3:
        cache.put(w.index(), key, value);
        break;
      case 4:
        cache.erase(w.index(), key);
        break;
      default:
        cache.size(w.index());
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability,
                         testing::Values(Shape{2, 2}, Shape{3, 2}, Shape{4, 3}), shape_name);

}  // namespace
