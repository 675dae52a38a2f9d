// The naive baselines for striped_hash_map: correct, but the simplest things that work. One lock
// around a whole standard map: every call on every key waits for every other (std::mutex), or
// readers share and writers wait for everyone (std::shared_mutex).
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

namespace baseline {

// std::mutex + std::unordered_map.
template <class K, class V, class Map = std::unordered_map<K, V>>
class LockedMap {
 public:
  std::optional<V> get(const K& key) const {
    std::lock_guard lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  bool insert_or_assign(const K& key, V value) {
    std::lock_guard lock(mutex_);
    return map_.insert_or_assign(key, std::move(value)).second;
  }
  bool erase(const K& key) {
    std::lock_guard lock(mutex_);
    return map_.erase(key) == 1;
  }

 private:
  mutable std::mutex mutex_;
  Map map_;
};

// std::shared_mutex + any map with find / insert_or_assign / erase (std::unordered_map by default;
// absl::flat_hash_map once the build links it for the benchmarks).
template <class K, class V, class Map = std::unordered_map<K, V>>
class SharedLockedMap {
 public:
  std::optional<V> get(const K& key) const {
    std::shared_lock lock(mutex_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  bool insert_or_assign(const K& key, V value) {
    std::unique_lock lock(mutex_);
    return map_.insert_or_assign(key, std::move(value)).second;
  }
  bool erase(const K& key) {
    std::unique_lock lock(mutex_);
    return map_.erase(key) == 1;
  }

 private:
  mutable std::shared_mutex mutex_;
  Map map_;
};

}  // namespace baseline
