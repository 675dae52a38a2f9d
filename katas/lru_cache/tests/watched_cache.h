// The cache under test, with every call watched: if a call does not return, the watchdog's report
// names it (see harness/watchdog.h). No call of an LRU cache waits for anything but its lock, so a
// call that does not return is a deadlock: a lock taken twice, or never released.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <utility>

#include "harness/under_test.h"
#include "harness/watchdog.h"

template <class K, class V, class Hash = std::hash<K>>
class WatchedCache {
 public:
  explicit WatchedCache(std::size_t capacity) : cache_(capacity) {}

  std::optional<V> get(const K& key) {
    return harness::watched("get()", kHint, [&] { return cache_.get(key); });
  }
  void put(const K& key, V value) {
    harness::watched("put()", kHint, [&] { cache_.put(key, std::move(value)); });
  }
  bool erase(const K& key) {
    return harness::watched("erase()", kHint, [&] { return cache_.erase(key); });
  }
  std::size_t size() const {
    return harness::watched("size()", kHint, [&] { return cache_.size(); });
  }
  std::size_t capacity() const {
    return harness::watched("capacity()", kHint, [&] { return cache_.capacity(); });
  }

 private:
  static constexpr const char* kHint =
      "no call waits for anything but the lock: taken twice (a helper that locks again, while "
      "the caller holds it), or never released on some path?";

  under_test::LRUCache<K, V, Hash> cache_;
};
