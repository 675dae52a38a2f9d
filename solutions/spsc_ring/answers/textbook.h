// Textbook: the ring of "C++ Concurrency in Action" and every blog post: capacity + 1 slots (one
// always empty tells full from empty), head and tail in [0, capacity], release stores and acquire
// loads, no cached indices, no padding; push/pop sleep in std::atomic::wait on the other index.
// expect-level: 3
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kata/not_implemented.h"

namespace kata {

template <class T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity) : capacity_(capacity), slots_(size_or_throw(capacity)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  bool try_push(T&& item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t next = advance(tail);
    if (next == head_.load(std::memory_order_acquire)) return false;
    slots_[tail] = std::move(item);
    tail_.store(next, std::memory_order_release);
    tail_.notify_one();
    return true;
  }
  bool try_push(const T& item) {
    T copy = item;
    return try_push(std::move(copy));
  }

  std::optional<T> try_pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return std::nullopt;
    std::optional<T> item(std::move(slots_[head]));
    head_.store(advance(head), std::memory_order_release);
    head_.notify_one();
    return item;
  }

  void push(T item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t next = advance(tail);
    // Full while head == next: sleep until the consumer moves head.
    while (head_.load(std::memory_order_acquire) == next) {
      head_.wait(next, std::memory_order_acquire);
    }
    slots_[tail] = std::move(item);
    tail_.store(next, std::memory_order_release);
    tail_.notify_one();
  }

  T pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    while (tail_.load(std::memory_order_acquire) == head) {
      tail_.wait(head, std::memory_order_acquire);
    }
    T item = std::move(slots_[head]);
    head_.store(advance(head), std::memory_order_release);
    head_.notify_one();
    return item;
  }

  std::size_t capacity() const { return capacity_; }

  std::size_t size_approx() const {
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    return tail >= head ? tail - head : tail + slots_.size() - head;
  }

 private:
  static std::size_t size_or_throw(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("capacity must be positive");
    return capacity + 1;
  }
  std::size_t advance(std::size_t index) const {
    return index + 1 == slots_.size() ? 0 : index + 1;
  }

  const std::size_t capacity_;
  std::vector<T> slots_;
  std::atomic<std::size_t> head_{0};
  std::atomic<std::size_t> tail_{0};
};

}  // namespace kata
