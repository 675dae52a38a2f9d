// lru_cache: threads use one shared cache of 1,024 entries the way a cache is used: get(key), and
// on a miss put(key, value) ("cache-aside"). Three key patterns: `hit` (keys from a set smaller
// than the cache: nearly every get hits, every hit moves its entry), `miss` (uniform over 16x the
// capacity: most gets miss and most puts evict) and `zipf` (Zipf(0.99) over 16x the capacity: a
// few hot keys hit, the long tail misses), at 1, 2, 4 and 8 threads (the machine may have 2 cores:
// oversubscription is part of the picture). Each repetition is a 50 ms window (bench::for_window):
// the rows count lookups per second. Rows named BM_Lru<impl>/keys:K/iterations:1/threads:T, K = 0
// hit, 1 miss, 2 zipf, and BM_Lru<learner, reference>/... for the two measured in turns.
#include <cstdint>
#include <optional>
#include <tuple>
#include <vector>

#include "baselines/lru_cache_naive.h"
#include "support/bench.h"

namespace {

using Key = std::int64_t;
using Value = std::int64_t;
constexpr std::size_t kCapacity = 1024;
constexpr int kOpsPerBatch = 64;
constexpr std::chrono::milliseconds kWindow(50);

using learner = KATA_LEARNER_NS::LRUCache<Key, Value>;
using reference = bench::Reference<solution::LRUCache<Key, Value>>;
using mutex_list_map = baseline::LockedLru<Key, Value>;
using sharded_16 = baseline::ShardedLru<Key, Value, 16>;

const std::vector<Key>& keys(int pattern) {
  static const std::vector<Key> hit = bench::uniform_keys(kCapacity * 3 / 4, 1 << 16, 1);
  static const std::vector<Key> miss = bench::uniform_keys(kCapacity * 16, 1 << 16, 2);
  static const std::vector<Key> zipf = bench::zipf_keys(kCapacity * 16, 1 << 16, 3);
  return pattern == 0 ? hit : pattern == 1 ? miss : zipf;
}

// One cache per implementation and key pattern, shared by the benchmark's threads and never
// destroyed (later repetitions reuse it, warm).
template <class Cache>
Cache* shared_cache(int pattern) {
  static Cache* caches[3] = {bench::new_isolated<Cache>(kCapacity),
                             bench::new_isolated<Cache>(kCapacity),
                             bench::new_isolated<Cache>(kCapacity)};
  return caches[pattern];
}

// BM_Lru<impl>: one implementation. BM_Lru<learner, reference>: the two taking turns in short
// slices of one window (bench::for_window, bench::register_learner_and_reference).
template <class... Caches>
void BM_Lru(benchmark::State& state) {
  const int pattern = static_cast<int>(state.range(0));
  const std::vector<Key>& sequence = keys(pattern);
  std::tuple<Caches*...> caches;
  if (!bench::guarded(state, [&] { caches = {shared_cache<Caches>(pattern)...}; })) {
    for (auto _ : state) {
    }
    return;
  }
  std::size_t at = (static_cast<std::size_t>(state.thread_index()) * 7717) % sequence.size();
  std::int64_t sink = 0;
  auto batch = [&](auto& cache) {
    for (int i = 0; i < kOpsPerBatch; ++i) {
      const Key key = sequence[at];
      at = at + 1 == sequence.size() ? 0 : at + 1;
      if (const std::optional<Value> hit = cache.get(key)) {
        // Every key is only ever put with itself as its value.
        if (*hit != key) throw bench::ContractBroken("get(k) returned a value not put under k");
        sink += *hit;
      } else {
        cache.put(key, key);
      }
    }
  };
  std::apply(
      [&](auto*... cache) { bench::for_window(state, kWindow, kOpsPerBatch, batch, *cache...); },
      caches);
  benchmark::DoNotOptimize(sink);
}

void lru_args(benchmark::internal::Benchmark* b) {
  for (int pattern : {0, 1, 2}) b->Arg(pattern);
  b->ArgName("keys")->UseRealTime()->Iterations(1);
}

KATA_LEARNER_AND_REFERENCE(BM_Lru, lru_args, kUpToCores);
BENCHMARK_TEMPLATE(BM_Lru, mutex_list_map)->Apply(lru_args)->Apply(bench::all_thread_counts);
BENCHMARK_TEMPLATE(BM_Lru, sharded_16)->Apply(lru_args)->Apply(bench::all_thread_counts);

}  // namespace

BENCHMARK_MAIN();
