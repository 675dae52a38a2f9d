// Reference solution of the lru_cache kata: one mutex over a recency list and a hash index.
//
// The structure: `order_` is a std::list of (key, value), most recently used at the front;
// `index_` maps each key to its node in that list. A hit moves the node to the front with
// splice(), which relinks it in O(1) and invalidates no iterator, so the index stays valid. The
// least recently used entry is always order_.back().
//
// Why one exclusive mutex, even for get(): a strict LRU *writes* on every hit (the node moves to
// the front). Two get() calls under a shared lock would splice the same list at once: a data race
// that corrupts the list. So get() is a writer, and a strict LRU serialises every call; making get
// mostly read-only means giving up strictness (see the README's follow-up questions).
//
// Why get() returns a copy made under the lock: the node may be evicted or overwritten by another
// thread the moment the lock is released; a reference or pointer into it would dangle (a
// use-after-free) or show a half-written value (a torn read).
//
// Why size() never exceeds capacity(): put() evicts *before* it inserts, inside the same critical
// section, so no other thread can observe the cache between the insert and the eviction. size()
// reads the list's size under the lock.
//
// Why it is linearizable: every call takes effect entirely inside one critical section of the
// same mutex; its linearization point is anywhere inside it.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace solution {

template <class K, class V, class Hash = std::hash<K>>
class LRUCache {
 public:
  explicit LRUCache(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("LRUCache: capacity must be at least 1");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  std::optional<V> get(const K& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);  // a hit is now the most recent
    return it->second->second;                          // a copy, made under the lock
  }

  void put(const K& key, V value) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (order_.size() == capacity_) {  // full: make room first, so size() never overshoots
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
  }

  bool erase(const K& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    order_.erase(it->second);
    index_.erase(it);
    return true;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
  }

  std::size_t capacity() const { return capacity_; }  // immutable: no lock needed

 private:
  using Order = std::list<std::pair<K, V>>;

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;  // most recently used first; guarded by mutex_
  std::unordered_map<K, typename Order::iterator, Hash> index_;  // guarded by mutex_
};

}  // namespace solution
