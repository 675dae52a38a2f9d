// Flawed: size() skips the lock by reading an atomic counter, and put() inserts first and evicts
// after (both inside its critical section), so a size() in between sees capacity() + 1.
// expect-level: 1
// expect-caught-by: Concurrency.L2_SizeNeverAboveCapacityUnderEviction exception
#pragma once

#include <atomic>
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
    if (capacity == 0) throw std::invalid_argument("capacity 0");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  std::optional<V> get(const K& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    list_.splice(list_.begin(), list_, it->second);
    return it->second->second;
  }

  void put(const K& key, V value) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->second = std::move(value);
      list_.splice(list_.begin(), list_, it->second);
      return;
    }
    list_.emplace_front(key, std::move(value));
    index_.emplace(key, list_.begin());
    count_.fetch_add(1);
    if (count_.load() > capacity_) {  // over by one: drop the tail
      index_.erase(list_.back().first);
      list_.pop_back();
      count_.fetch_sub(1);
    }
  }

  bool erase(const K& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    list_.erase(it->second);
    index_.erase(it);
    count_.fetch_sub(1);
    return true;
  }

  // Atomic, so no lock: size() is called often (metrics) and must not contend with get().
  std::size_t size() const { return count_.load(); }

  std::size_t capacity() const { return capacity_; }

 private:
  using List = std::list<std::pair<K, V>>;

  const std::size_t capacity_;
  std::mutex mutex_;
  List list_;
  std::unordered_map<K, typename List::iterator, Hash> index_;
  std::atomic<std::size_t> count_{0};
};

}  // namespace kata
