// The reference's algorithm (solutions/spsc_ring/spsc_ring.h) without its two optimisations: no
// cached copy of the other side's index (every try_push loads head_, every try_pop loads tail_),
// and no cache-line padding (head_ and tail_ share one line). Same orderings, same results: the
// benchmark's rows for it and for the reference show what the two optimisations are worth.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

namespace baseline {

template <class T>
class UncachedSpscRing {
 public:
  explicit UncachedSpscRing(std::size_t capacity)
      : capacity_(capacity), slots_(std::make_unique<T[]>(capacity)) {}

  bool try_push(T item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) == capacity_) return false;
    slots_[tail % capacity_] = std::move(item);
    tail_.store(tail + 1, std::memory_order_release);
    tail_.notify_one();
    return true;
  }

  std::optional<T> try_pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return std::nullopt;
    std::optional<T> item(std::move(slots_[head % capacity_]));
    head_.store(head + 1, std::memory_order_release);
    head_.notify_one();
    return item;
  }

 private:
  const std::size_t capacity_;
  const std::unique_ptr<T[]> slots_;
  std::atomic<std::size_t> head_{0};  // the consumer's, on the same line as the producer's
  std::atomic<std::size_t> tail_{0};
};

}  // namespace baseline
