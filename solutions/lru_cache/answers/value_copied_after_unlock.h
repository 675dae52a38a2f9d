// Flawed: the lookup and the refresh live in a helper, touch(), that locks, splices the node to
// the front and returns a pointer to its value; get() copies the value from it after the unlock.
// expect-level: 1
// expect-caught-by: Concurrency.L2_SizeNeverAboveCapacityUnderEviction data_race
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
    if (capacity == 0) throw std::invalid_argument("LRUCache needs a capacity of at least 1");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  std::optional<V> get(const K& key) {
    const V* value = touch(key);
    if (value == nullptr) return std::nullopt;
    return *value;  // the copy is made here, outside touch()'s lock
  }

  void put(const K& key, V value) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = nodes_.find(key);
    if (it != nodes_.end()) {
      it->second->value = std::move(value);
      recency_.splice(recency_.begin(), recency_, it->second);
      return;
    }
    if (nodes_.size() == capacity_) {
      nodes_.erase(recency_.back().key);
      recency_.pop_back();
    }
    recency_.push_front(Entry{key, std::move(value)});
    nodes_.emplace(key, recency_.begin());
  }

  bool erase(const K& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = nodes_.find(key);
    if (it == nodes_.end()) return false;
    recency_.erase(it->second);
    nodes_.erase(it);
    return true;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return nodes_.size();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    K key;
    V value;
  };
  using Recency = std::list<Entry>;

  // Finds `key` and makes it the most recent; its value, or nullptr on a miss.
  const V* touch(const K& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = nodes_.find(key);
    if (it == nodes_.end()) return nullptr;
    recency_.splice(recency_.begin(), recency_, it->second);
    return &it->second->value;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Recency recency_;
  std::unordered_map<K, typename Recency::iterator, Hash> nodes_;
};

}  // namespace kata
