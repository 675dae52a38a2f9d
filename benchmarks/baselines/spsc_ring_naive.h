// The naive baseline for spsc_ring: one std::mutex over a std::deque, the first thing that works.
// Every push and pop takes the lock, so the producer and the consumer serialise on it and on its
// cache line.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace baseline {

template <class T>
class NaiveSpscRing {
 public:
  explicit NaiveSpscRing(std::size_t capacity) : capacity_(capacity) {}

  bool try_push(T item) {
    std::lock_guard lock(mutex_);
    if (items_.size() == capacity_) return false;
    items_.push_back(std::move(item));
    return true;
  }

  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return std::nullopt;
    std::optional<T> item(std::move(items_.front()));
    items_.pop_front();
    return item;
  }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::deque<T> items_;
};

}  // namespace baseline
