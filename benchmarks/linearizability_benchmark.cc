// How fast the linearizability checker (harness/lin/) decides, on histories recorded from real
// threads (not synthetic ones): a bounded queue (4 threads x 100 calls: the size the kata's tests
// use, and larger) and a key-value map of 100,000 calls, checked with key partitioning.
// Results are in docs/linearizability.md. Not a test: run it by hand,
//   ninja -C build linearizability_benchmark && build/benchmarks/linearizability_benchmark
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "harness/lin/checker.h"
#include "harness/lin/history.h"
#include "harness/lin/map_model.h"
#include "harness/lin/queue_model.h"
#include "harness/lin/report.h"
#include "solutions/bounded_queue/bounded_queue.h"

namespace {

using namespace harness::lin;
using QueueHistory = History<QueueOp, QueueResult>;

// Half the threads produce, half consume (every flavour of call, as in the kata's L2 test), on the
// reference queue; `ops` calls per thread.
QueueHistory record_queue(int threads, int ops, std::size_t capacity, std::uint64_t seed) {
  solution::BoundedQueue<std::int64_t> queue(capacity);
  Recorder<QueueOp, QueueResult> recorder(threads);
  const int producers = threads / 2, consumers = threads - producers;
  std::vector<std::thread> crew;
  for (int t = 0; t < threads; ++t) {
    crew.emplace_back([&, t] {
      std::mt19937_64 rng(seed * 31 + static_cast<std::uint64_t>(t));
      if (t < producers) {
        for (int s = 0; s < ops; ++s) {
          std::int64_t item = t * 100000 + s + 1;
          bool ok = false;
          switch (rng() % 3) {
            case 0:
              ok = recorder
                       .record(t, QueueOp::try_push(item),
                               [&] { return QueueResult::of(queue.try_push(std::int64_t{item})); })
                       .ok;
              break;
            case 1:
              ok =
                  recorder
                      .record(t, QueueOp::try_push_for(item),
                              [&] {
                                return QueueResult::of(queue.try_push_for(
                                    std::int64_t{item}, std::chrono::microseconds(rng() % 2 * 20)));
                              })
                      .ok;
              break;
            default:
              break;
          }
          if (!ok)
            recorder.record(t, QueueOp::push(item),
                            [&] { return QueueResult::of(queue.push(std::int64_t{item})); });
          if (rng() % 10 == 0)
            recorder.record(t, QueueOp::size(), [&] { return QueueResult::of_size(queue.size()); });
        }
      } else {
        const int total = producers * ops, c = t - producers;
        const int quota = total / consumers + (c < total % consumers ? 1 : 0);
        for (int k = 0; k < quota; ++k) {
          bool ok = false;
          switch (rng() % 3) {
            case 0:
              ok = recorder
                       .record(t, QueueOp::try_pop(),
                               [&] { return QueueResult::of(queue.try_pop()); })
                       .ok;
              break;
            case 1:
              ok = recorder
                       .record(t, QueueOp::try_pop_for(),
                               [&] {
                                 return QueueResult::of(
                                     queue.try_pop_for(std::chrono::microseconds(rng() % 2 * 20)));
                               })
                       .ok;
              break;
            default:
              break;
          }
          if (!ok) recorder.record(t, QueueOp::pop(), [&] { return QueueResult::of(queue.pop()); });
        }
      }
    });
  }
  for (auto& th : crew) th.join();
  return recorder.history();
}

// The same history with two pops' items swapped, so that one pop returns an item whose push had
// not even started when that pop returned: certainly not linearizable, and the checker must
// exhaust every order before the point to say so (the slow case). A buggy queue gives such
// histories.
QueueHistory break_history(QueueHistory h) {
  std::map<std::int64_t, std::uint64_t> push_call;
  for (const auto& e : h) {
    if (e.op.is_push() && e.result.ok) push_call[e.op.item] = e.call;
  }
  for (std::size_t p = h.size() / 3; p < h.size(); ++p) {
    if (!h[p].op.is_pop() || !h[p].result.ok) continue;
    for (std::size_t q = p + 1; q < h.size(); ++q) {
      if (h[q].op.is_pop() && h[q].result.ok && push_call[h[q].result.value] > h[p].ret) {
        std::swap(h[p].result, h[q].result);
        return h;
      }
    }
  }
  throw std::logic_error("no pair of pops to swap");
}

std::vector<QueueHistory> queue_histories(int threads, int ops, bool broken) {
  std::vector<QueueHistory> all;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    auto h = record_queue(threads, ops, 4, seed);
    all.push_back(broken ? break_history(std::move(h)) : std::move(h));
  }
  return all;
}

void BM_QueueHistory(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0)), ops = static_cast<int>(state.range(1));
  const bool broken = state.range(2) != 0;
  auto histories = queue_histories(threads, ops, broken);
  QueueModel model(4);
  std::size_t k = 0, calls = 0;
  std::uint64_t steps = 0;
  for (auto _ : state) {
    const auto& h = histories[k++ % histories.size()];
    auto outcome = check(model, h);
    if ((outcome.verdict == Verdict::kLinearizable) == broken) state.SkipWithError("wrong verdict");
    calls += h.size();
    steps += outcome.steps;
    benchmark::DoNotOptimize(outcome);
  }
  state.counters["calls/history"] =
      static_cast<double>(calls) / static_cast<double>(state.iterations());
  state.counters["steps/history"] =
      static_cast<double>(steps) / static_cast<double>(state.iterations());
}
// threads, calls per thread (producers push that many items; consumers pop them all), broken?
BENCHMARK(BM_QueueHistory)
    ->ArgNames({"threads", "ops", "broken"})
    ->Args({4, 25, 0})
    ->Args({4, 100, 0})
    ->Args({4, 100, 1})
    ->Args({8, 100, 0})
    ->Unit(benchmark::kMillisecond);

// Shrinking and drawing the report of a broken 4 x 100 history (what a failing test prints).
void BM_QueueReport(benchmark::State& state) {
  auto histories = queue_histories(4, 100, true);
  QueueModel model(4);
  std::size_t k = 0;
  for (auto _ : state) {
    const auto& h = histories[k++ % histories.size()];
    auto text = explain(model, h, check(model, h), "benchmark");
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_QueueReport)->Unit(benchmark::kMillisecond);

// A map hammered by 8 threads (put / get / erase on `keys` keys), 100,000 calls in all.
History<MapOp, MapResult> record_map(int keys, std::uint64_t seed) {
  constexpr int kThreads = 8, kCalls = 100000;
  std::mutex mutex;
  std::unordered_map<std::int64_t, std::int64_t> map;
  Recorder<MapOp, MapResult> recorder(kThreads);
  std::vector<std::thread> crew;
  for (int t = 0; t < kThreads; ++t) {
    crew.emplace_back([&, t] {
      std::mt19937_64 rng(seed * 131 + static_cast<std::uint64_t>(t));
      for (int i = 0; i < kCalls / kThreads; ++i) {
        std::int64_t key = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(keys));
        switch (rng() % 3) {
          case 0: {
            std::int64_t value = t * 1000000 + i;
            recorder.record(t, MapOp::put(key, value), [&] {
              std::lock_guard lock(mutex);
              return MapResult{map.insert_or_assign(key, value).second, 0};
            });
            break;
          }
          case 1:
            recorder.record(t, MapOp::get(key), [&] {
              std::lock_guard lock(mutex);
              auto it = map.find(key);
              return it == map.end() ? MapResult{false, 0} : MapResult{true, it->second};
            });
            break;
          default:
            recorder.record(t, MapOp::erase(key), [&] {
              std::lock_guard lock(mutex);
              return MapResult{map.erase(key) > 0, 0};
            });
        }
      }
    });
  }
  for (auto& th : crew) th.join();
  return recorder.history();
}

void BM_MapHistory100k(benchmark::State& state) {
  auto history = record_map(static_cast<int>(state.range(0)), 1);
  MapModel model;
  for (auto _ : state) {
    auto outcome = check(model, history);
    if (outcome.verdict != Verdict::kLinearizable) state.SkipWithError("wrong verdict");
    benchmark::DoNotOptimize(outcome);
  }
  state.counters["calls"] = static_cast<double>(history.size());
}
BENCHMARK(BM_MapHistory100k)->ArgName("keys")->Arg(1000)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
