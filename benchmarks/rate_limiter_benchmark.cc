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
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "baselines/rate_limiter_naive.h"
#include "support/bench.h"

namespace {

using learner = KATA_LEARNER_NS::RateLimiter;
using reference = bench::Reference<solution::RateLimiter>;
using naive = baseline::NaiveRateLimiter;

constexpr int kCallsPerBatch = 100;
// The two workloads' limiters: one that never runs dry in a benchmark process, one that grants
// almost nothing.
constexpr double kFullRate = 1'000'000'000;
constexpr std::int64_t kFullBurst = 1'000'000'000;
constexpr double kEmptyRate = 1;
constexpr std::int64_t kEmptyBurst = 1;

// What one limiter granted over its life, from every row and thread that called it, against what
// the contract allows: the full bucket (10^9 permits) cannot run dry within a benchmark process,
// so every call on it succeeds; the empty one (burst 1, 1 permit per second) grants at most
// burst + rate x the seconds since it was made. Each thread adds its counts after its row's loop
// and checks the totals so far: the last to add sees them all.
struct Tally {
  std::int64_t made_ns = bench::now_ns();  // just before the limiter is made: a bound above
  std::atomic<std::int64_t> granted{0};
  std::atomic<std::int64_t> calls{0};
};

// One limiter per implementation and workload, shared by the benchmark's threads; never destroyed
// (threads of later runs reuse it), which keeps set-up out of the timed loop. Null if the
// implementation's constructor threw (an unfinished kata). With its tally.
template <class Limiter>
std::pair<Limiter*, Tally*> shared_limiter(bool full, benchmark::State& state) {
  auto make = [](double permits_per_second, std::int64_t burst) -> std::pair<Limiter*, Tally*> {
    auto* tally = bench::new_isolated<Tally>();
    try {
      return {bench::new_isolated<Limiter>(permits_per_second, burst), tally};
    } catch (...) {
      return {nullptr, tally};
    }
  };
  static const std::pair<Limiter*, Tally*> limiters[2] = {make(kEmptyRate, kEmptyBurst),
                                                          make(kFullRate, kFullBurst)};
  const auto limiter = limiters[full ? 1 : 0];
  if (limiter.first == nullptr) {
    // Construct again, unshared, only to report why.
    bench::guarded(state, [] { Limiter again(1, 1); });
  }
  return limiter;
}

// Adds one thread's counts on a limiter to its tally; false (the row marked) if the tally breaks
// the contract.
bool tally(benchmark::State& state, bool full, Tally& tally, std::int64_t granted,
           std::int64_t calls) {
  if (calls == 0) return true;
  const std::int64_t all_granted = tally.granted += granted;
  tally.calls += calls;
  if (full && granted != calls) {
    bench::contract_broken(state, "a bucket of 10^9 permits refused " +
                                      std::to_string(calls - granted) + " of " +
                                      std::to_string(calls) + " calls");
    return false;
  }
  const double seconds = static_cast<double>(bench::now_ns() - tally.made_ns) * 1e-9;
  const auto allowed = kEmptyBurst + static_cast<std::int64_t>(kEmptyRate * seconds);
  if (!full && all_granted > allowed) {
    bench::contract_broken(state, "a bucket of burst 1 at 1 permit/s granted " +
                                      std::to_string(all_granted) + " permits in " +
                                      std::to_string(seconds) + " s");
    return false;
  }
  return true;
}

// Each implementation gets this much wall time a repetition (bench::for_window).
constexpr std::chrono::milliseconds kWindow(50);

// BM_TryAcquire<impl>: one implementation. BM_TryAcquire<learner, reference>: the two taking turns
// in short slices of one window (bench::for_window, bench::register_learner_and_reference).
template <class... Limiters>
void BM_TryAcquire(benchmark::State& state) {
  const bool full = state.range(0) == 1;
  const std::tuple<std::pair<Limiters*, Tally*>...> limiters{
      shared_limiter<Limiters>(full, state)...};
  if (std::apply([](auto... limiter) { return ((limiter.first == nullptr) || ...); }, limiters)) {
    return;
  }
  // Per limiter: [0] the first's, [1] the second's (in turns).
  std::int64_t granted[2] = {0, 0};
  std::int64_t calls[2] = {0, 0};
  const void* first = std::get<0>(limiters).first;
  auto batch = [&](auto& limiter) {
    const int which = &limiter == first ? 0 : 1;
    std::int64_t got = 0;
    for (int i = 0; i < kCallsPerBatch; ++i) got += limiter.try_acquire(1) ? 1 : 0;
    granted[which] += got;
    calls[which] += kCallsPerBatch;
  };
  std::apply(
      [&](auto... limiter) {
        bench::for_window(state, kWindow, kCallsPerBatch, batch, *limiter.first...);
      },
      limiters);
  if (state.error_occurred()) return;
  const bool kept = std::apply(
      [&](auto... limiter) {
        int which = 0;
        return ([&] {
          const int i = which++;
          return tally(state, full, *limiter.second, granted[i], calls[i]);
        }() && ...);
      },
      limiters);
  if (!kept) return;
  const std::int64_t all_granted = granted[0] + granted[1];
  const std::int64_t all_calls = calls[0] + calls[1];
  benchmark::DoNotOptimize(all_granted);
  state.counters["granted_pct"] =
      benchmark::Counter(100.0 * static_cast<double>(all_granted) /
                             static_cast<double>(std::max<std::int64_t>(1, all_calls)),
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
