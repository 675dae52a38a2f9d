// Baselines for the lru_cache benchmark.
//
// LockedLru: the textbook strict LRU, one std::mutex over a std::list in recency order and a
// std::unordered_map from key to list node. The reference is this design too: a strict LRU
// writes on every hit, so one lock for everything is the honest baseline.
//
// ShardedLru: what RocksDB's LRUCache and many production caches do instead: N independent
// LockedLru shards, a key's shard picked by its hash, each shard a strict LRU of capacity / N.
// Calls on different shards never wait for each other. What it gives up: the whole is no longer
// a strict LRU (a hot shard evicts while a cold one has room, so the least recently used key of
// the cache may survive a newer one), and a skewed key set still piles onto a few shards.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace baseline {

template <class K, class V>
class LockedLru {
 public:
  explicit LockedLru(std::size_t capacity) : capacity_(capacity) {}

  std::optional<V> get(const K& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  void put(const K& key, V value) {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (order_.size() == capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::list<std::pair<K, V>> order_;
  std::unordered_map<K, typename std::list<std::pair<K, V>>::iterator> index_;
};

template <class K, class V, std::size_t kShards = 16>
class ShardedLru {
 public:
  explicit ShardedLru(std::size_t capacity) {
    for (std::size_t i = 0; i < kShards; ++i) {
      shards_.push_back(std::make_unique<LockedLru<K, V>>((capacity + kShards - 1) / kShards));
    }
  }
  std::optional<V> get(const K& key) { return shard(key).get(key); }
  void put(const K& key, V value) { shard(key).put(key, std::move(value)); }

 private:
  LockedLru<K, V>& shard(const K& key) { return *shards_[std::hash<K>{}(key) % kShards]; }

  std::vector<std::unique_ptr<LockedLru<K, V>>> shards_;
};

}  // namespace baseline
