// Linearizability (level 3): many short seeded runs (2 to 4 threads, 6 to 16 calls each) on a tiny
// cache, every call recorded with its start and end, and each whole history checked against a
// sequential strict LRU (lru_cache_model.h): there must be one order of the calls, consistent with
// what finished before what started, in which the model gives every call the result it returned.
// Few keys and a capacity of 2 or 3, so hits, misses and evictions all happen in one history. An
// LRU cannot be checked key by key (a put of one key evicts another), so histories stay short. A
// failing history is shrunk to the calls that show the problem and drawn one line per thread
// (harness/lin/report.h); an "unknown" verdict (the checker's step budget ran out) fails too.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "harness/lin/history.h"
#include "harness/lin/runner.h"
#include "harness/stress.h"
#include "lru_cache_model.h"
#include "shape.h"
#include "watched_cache.h"

namespace {

using harness::Worker;
using Key = std::int64_t;

// Under the sched variant (docs/schedules.md) the race only these tests see (a get() whose refresh
// comes in a second critical section, the mutant refresh_in_a_second_critical_section) needs the
// scheduler to stop a thread between two critical sections and run a put() there: two histories per
// schedule caught it in 18 of 20 seeds, 16 in 20 of 20 (README). A history costs a few
// milliseconds there.
constexpr harness::lin::Series kSeries{
    .runs = 400, .min_calls = 6, .max_calls = 16, .sched_runs = 10};

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
  // Runs the seeded series of short histories (harness/lin/runner.h), each by the shape's threads
  // making calls chosen by `call` on a fresh cache.
  template <class Call>
  void check_histories(Call call) {
    const Shape shape = GetParam();
    LruModel model(shape.capacity);
    const auto make = [&](const harness::lin::SeededRun& run) {
      RecordedCache cache(shape.capacity, shape.threads);
      // Unique values (thread, call), so a get() tells which put it saw.
      run.run_workers(shape.threads,
                      [&](Worker& w, int i) { call(cache, w, w.index() * 1000 + i + 1); });
      return cache.history();
    };
    harness::lin::check_seeded_histories(model, kSeries,
                                         "capacity " + std::to_string(shape.capacity), make);
  }
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
