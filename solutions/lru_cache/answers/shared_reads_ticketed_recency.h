// Advanced: hits take a shared lock, copy the value and log the node in a ticketed buffer; every
// writer takes the lock exclusively and first replays the buffer in ticket order (strict, exact).
// expect-level: 3
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

// Why it is still a strict, linearizable LRU: while any shared lock is held nothing changes but
// the buffer, so every hit in one shared epoch reads the state that epoch started with. Tickets
// come from one atomic counter, so they follow real time; replaying the hits in ticket order before
// any write gives the order the same calls would leave one at a time. A hit that finds the buffer
// full gives up its shared lock and does the textbook get under the exclusive lock instead.
template <class K, class V, class Hash = std::hash<K>>
class LRUCache {
 public:
  explicit LRUCache(std::size_t capacity) : capacity_(capacity), pending_(kPending) {
    if (capacity == 0) throw std::invalid_argument("LRUCache: capacity must be positive");
  }

  LRUCache(const LRUCache&) = delete;
  LRUCache& operator=(const LRUCache&) = delete;

  std::optional<V> get(const K& key) {
    {
      std::shared_lock<std::shared_mutex> shared(rw_);
      auto found = index_.find(key);
      if (found == index_.end()) return std::nullopt;
      const std::size_t ticket = tickets_.fetch_add(1, std::memory_order_relaxed);
      if (ticket < kPending) {
        pending_[ticket] = found->second;  // a slot of its own: no other hit writes it
        return found->second->second;      // no writer can run until the shared lock is gone
      }
    }
    std::unique_lock<std::shared_mutex> exclusive(rw_);
    replay();
    auto found = index_.find(key);
    if (found == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, found->second);
    return found->second->second;
  }

  void put(const K& key, V value) {
    std::unique_lock<std::shared_mutex> exclusive(rw_);
    replay();
    if (auto found = index_.find(key); found != index_.end()) {
      found->second->second = std::move(value);
      order_.splice(order_.begin(), order_, found->second);
      return;
    }
    if (order_.size() == capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
  }

  bool erase(const K& key) {
    std::unique_lock<std::shared_mutex> exclusive(rw_);
    replay();  // before the node goes: the buffer may point at it
    auto found = index_.find(key);
    if (found == index_.end()) return false;
    order_.erase(found->second);
    index_.erase(found);
    return true;
  }

  std::size_t size() const {
    std::shared_lock<std::shared_mutex> shared(rw_);
    return index_.size();
  }

  std::size_t capacity() const { return capacity_; }

 private:
  using Order = std::list<std::pair<K, V>>;
  static constexpr std::size_t kPending = 64;

  // With the lock held exclusively: the hits logged since the last replay, oldest first.
  void replay() {
    const std::size_t logged = std::min(tickets_.load(std::memory_order_relaxed), kPending);
    for (std::size_t i = 0; i < logged; ++i) order_.splice(order_.begin(), order_, pending_[i]);
    tickets_.store(0, std::memory_order_relaxed);
  }

  const std::size_t capacity_;
  mutable std::shared_mutex rw_;
  Order order_;  // most recent first, as of the last replay
  std::unordered_map<K, typename Order::iterator, Hash> index_;
  std::vector<typename Order::iterator> pending_;  // hits not yet replayed, by ticket
  std::atomic<std::size_t> tickets_{0};
};

}  // namespace kata
