// Linearizability: many short seeded runs (3 or 4 threads, 10 to 30 calls each), every call
// recorded with its start and end, and each history checked against a sequential map
// (striped_hash_map_model.h), one key at a time: for each key there must be one order of its calls,
// consistent with what finished before what started, in which a plain one-thread map gives every
// call the result it really returned. Few keys, so calls collide; at level 3 more keys on a map
// with few stripes, so the table grows during the history. A failing history is shrunk to the few
// calls that show the problem and drawn one line per thread (harness/lin/report.h). An "unknown"
// verdict (the checker's step budget ran out) fails the test too.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "harness/lin/history.h"
#include "harness/lin/runner.h"
#include "harness/param_name.h"
#include "harness/stress.h"
#include "striped_hash_map_model.h"
#include "watched_map.h"

namespace {

using harness::Worker;
using Key = std::int64_t;
using Op = HashMapOp;
using Result = HashMapResult;

// The map under test with every call recorded (and watched, through WatchedMap).
class RecordedMap {
 public:
  RecordedMap(std::size_t stripes, int threads) : map_(stripes), recorder_(threads) {}

  void insert(int t, Key k, std::int64_t v) {
    recorder_.record(t, Op::insert(k, v), [&] { return Result{map_.insert(k, v), 0}; });
  }
  void insert_or_assign(int t, Key k, std::int64_t v) {
    recorder_.record(t, Op::insert_or_assign(k, v), [&] {
      return Result{map_.insert_or_assign(k, v), 0};
    });
  }
  void get(int t, Key k) {
    recorder_.record(t, Op::get(k), [&] {
      auto v = map_.get(k);
      return Result{v.has_value(), v.value_or(0)};
    });
  }
  void contains(int t, Key k) {
    recorder_.record(t, Op::contains(k), [&] { return Result{map_.contains(k), 0}; });
  }
  void erase(int t, Key k) {
    recorder_.record(t, Op::erase(k), [&] { return Result{map_.erase(k), 0}; });
  }
  void compute(int t, Key k, std::int64_t add) {
    recorder_.record(t, Op::compute(k, add), [&] {
      auto v = map_.compute(
          k, [add](std::optional<std::int64_t> cur) { return compute_step(cur, add); });
      return Result{v.has_value(), v.value_or(0)};
    });
  }

  harness::lin::History<Op, Result> history() const { return recorder_.history(); }

 private:
  WatchedMap<Key, std::int64_t> map_;
  harness::lin::Recorder<Op, Result> recorder_;
};

struct HistoryShape {
  int threads;
  std::size_t stripes;
};

const auto history_shape_name = harness::name_params(std::pair{"t", &HistoryShape::threads},
                                                     std::pair{"s", &HistoryShape::stripes});

class Linearizability : public testing::TestWithParam<HistoryShape> {
 protected:
  // Runs the seeded series of short histories (harness/lin/runner.h), each by the shape's threads
  // making calls chosen by `call` on a fresh map.
  template <class Call>
  void check_histories(std::size_t stripes, Call call) {
    const int threads = GetParam().threads;
    HashMapModel model;
    const auto make = [&](const harness::lin::SeededRun& run) {
      RecordedMap map(stripes, threads);
      // Unique values (thread, call), so a get() tells which write it saw.
      run.run_workers(threads, [&](Worker& w, int i) { call(map, w, w.index() * 1000 + i + 1); });
      return map.history();
    };
    harness::lin::check_seeded_histories(model, {.runs = 250, .min_calls = 10, .max_calls = 30},
                                         std::to_string(stripes) + " stripes", make);
  }
};

// Level 1: insert, insert_or_assign, get, contains and erase on 4 keys.
TEST_P(Linearizability, L1_InsertGetEraseHistories) {
  check_histories(GetParam().stripes, [](RecordedMap& map, Worker& w, std::int64_t value) {
    const int t = w.index();
    const Key key = w.uniform(0, 3);
    switch (w.uniform(0, 4)) {
      case 0:
        map.insert(t, key, value);
        break;
      case 1:
        map.insert_or_assign(t, key, value);
        break;
      case 2:
        map.get(t, key);
        break;
      case 3:
        map.contains(t, key);
        break;
      default:
        map.erase(t, key);
    }
  });
}

// Level 2: compute() (add, or remove once past a limit) mixed with reads and writes on 3 hot keys.
TEST_P(Linearizability, L2_ComputeHistories) {
  check_histories(GetParam().stripes, [](RecordedMap& map, Worker& w, std::int64_t value) {
    const int t = w.index();
    const Key key = w.uniform(0, 2);
    switch (w.uniform(0, 5)) {
      case 0:
      case 1:
      case 2:
        map.compute(t, key, w.uniform(1, 9));
        break;
      case 3:
        map.get(t, key);
        break;
      case 4:
        map.insert_or_assign(t, key, value % 10);
        break;
      default:
        map.erase(t, key);
    }
  });
}

// Level 3: mostly inserts over 64 keys into a map of few stripes (and as few buckets at first), so
// the table grows several times while other calls run; reads, erases and computes go on throughout.
TEST_P(Linearizability, L3_HistoriesWhileTheTableGrows) {
  check_histories(GetParam().stripes, [](RecordedMap& map, Worker& w, std::int64_t value) {
    const int t = w.index();
    const Key key = w.uniform(0, 63);
    switch (w.uniform(0, 5)) {
      case 0:
      case 1:
        map.insert(t, key, value);
        break;
      case 2:
        map.compute(t, key, w.uniform(1, 9));
        break;
      case 3:
        map.get(t, key);
        break;
      case 4:
        map.contains(t, key);
        break;
      default:
        if (w.chance(0.3)) {
          map.erase(t, key);
        } else {
          map.insert_or_assign(t, key, value);
        }
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Threads, Linearizability,
                         testing::Values(HistoryShape{3, 1}, HistoryShape{3, 2},
                                         HistoryShape{4, 4}),
                         history_shape_name);

}  // namespace
