// Textbook: a std::list of (key, value) in recency order and a std::unordered_map key -> node,
// every call (get included: a hit splices) in one critical section of one std::mutex.
// expect-level: 3
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
    if (capacity == 0) throw std::invalid_argument("capacity must be positive");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  std::optional<V> get(const K& key) {
    std::lock_guard<std::mutex> guard(mu_);
    auto found = where_.find(key);
    if (found == where_.end()) return std::nullopt;
    items_.splice(items_.begin(), items_, found->second);
    return found->second->second;
  }

  void put(const K& key, V value) {
    std::lock_guard<std::mutex> guard(mu_);
    auto found = where_.find(key);
    if (found != where_.end()) {
      found->second->second = std::move(value);
      items_.splice(items_.begin(), items_, found->second);
      return;
    }
    if (where_.size() >= capacity_) {
      where_.erase(items_.back().first);
      items_.pop_back();
    }
    items_.emplace_front(key, std::move(value));
    where_[key] = items_.begin();
  }

  bool erase(const K& key) {
    std::lock_guard<std::mutex> guard(mu_);
    auto found = where_.find(key);
    if (found == where_.end()) return false;
    items_.erase(found->second);
    where_.erase(found);
    return true;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> guard(mu_);
    return where_.size();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  using Items = std::list<std::pair<K, V>>;

  const std::size_t capacity_;
  mutable std::mutex mu_;
  Items items_;
  std::unordered_map<K, typename Items::iterator, Hash> where_;
};

}  // namespace kata
