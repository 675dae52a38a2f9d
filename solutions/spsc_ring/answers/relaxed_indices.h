// Flawed: the textbook ring with every index load and store memory_order_relaxed: "each index has
// one writer and its loads are atomic, so no ordering is needed". The slot is not published.
// expect-level: 1
// expect-caught-by: Concurrency.L2_EveryItemArrivesOnceInOrderIntact data_race
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
  explicit SpscRing(std::size_t capacity) : capacity_(capacity), slots_(capacity) {
    if (capacity == 0) throw std::invalid_argument("capacity must be positive");
  }

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  bool try_push(T&& item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_relaxed) == capacity_) return false;
    slots_[tail % capacity_] = std::move(item);
    tail_.store(tail + 1, std::memory_order_relaxed);
    tail_.notify_one();
    return true;
  }
  bool try_push(const T& item) {
    T copy = item;
    return try_push(std::move(copy));
  }

  std::optional<T> try_pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_relaxed)) return std::nullopt;
    std::optional<T> item(std::move(slots_[head % capacity_]));
    head_.store(head + 1, std::memory_order_relaxed);
    head_.notify_one();
    return item;
  }

  void push(T item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    for (std::size_t head; tail - (head = head_.load(std::memory_order_relaxed)) == capacity_;) {
      head_.wait(head, std::memory_order_relaxed);
    }
    slots_[tail % capacity_] = std::move(item);
    tail_.store(tail + 1, std::memory_order_relaxed);
    tail_.notify_one();
  }

  T pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    while (tail_.load(std::memory_order_relaxed) == head) {
      tail_.wait(head, std::memory_order_relaxed);
    }
    T item = std::move(slots_[head % capacity_]);
    head_.store(head + 1, std::memory_order_relaxed);
    head_.notify_one();
    return item;
  }

  std::size_t capacity() const { return capacity_; }

  std::size_t size_approx() const {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    return tail - head > capacity_ ? capacity_ : tail - head;
  }

 private:
  const std::size_t capacity_;
  std::vector<T> slots_;
  std::atomic<std::size_t> head_{0};
  std::atomic<std::size_t> tail_{0};
};

}  // namespace kata
