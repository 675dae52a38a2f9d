// Flawed: "keep critical sections short": get() looks up and copies the value under the lock, then
// takes the lock again to move the entry to the front; a put() between the two evicts a fresh hit.
// expect-level: 2
// expect-caught-by: Concurrency.L3_AHitIsNeverLostToARacingPut assertion
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class K, class V, class Hash = std::hash<K>>
class LRUCache {
 public:
  explicit LRUCache(std::size_t capacity) : capacity_(capacity) {
    if (capacity_ == 0) throw std::invalid_argument("LRUCache: capacity must be > 0");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  std::optional<V> get(const K& key) {
    std::optional<V> copy;
    {
      std::lock_guard<std::mutex> lock(m_);
      auto it = pos_.find(key);
      if (it == pos_.end()) return std::nullopt;
      copy = it->second->second;
    }
    promote(key);  // bookkeeping only: the caller already has its value
    return copy;
  }

  void put(const K& key, V value) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = pos_.find(key);
    if (it != pos_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (order_.size() == capacity_) {
      pos_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    pos_.emplace(key, order_.begin());
  }

  bool erase(const K& key) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = pos_.find(key);
    if (it == pos_.end()) return false;
    order_.erase(it->second);
    pos_.erase(it);
    return true;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(m_);
    return order_.size();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  using Order = std::list<std::pair<K, V>>;

  // Moves `key` to the front if it is still cached (it may have been evicted meanwhile).
  void promote(const K& key) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = pos_.find(key);
    if (it != pos_.end()) order_.splice(order_.begin(), order_, it->second);
  }

  const std::size_t capacity_;
  mutable std::mutex m_;
  Order order_;
  std::unordered_map<K, typename Order::iterator, Hash> pos_;
};

}  // namespace kata
