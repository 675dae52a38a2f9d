// What a workload draws on: objects on cache lines of their own, pre-drawn key sequences, latency
// percentiles.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace bench {

// An object that starts on a 128-byte boundary (two cache lines: the adjacent-line prefetcher
// pairs them) and shares no line with another. The learner's and the reference's shared objects,
// allocated one after the other, would otherwise sit at offsets that differ, so a field one of
// them has on the same line as a hot one the other has on a line of its own: in rate_limiter's
// rows in turns that made the self-check's "learner" 20% slower in one workload and 25% faster in
// the other, in every run.
template <class T>
struct alignas(128) Isolated {
  template <class... Args>
  explicit Isolated(Args&&... args) : value(std::forward<Args>(args)...) {}
  T value;
};

// A T that lives for the rest of the process, in an Isolated of its own.
template <class T, class... Args>
T* new_isolated(Args&&... args) {
  return &(new Isolated<T>(std::forward<Args>(args)...))->value;
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
