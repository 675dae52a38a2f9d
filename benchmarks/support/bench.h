// What every kata benchmark shares: the learner's and the reference's headers side by side, a guard
// that turns an unfinished kata into a "not implemented" row instead of a crash, and latency
// percentiles. One benchmark body per workload, instantiated per implementation with
// BENCHMARK_TEMPLATE, so the learner, the reference, the baselines and the peers run the same code
// in the same process, interleaved (the grader passes --benchmark_enable_random_interleaving).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "kata/not_implemented.h"

#include KATA_LEARNER_HEADER
#include KATA_REFERENCE_HEADER

// The learner's namespace: `kata`, except in the grader's self-check build, where the "learner" is
// the reference itself (namespace solution) and every ratio should come out at 1.
#ifndef KATA_LEARNER_NS
#define KATA_LEARNER_NS kata
#endif

// The grader's time box for this benchmark, when its workloads need more than the default 15 s to
// pin the learner / reference ratio down (docs/scoring.md, Calibration). At namespace scope in the
// kata's benchmark file: KATA_GRADER_SECONDS(30). The grader reads it from the JSON's context.
#define KATA_GRADER_SECONDS(seconds)                              \
  static const bool kata_grader_seconds_declared = [] {           \
    benchmark::AddCustomContext("kata_grader_seconds", #seconds); \
    return true;                                                  \
  }()

namespace bench {

// The reference's rows run the benchmark body instantiated for a type of their own. In the
// self-check build the learner's class IS the reference's, and without this the two rows would be
// one function: one copy of the code and one set of its function-local statics (the shared map,
// cache or limiter), so each row would start on the state the other left. A learner's rows and the
// reference's never share those in a real grading, and the self-check must measure what a real
// grading measures. Usage: using reference = bench::Reference<Adapter<solution::X>>;
template <class T>
struct Reference : T {
  using T::T;
};

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Runs one measured step; returns false (and marks the row) if the implementation is unfinished or
// threw. Rows of an unfinished kata read "not implemented: <method>".
template <class F>
bool guarded(benchmark::State& state, F&& step) {
  try {
    step();
    return true;
  } catch (const kata::NotImplemented& e) {
    state.SkipWithError((std::string("not implemented: ") + e.what()).c_str());
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("threw: ") + e.what()).c_str());
  }
  return false;
}

// A fixed window of wall time instead of a fixed number of iterations, for workloads whose speed
// depends on the schedule more than on the code: a fair lock at 2+ threads on 2 busy cores runs
// either at futex hand-off speed or, while the other thread is descheduled, 300x faster. Google
// Benchmark sizes its repetitions from one estimation run, so an estimate taken in the fast mode
// made every later repetition take minutes. A window bounds each repetition's time whatever the
// mode, and averages the modes over the window. Register such a benchmark with ->Iterations(1);
// each thread runs `batch` (which does `ops_per_batch` operations and returns false to stop) until
// `window` has passed since it started, and the row reports the operations all threads did.
template <class F>
void for_window(benchmark::State& state, std::chrono::nanoseconds window,
                std::int64_t ops_per_batch, F&& batch) {
  std::int64_t ops = 0;
  for (auto _ : state) {
    const std::int64_t deadline = now_ns() + window.count();
    while (now_ns() < deadline) {
      if (!batch()) return;
      ops += ops_per_batch;
    }
  }
  state.SetItemsProcessed(ops);
}

// Pre-drawn key sequences (drawing a Zipf key costs more than a cache or map call): `count` keys
// in [0, keys), each thread walking the sequence from its own offset.
inline std::vector<std::int64_t> uniform_keys(std::int64_t keys, std::size_t count,
                                              std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> out(count);
  for (auto& k : out) k = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(keys));
  return out;
}

// Zipf(0.99) by inverse CDF over ranks: a few keys are hot. Rank r is scattered to key
// r * 7919 % keys, so the hot keys are not all neighbours (keys must not be a multiple of 7919).
inline std::vector<std::int64_t> zipf_keys(std::int64_t keys, std::size_t count,
                                           std::uint64_t seed) {
  std::vector<double> cdf(static_cast<std::size_t>(keys));
  double sum = 0;
  for (std::size_t r = 0; r < cdf.size(); ++r) {
    cdf[r] = sum += 1.0 / std::pow(static_cast<double>(r + 1), 0.99);
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<std::int64_t> out(count);
  for (auto& k : out) {
    const std::int64_t rank = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
    k = rank * 7919 % keys;
  }
  return out;
}

// Collects latency samples across iterations; reports p50 and p99 as counters (nanoseconds).
class Latencies {
 public:
  void add(std::vector<std::int64_t>& samples) {
    all_.insert(all_.end(), samples.begin(), samples.end());
    samples.clear();
  }
  void report(benchmark::State& state) {
    if (all_.empty()) return;
    std::sort(all_.begin(), all_.end());
    state.counters["p50_ns"] = static_cast<double>(all_[all_.size() / 2]);
    state.counters["p99_ns"] = static_cast<double>(all_[all_.size() * 99 / 100]);
  }

 private:
  std::vector<std::int64_t> all_;
};

}  // namespace bench
