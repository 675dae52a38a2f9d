// rate_limiter: try_acquire() throughput at 1, 2, 4 and 8 threads (the machine may have 2 cores:
// oversubscription is part of the picture), on the real steady clock, in two workloads:
//  - bucket=full:  10^9 permits per second, burst 10^9: the bucket practically never empties, so
//    every call refills and succeeds (the common case of a limiter that is not limiting);
//  - bucket=empty: 1 permit per second, burst 1: after the first call every call is refused (a
//    limiter under attack).
// Same body for every implementation; rows named BM_TryAcquire<impl>/bucket:<0|1>/iterations:1/
// threads:<n> (one iteration: a fixed window, see kWindow), and BM_TryAcquire<learner,
// reference>/... for the two measured in turns. No installed library has a rate limiter, so there
// are no peers: the learner, the reference and the naive baseline (a mutex-guarded double).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <tuple>

#include "baselines/rate_limiter_naive.h"
#include "support/bench.h"

namespace {

using learner = KATA_LEARNER_NS::RateLimiter;
using reference = bench::Reference<solution::RateLimiter>;
using naive = baseline::NaiveRateLimiter;

constexpr int kCallsPerBatch = 100;

// One limiter per implementation and workload, shared by the benchmark's threads; never destroyed
// (threads of later runs reuse it), which keeps set-up out of the timed loop. Null if the
// implementation's constructor threw (an unfinished kata).
template <class Limiter>
Limiter* shared_limiter(bool full, benchmark::State& state) {
  auto make = [](double permits_per_second, std::int64_t burst) -> Limiter* {
    try {
      return bench::new_isolated<Limiter>(permits_per_second, burst);
    } catch (...) {
      return nullptr;
    }
  };
  static Limiter* const limiters[2] = {make(1, 1), make(1'000'000'000, 1'000'000'000)};
  Limiter* limiter = limiters[full ? 1 : 0];
  if (limiter == nullptr) {
    // Construct again, unshared, only to report why.
    bench::guarded(state, [] { Limiter again(1, 1); });
  }
  return limiter;
}

// Each implementation gets this much wall time a repetition (bench::for_window).
constexpr std::chrono::milliseconds kWindow(50);

// BM_TryAcquire<impl>: one implementation. BM_TryAcquire<learner, reference>: the two taking turns
// in short slices of one window (bench::for_window, bench::register_learner_and_reference).
template <class... Limiters>
void BM_TryAcquire(benchmark::State& state) {
  const bool full = state.range(0) == 1;
  const std::tuple<Limiters*...> limiters{shared_limiter<Limiters>(full, state)...};
  if (std::apply([](auto*... limiter) { return ((limiter == nullptr) || ...); }, limiters)) return;
  std::int64_t granted = 0;
  std::int64_t calls = 0;
  auto batch = [&](auto& limiter) {
    for (int i = 0; i < kCallsPerBatch; ++i) granted += limiter.try_acquire(1) ? 1 : 0;
    calls += kCallsPerBatch;
  };
  std::apply(
      [&](auto*... limiter) {
        bench::for_window(state, kWindow, kCallsPerBatch, batch, *limiter...);
      },
      limiters);
  benchmark::DoNotOptimize(granted);
  state.counters["granted_pct"] = benchmark::Counter(
      100.0 * static_cast<double>(granted) / static_cast<double>(std::max<std::int64_t>(1, calls)),
      benchmark::Counter::kAvgThreads);
}

void acquire_args(benchmark::internal::Benchmark* b) {
  for (int full : {1, 0}) b->Arg(full);
  b->ArgName("bucket")->UseRealTime()->Iterations(1);
}

KATA_LEARNER_AND_REFERENCE(BM_TryAcquire, acquire_args, kUpToCores);
BENCHMARK_TEMPLATE(BM_TryAcquire, naive)->Apply(acquire_args)->Apply(bench::all_thread_counts);

}  // namespace

BENCHMARK_MAIN();
