// KATA: lru_cache. Make this class correct and thread-safe. The contract is below; the tests are
// in tests/, the story and the hints in README.md. Run:  ./kata test lru_cache
//
// LRUCache<K, V, Hash> is a strict least-recently-used cache of at most capacity() entries. Every
// get() that finds its key, and every put(), makes that key the most recently used; nothing else
// changes the order (a miss changes nothing). When a put() of a new key would make the cache hold
// more than capacity() entries, the least recently used entry is evicted first. Every method may
// be called from any number of threads at once.
//
//   Level 1: sequential exactness: the right entry is evicted, always; get and put both refresh.
//   Level 2: thread-safe under stress: every call returns (no deadlock); no lost or duplicated
//            entry (size() counts each key once); size() never above capacity(), at any moment;
//            no value torn or freed while a caller reads it.
//   Level 3: linearizable: every concurrent history of get/put/erase/size is explained by some
//            one-at-a-time order of the same calls on a strict LRU, consistent with real time.
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

#include "kata/not_implemented.h"

namespace kata {

template <class K, class V, class Hash = std::hash<K>>
class LRUCache {
 public:
  // An empty cache that holds at most `capacity` entries. Throws std::invalid_argument if
  // capacity is 0.
  explicit LRUCache(std::size_t capacity) {
    (void)capacity;
    throw NotImplemented("LRUCache::LRUCache");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  // A copy of the value of `key`, or std::nullopt if absent. A hit makes `key` the most recently
  // used; a miss changes nothing. Level 2: the copy is whole and the caller's, even while other
  // threads overwrite or evict the entry.
  std::optional<V> get(const K& key) {
    (void)key;
    throw NotImplemented("LRUCache::get");
  }

  // Sets key -> value (inserts, or overwrites a present key) and makes `key` the most recently
  // used. Inserting a new key into a full cache first evicts the least recently used entry;
  // overwriting never evicts.
  void put(const K& key, V value) {
    (void)key, (void)value;
    throw NotImplemented("LRUCache::put");
  }

  // Removes `key`, freeing its slot; returns true if it was present.
  bool erase(const K& key) {
    (void)key;
    throw NotImplemented("LRUCache::erase");
  }

  // The number of entries: 0 <= size() <= capacity() at every moment, also while other calls run.
  std::size_t size() const { throw NotImplemented("LRUCache::size"); }

  // The capacity given to the constructor.
  std::size_t capacity() const { throw NotImplemented("LRUCache::capacity"); }
};

}  // namespace kata
