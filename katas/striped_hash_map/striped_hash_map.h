// KATA: striped_hash_map. Make this class correct and thread-safe. The contract is below; the tests
// are in tests/, the story and the hints in README.md. Run:  ./kata test striped_hash_map
//
// StripedHashMap<K, V, Hash> is a concurrent hash map with lock striping: a fixed number of locks
// ("stripes"), each guarding part of the table, so that calls on keys of different stripes do not
// wait for each other. The table grows as keys are added. Every method may be called from any
// number of threads at once, and each call on a key takes effect at one instant between its start
// and its return. Keys are told apart by ==, not by their hash.
//
//   Level 1: get, contains, insert, insert_or_assign, erase, size, stripe_count.
//   Level 2: compute; and calls on keys of different stripes never wait for each other.
//   Level 3: the table grows under load (bucket_count), and a key's stripe never changes.
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
// The header policy (docs/header_policy.md) is checked before anything is built: standard
// library includes only, everything in namespace kata, no macros, #if, file or process calls.
// At run time: start threads only in your objects and end them by the time those are
// destroyed; the benchmark checks that, and the contract, on the very object it measures.
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
  // Level 3: when no call is running, size() <= kMaxLoadFactor * bucket_count().
  static constexpr std::size_t kMaxLoadFactor = 2;

  // A map with `stripes` locks. Throws std::invalid_argument if stripes is 0.
  // Level 2: the key `k` belongs to stripe Hash{}(k) % stripe_count(); a call on a key never
  // waits for a call on a key of another stripe (level 3: unless the table is growing). Level 3:
  // that stays true however much the table grows.
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

  // Removes `key` (and no other); returns true if it was present.
  bool erase(const K& key) {
    (void)key;
    throw NotImplemented("StripedHashMap::erase");
  }

  // Atomically updates `key`: calls fn(std::optional<V> current) exactly once, with the key's
  // current value (std::nullopt if absent), and no other call on `key` can take effect between
  // that read and the write. fn returns the new value, or std::nullopt to remove the key (or to
  // leave it absent). Returns what fn returned. fn must not call into the map.
  template <class F>
  std::optional<V> compute(const K& key, F fn) {
    (void)key, (void)fn;
    throw NotImplemented("StripedHashMap::compute");
  }

  // The number of keys. Exact when no call is running; otherwise a value it passed through.
  std::size_t size() const { throw NotImplemented("StripedHashMap::size"); }

  // The number of stripes (locks) given to the constructor; it never changes.
  std::size_t stripe_count() const { throw NotImplemented("StripedHashMap::stripe_count"); }

  // Level 3. The number of buckets: starts at stripe_count(), only ever doubles, and doubles (as
  // many times as needed) only when an insert makes size() exceed kMaxLoadFactor * bucket_count().
  // Growing must not lose, duplicate or block forever any key or call.
  std::size_t bucket_count() const { throw NotImplemented("StripedHashMap::bucket_count"); }
};

}  // namespace kata
