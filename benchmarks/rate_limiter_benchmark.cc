// rate_limiter: try_acquire() throughput at 1, 2, 4 and 8 threads (the machine may have 2 cores:
// oversubscription is part of the picture), on the real steady clock, in two workloads:
//  - bucket=full:  10^9 permits per second, burst 10^9: the bucket practically never empties, so
//    every call refills and succeeds (the common case of a limiter that is not limiting);
//  - bucket=empty: 1 permit per second, burst 1: after the first call every call is refused (a
//    limiter under attack).
// Same body for every implementation; rows named BM_TryAcquire<impl>/bucket:<0|1>/threads:<n>.
// No installed library has a rate limiter, so there are no peers: the learner, the reference and
// the naive baseline (a mutex-guarded double).
#include <algorithm>
#include <cstdint>

#include "baselines/rate_limiter_naive.h"
#include "support/bench.h"

namespace {

using learner = KATA_LEARNER_NS::RateLimiter;
using reference = bench::Reference<solution::RateLimiter>;
using naive = baseline::NaiveRateLimiter;

constexpr int kCallsPerIteration = 100;

// One limiter per implementation and workload, shared by the benchmark's threads; never destroyed
// (threads of later runs reuse it), which keeps set-up out of the timed loop. Null if the
// implementation's constructor threw (an unfinished kata).
template <class Limiter>
Limiter* shared_limiter(bool full, benchmark::State& state) {
  static Limiter* const limiters[2] = {[] {
                                         try {
                                           return new Limiter(1, 1);
                                         } catch (...) {
                                           return static_cast<Limiter*>(nullptr);
                                         }
                                       }(),
                                       [] {
                                         try {
                                           return new Limiter(1'000'000'000, 1'000'000'000);
                                         } catch (...) {
                                           return static_cast<Limiter*>(nullptr);
                                         }
                                       }()};
  Limiter* limiter = limiters[full ? 1 : 0];
  if (limiter == nullptr) {
    // Construct again, unshared, only to report why.
    bench::guarded(state, [] { Limiter again(1, 1); });
  }
  return limiter;
}

template <class Limiter>
void BM_TryAcquire(benchmark::State& state) {
  Limiter* limiter = shared_limiter<Limiter>(state.range(0) == 1, state);
  if (limiter == nullptr) return;
  std::int64_t granted = 0;
  for (auto _ : state) {
    bool ok = bench::guarded(state, [&] {
      for (int i = 0; i < kCallsPerIteration; ++i) granted += limiter->try_acquire(1) ? 1 : 0;
    });
    if (!ok) break;
  }
  benchmark::DoNotOptimize(granted);
  state.SetItemsProcessed(state.iterations() * kCallsPerIteration);
  state.counters["granted_pct"] = benchmark::Counter(
      100.0 * static_cast<double>(granted) /
          static_cast<double>(std::max<std::int64_t>(1, state.iterations() * kCallsPerIteration)),
      benchmark::Counter::kAvgThreads);
}

void acquire_args(benchmark::internal::Benchmark* b) {
  for (int full : {1, 0}) b->Arg(full);
  b->ArgName("bucket")->ThreadRange(1, 8)->UseRealTime();
}

#define KATA_LIMITER_BENCHMARKS(impl) BENCHMARK_TEMPLATE(BM_TryAcquire, impl)->Apply(acquire_args)

KATA_LIMITER_BENCHMARKS(learner);
KATA_LIMITER_BENCHMARKS(reference);
KATA_LIMITER_BENCHMARKS(naive);

}  // namespace

BENCHMARK_MAIN();
