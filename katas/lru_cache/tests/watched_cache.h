// The cache under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). No call of an LRU cache waits for anything but its lock, so a
// call that does not return is a deadlock: a lock taken twice, or never released.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <utility>

#include "harness/level_rule.h"
#include "harness/under_test.h"

template <class K, class V, class Hash = std::hash<K>>
class WatchedCache {
 public:
  explicit WatchedCache(std::size_t capacity) : cache_(capacity) {}

  std::optional<V> get(const K& key) {
    return harness::call(kGet, [&] { return cache_.get(key); });
  }
  void put(const K& key, V value) {
    harness::call(kPut, [&] { cache_.put(key, std::move(value)); });
  }
  bool erase(const K& key) {
    return harness::call(kErase, [&] { return cache_.erase(key); });
  }
  std::size_t size() const {
    return harness::call(kSize, [&] { return cache_.size(); });
  }
  std::size_t capacity() const {
    return harness::call(kCapacity, [&] { return cache_.capacity(); });
  }

 private:
  static constexpr const char* kHint =
      "no call waits for anything but the lock: taken twice (a helper that locks again, while "
      "the caller holds it), or never released on some path?";

  // Each method at the level lru_cache.h's banner gives it (harness/level_rule.h): every method is
  // level 1; the higher levels are about thread safety and linearizability, not about methods.
  static constexpr harness::Method kGet{"get()", 1, kHint};
  static constexpr harness::Method kPut{"put()", 1, kHint};
  static constexpr harness::Method kErase{"erase()", 1, kHint};
  static constexpr harness::Method kSize{"size()", 1, kHint};
  static constexpr harness::Method kCapacity{"capacity()", 1, kHint};

  under_test::LRUCache<K, V, Hash> cache_;
};
