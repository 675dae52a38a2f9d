// What every kata benchmark shares: the learner's and the reference's headers side by side, a guard
// that turns an unfinished kata into a "not implemented" row instead of a crash, and latency
// percentiles. One benchmark body per workload, instantiated per implementation with
// BENCHMARK_TEMPLATE, so the learner, the reference, the baselines and the peers run the same code
// in the same process, interleaved (the grader passes --benchmark_enable_random_interleaving).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
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

namespace bench {

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
