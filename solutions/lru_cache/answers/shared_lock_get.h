// Flawed: a std::shared_mutex so that "readers" run in parallel: get() and size() take a shared
// lock, put() and erase() a unique one; but a hit splices the list, so two gets relink it at once.
// expect-level: 1
// expect-caught-by: Concurrency.L2_ConcurrentHitsOnAFullCache data_race
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class K, class V, class Hash = std::hash<K>>
class LRUCache {
 public:
  explicit LRUCache(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("LRUCache: zero capacity");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  // Reads are the common case: let them share the lock.
  std::optional<V> get(const K& key) {
    std::shared_lock<std::shared_mutex> read(rw_);
    auto hit = map_.find(key);
    if (hit == map_.end()) return std::nullopt;
    lru_.splice(lru_.begin(), lru_, hit->second);
    return hit->second->second;
  }

  void put(const K& key, V value) {
    std::unique_lock<std::shared_mutex> write(rw_);
    if (auto hit = map_.find(key); hit != map_.end()) {
      hit->second->second = std::move(value);
      lru_.splice(lru_.begin(), lru_, hit->second);
      return;
    }
    if (lru_.size() == capacity_) {
      map_.erase(lru_.back().first);
      lru_.pop_back();
    }
    lru_.emplace_front(key, std::move(value));
    map_.emplace(key, lru_.begin());
  }

  bool erase(const K& key) {
    std::unique_lock<std::shared_mutex> write(rw_);
    auto hit = map_.find(key);
    if (hit == map_.end()) return false;
    lru_.erase(hit->second);
    map_.erase(hit);
    return true;
  }

  std::size_t size() const {
    std::shared_lock<std::shared_mutex> read(rw_);
    return map_.size();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  using Entries = std::list<std::pair<K, V>>;

  const std::size_t capacity_;
  mutable std::shared_mutex rw_;
  Entries lru_;  // front = most recently used
  std::unordered_map<K, typename Entries::iterator, Hash> map_;
};

}  // namespace kata
