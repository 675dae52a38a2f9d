// Flawed: the bounded_queue answer reused: one std::mutex over a std::deque, two condition
// variables. A correct queue, not lock-free: a producer paused inside T's move holds the lock.
// expect-level: 1
// expect-caught-by: Liveness.L2_TryPopReturnsWhileTheProducerIsPausedInsideTryPush hang
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("capacity must be positive");
  }

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  bool try_push(T&& item) {
    std::lock_guard lock(mutex_);
    if (items_.size() == capacity_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  bool try_push(const T& item) {
    std::lock_guard lock(mutex_);
    if (items_.size() == capacity_) return false;
    items_.push_back(item);
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return std::nullopt;
    return take();
  }

  void push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }

  T pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty(); });
    return take();
  }

  std::size_t capacity() const { return capacity_; }

  std::size_t size_approx() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  T take() {
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
};

}  // namespace kata
