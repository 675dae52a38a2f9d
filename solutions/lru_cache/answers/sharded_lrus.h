// Sharded (the follow-up's answer, not this contract's): min(16, capacity) independent LRUs, each
// with its own mutex and an even share of the capacity; a key's hash picks its shard.
// expect-level: 0
// expect-caught-by: Contract.L1_GetRefreshesRecency assertion
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

// It scales (calls on different shards never wait for each other), and it is not a strict LRU:
// a full shard evicts its own least recent entry while another shard holds older ones.
template <class K, class V, class Hash = std::hash<K>>
class LRUCache {
 public:
  explicit LRUCache(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("LRUCache: capacity must be positive");
    const std::size_t shards = std::min<std::size_t>(kMaxShards, capacity);
    for (std::size_t i = 0; i < shards; ++i) {
      // The first capacity % shards shards take one more, so the shares add up to capacity.
      shards_.push_back(std::make_unique<Shard>(capacity / shards + (i < capacity % shards)));
    }
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  std::optional<V> get(const K& key) {
    Shard& shard = shard_of(key);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.index.find(key);
    if (it == shard.index.end()) return std::nullopt;
    shard.order.splice(shard.order.begin(), shard.order, it->second);
    return it->second->second;
  }

  void put(const K& key, V value) {
    Shard& shard = shard_of(key);
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (auto it = shard.index.find(key); it != shard.index.end()) {
      it->second->second = std::move(value);
      shard.order.splice(shard.order.begin(), shard.order, it->second);
      return;
    }
    if (shard.order.size() == shard.capacity) {
      shard.index.erase(shard.order.back().first);
      shard.order.pop_back();
    }
    shard.order.emplace_front(key, std::move(value));
    shard.index.emplace(key, shard.order.begin());
  }

  bool erase(const K& key) {
    Shard& shard = shard_of(key);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.index.find(key);
    if (it == shard.index.end()) return false;
    shard.order.erase(it->second);
    shard.index.erase(it);
    return true;
  }

  // Each shard is read under its own lock: the sum is never above capacity(), since no shard is
  // ever above its share.
  std::size_t size() const {
    std::size_t total = 0;
    for (const auto& shard : shards_) {
      std::lock_guard<std::mutex> lock(shard->mutex);
      total += shard->order.size();
    }
    return total;
  }

  std::size_t capacity() const { return capacity_; }

 private:
  static constexpr std::size_t kMaxShards = 16;
  using Order = std::list<std::pair<K, V>>;

  struct Shard {
    explicit Shard(std::size_t share) : capacity(share) {}
    const std::size_t capacity;
    mutable std::mutex mutex;
    Order order;
    std::unordered_map<K, typename Order::iterator, Hash> index;
  };

  Shard& shard_of(const K& key) { return *shards_[Hash{}(key) % shards_.size()]; }

  const std::size_t capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace kata
