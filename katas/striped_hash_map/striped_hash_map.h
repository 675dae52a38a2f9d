// KATA: striped_hash_map. Make this class correct and thread-safe. The contract is below; the tests
// are in tests/, the story and the hints in README.md. Run:  ./kata test striped_hash_map
//
// StripedHashMap<K, V, Hash> is a concurrent hash map with lock striping: a fixed number of locks
// ("stripes"), each guarding part of the table, so that calls on keys of different stripes do not
// wait for each other. The table grows as keys are added. Every method may be called from any
// number of threads at once.
//
//   Level 1: get, contains, insert, insert_or_assign, erase, size, stripe_count.
//   Level 2: compute.
//   Level 3: growing the table under load (bucket_count).
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
// The header policy (docs/header_policy.md) is checked before anything is built: standard
// library includes only, everything in namespace kata, no macros, #if, file or process calls.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class K, class V, class Hash = std::hash<K>>
class StripedHashMap {
 public:
  // When no call is running, size() <= kMaxLoadFactor * bucket_count().
  static constexpr std::size_t kMaxLoadFactor = 2;

  // A map with `stripes` locks. Throws std::invalid_argument if stripes is 0.
  // The key `k` belongs to stripe Hash{}(k) % stripe_count(), for the map's whole life: calls on
  // keys of different stripes never wait for each other (unless the table is growing).
  // bucket_count() starts equal to stripe_count().
  explicit StripedHashMap(std::size_t stripes = 16) {
    (void)stripes;
    throw NotImplemented("StripedHashMap::StripedHashMap");
  }

  StripedHashMap(const StripedHashMap&) = delete;
  StripedHashMap& operator=(const StripedHashMap&) = delete;

  // The value of `key`, or std::nullopt if absent.
  std::optional<V> get(const K& key) const {
    (void)key;
    throw NotImplemented("StripedHashMap::get");
  }

  bool contains(const K& key) const {
    (void)key;
    throw NotImplemented("StripedHashMap::contains");
  }

  // Adds key -> value if the key is absent; returns true if it did. A present key keeps its value.
  bool insert(const K& key, V value) {
    (void)key, (void)value;
    throw NotImplemented("StripedHashMap::insert");
  }

  // Sets key -> value; returns true if the key was absent (inserted), false if it was overwritten.
  bool insert_or_assign(const K& key, V value) {
    (void)key, (void)value;
    throw NotImplemented("StripedHashMap::insert_or_assign");
  }

  // Removes `key`; returns true if it was present.
  bool erase(const K& key) {
    (void)key;
    throw NotImplemented("StripedHashMap::erase");
  }

  // Atomically updates `key`: calls fn(std::optional<V> current) exactly once, with the key's
  // current value (std::nullopt if absent), and no other call on `key` can take effect between
  // that read and the write. fn returns the new value, or std::nullopt to remove the key.
  // Returns what fn returned. fn must not call into the map.
  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    (void)key, (void)fn;
    throw NotImplemented("StripedHashMap::compute");
  }

  // The number of keys. Exact when no call is running; otherwise a value it passed through.
  std::size_t size() const { throw NotImplemented("StripedHashMap::size"); }

  // The number of stripes (locks), fixed at construction.
  std::size_t stripe_count() const { throw NotImplemented("StripedHashMap::stripe_count"); }

  // The number of buckets: starts at stripe_count(), only ever doubles, and doubles (as many times
  // as needed) only when an insert makes size() exceed kMaxLoadFactor * bucket_count().
  // Growing must not lose, duplicate or block forever any key or call.
  std::size_t bucket_count() const { throw NotImplemented("StripedHashMap::bucket_count"); }
};

}  // namespace kata
