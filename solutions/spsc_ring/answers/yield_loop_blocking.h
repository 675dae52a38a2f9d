// Flawed: a correct acquire/release ring whose blocking calls loop on the non-blocking ones with
// std::this_thread::yield(): no lost wakeup possible, but a blocked consumer never sleeps.
// expect-level: 2
// expect-caught-by: Liveness.L3_ABlockedPopSleeps assertion
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <thread>
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
    if (tail - head_.load(std::memory_order_acquire) == capacity_) return false;
    slots_[tail % capacity_] = std::move(item);
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }
  bool try_push(const T& item) {
    T copy = item;
    return try_push(std::move(copy));
  }

  std::optional<T> try_pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return std::nullopt;
    std::optional<T> item(std::move(slots_[head % capacity_]));
    head_.store(head + 1, std::memory_order_release);
    return item;
  }

  void push(T item) {
    while (!try_push(std::move(item))) std::this_thread::yield();  // a refused item is untouched
  }

  T pop() {
    for (;;) {
      if (std::optional<T> item = try_pop()) return std::move(*item);
      std::this_thread::yield();
    }
  }

  std::size_t capacity() const { return capacity_; }

  std::size_t size_approx() const {
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    return tail - head > capacity_ ? capacity_ : tail - head;
  }

 private:
  const std::size_t capacity_;
  std::vector<T> slots_;
  std::atomic<std::size_t> head_{0};
  std::atomic<std::size_t> tail_{0};
};

}  // namespace kata
