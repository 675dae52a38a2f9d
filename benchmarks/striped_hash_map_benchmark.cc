// striped_hash_map: threads call get / insert_or_assign / erase on one shared map of 16,384 keys
// (half present), read-heavy (90% gets), mixed (50%) or write-heavy (10%), over uniform keys or
// Zipf(0.99)-skewed ones (a few hot keys: every call on a hot key takes the same stripe), at 1, 2,
// 4 and 8 threads (the machine may have 2 cores: oversubscription is part of the picture). Same
// body for every implementation; rows named BM_Map<impl>/read_pct:R/zipf:Z/iterations:1/threads:T
// (one iteration: a fixed window, see kWindow), and BM_Map<learner, reference>/... for the two
// measured in turns.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <tuple>
#include <unordered_map>

#ifdef KATA_HAVE_ABSL
#include <absl/container/flat_hash_map.h>
#endif
#include <vector>

#include "baselines/striped_hash_map_naive.h"
#include "support/bench.h"

#ifdef KATA_HAVE_TBB
#include <tbb/concurrent_hash_map.h>
#endif
#if __has_include(<libcuckoo/cuckoohash_map.hh>)
#include <libcuckoo/cuckoohash_map.hh>
#define KATA_HAVE_LIBCUCKOO
#endif

namespace {

using Key = std::int64_t;
using Value = std::int64_t;
constexpr Key kKeys = 1 << 14;
constexpr std::size_t kStripes = 16;

// Adapters: get, put (insert_or_assign), erase.
template <template <class, class, class> class Map>
struct KataAdapter {
  KataAdapter() : map(kStripes) {}
  std::optional<Value> get(Key k) const { return map.get(k); }
  void put(Key k, Value v) { map.insert_or_assign(k, v); }
  void erase(Key k) { map.erase(k); }
  Map<Key, Value, std::hash<Key>> map;
};
using learner = KataAdapter<KATA_LEARNER_NS::StripedHashMap>;
using reference = bench::Reference<KataAdapter<solution::StripedHashMap>>;

template <class Map>
struct BaselineAdapter {
  std::optional<Value> get(Key k) const { return map.get(k); }
  void put(Key k, Value v) { map.insert_or_assign(k, v); }
  void erase(Key k) { map.erase(k); }
  Map map;
};
using mutex_unordered_map = BaselineAdapter<baseline::LockedMap<Key, Value>>;
using shared_mutex_unordered_map = BaselineAdapter<baseline::SharedLockedMap<Key, Value>>;
#ifdef KATA_HAVE_ABSL
using shared_mutex_flat_hash_map =
    BaselineAdapter<baseline::SharedLockedMap<Key, Value, absl::flat_hash_map<Key, Value>>>;
#endif

#ifdef KATA_HAVE_TBB
struct tbb_concurrent_hash_map {
  using Map = tbb::concurrent_hash_map<Key, Value>;
  std::optional<Value> get(Key k) const {
    Map::const_accessor a;
    if (!map.find(a, k)) return std::nullopt;
    return a->second;
  }
  void put(Key k, Value v) {
    Map::accessor a;
    map.insert(a, k);
    a->second = v;
  }
  void erase(Key k) { map.erase(k); }
  Map map;
};
#endif

#ifdef KATA_HAVE_LIBCUCKOO
struct libcuckoo_map {
  std::optional<Value> get(Key k) const {
    Value v;
    if (!map.find(k, v)) return std::nullopt;
    return v;
  }
  void put(Key k, Value v) { map.insert_or_assign(k, v); }
  void erase(Key k) { map.erase(k); }
  libcuckoo::cuckoohash_map<Key, Value> map;
};
#endif

const std::vector<Key>& keys(bool zipf) {
  static const std::vector<Key> uniform = bench::uniform_keys(kKeys, 1 << 16, 1);
  static const std::vector<Key> skewed = bench::zipf_keys(kKeys, 1 << 16, 2);
  return zipf ? skewed : uniform;
}

// One map per implementation, half full, shared by the benchmark's threads and never destroyed
// (later runs reuse it; puts and erases are balanced, so it stays about half full).
template <class Impl>
struct Filled {
  Filled() {
    for (Key k = 0; k < kKeys; k += 2) impl.put(k, k);
  }
  Impl impl;
};
template <class Impl>
Impl& filled() {
  static bench::Isolated<Filled<Impl>> map;  // bench::Isolated says why
  return map.value.impl;
}

constexpr int kOpsPerBatch = 100;
// Each implementation gets this much wall time a repetition (bench::for_window).
constexpr std::chrono::milliseconds kWindow(50);

// BM_Map<impl>: one implementation. BM_Map<learner, reference>: the two taking turns in short
// slices of one window (bench::for_window, bench::register_learner_and_reference).
template <class... Impls>
void BM_Map(benchmark::State& state) {
  const int read_pct = static_cast<int>(state.range(0));
  const std::vector<Key>& sequence = keys(state.range(1) != 0);
  std::tuple<Impls*...> maps;
  if (!bench::guarded(state, [&] { maps = {&filled<Impls>()...}; })) {
    for (auto _ : state) {
    }
    return;
  }
  std::minstd_rand rng(static_cast<unsigned>(state.thread_index()) + 1);
  std::size_t at = (static_cast<std::size_t>(state.thread_index()) * 7717) % sequence.size();
  std::int64_t sink = 0;
  auto batch = [&](auto& map) {
    for (int i = 0; i < kOpsPerBatch; ++i) {
      const Key key = sequence[at];
      at = at + 1 == sequence.size() ? 0 : at + 1;
      const int dice = static_cast<int>(rng() % 200);
      if (dice < 2 * read_pct) {
        // Every key is only ever put with itself as its value.
        const Value value = map.get(key).value_or(key);
        if (value != key) throw bench::ContractBroken("get(k) returned a value not put under k");
        sink += value;
      } else if (dice % 2 == 0) {
        map.put(key, key);
      } else {
        map.erase(key);
      }
    }
  };
  std::apply([&](auto*... map) { bench::for_window(state, kWindow, kOpsPerBatch, batch, *map...); },
             maps);
  benchmark::DoNotOptimize(sink);
}

void map_args(benchmark::internal::Benchmark* b) {
  for (int read_pct : {90, 50, 10}) {
    for (int zipf : {0, 1}) b->Args({read_pct, zipf});
  }
  b->ArgNames({"read_pct", "zipf"})->UseRealTime()->Iterations(1);
}

#define KATA_MAP_BENCHMARKS(impl) \
  BENCHMARK_TEMPLATE(BM_Map, impl)->Apply(map_args)->Apply(bench::all_thread_counts)

KATA_LEARNER_AND_REFERENCE(BM_Map, map_args, kUpToCores);
KATA_MAP_BENCHMARKS(mutex_unordered_map);
KATA_MAP_BENCHMARKS(shared_mutex_unordered_map);
#ifdef KATA_HAVE_ABSL
KATA_MAP_BENCHMARKS(shared_mutex_flat_hash_map);
#endif
#ifdef KATA_HAVE_TBB
KATA_MAP_BENCHMARKS(tbb_concurrent_hash_map);
#endif
#ifdef KATA_HAVE_LIBCUCKOO
KATA_MAP_BENCHMARKS(libcuckoo_map);
#endif

}  // namespace

BENCHMARK_MAIN();
