// Advanced: Rigtorp's SPSCQueue shape: slots in raw storage (an item is constructed on push and
// destroyed on pop, nothing default-constructed), each side caching the other's index on its own
// padded cache line, a padding slot before and after the array; blocking calls sleep on the index.
// expect-level: 3
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
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
    // kPad slots on each side keep the first and last items off the lines of the neighbouring
    // heap blocks.
    storage_ = static_cast<Slot*>(
        ::operator new (sizeof(Slot) * (capacity + 2 * kPad), std::align_val_t{alignof(Slot)}));
  }

  ~SpscRing() {
    for (std::size_t i = read_.index.load(); i != write_.index.load(); ++i) slot(i)->~T();
    ::operator delete (storage_, std::align_val_t{alignof(Slot)});
  }

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  bool try_push(T&& item) { return try_emplace(std::move(item)); }
  bool try_push(const T& item) { return try_emplace(item); }

  std::optional<T> try_pop() {
    const std::size_t head = read_.index.load(std::memory_order_relaxed);
    if (head == read_.cached_other) {
      read_.cached_other = write_.index.load(std::memory_order_acquire);
      if (head == read_.cached_other) return std::nullopt;
    }
    return take(head);
  }

  void push(T item) {
    const std::size_t tail = write_.index.load(std::memory_order_relaxed);
    while (tail - write_.cached_other == capacity_) {
      write_.cached_other = read_.index.load(std::memory_order_acquire);
      if (tail - write_.cached_other != capacity_) break;
      read_.index.wait(write_.cached_other, std::memory_order_acquire);
    }
    put(tail, std::move(item));
  }

  T pop() {
    const std::size_t head = read_.index.load(std::memory_order_relaxed);
    while (head == read_.cached_other) {
      read_.cached_other = write_.index.load(std::memory_order_acquire);
      if (head != read_.cached_other) break;
      write_.index.wait(head, std::memory_order_acquire);
    }
    return take(head);
  }

  std::size_t capacity() const { return capacity_; }

  std::size_t size_approx() const {
    const std::size_t head = read_.index.load(std::memory_order_acquire);
    const std::size_t tail = write_.index.load(std::memory_order_acquire);
    return tail - head > capacity_ ? capacity_ : tail - head;
  }

 private:
  static constexpr std::size_t kLine = 64;
  struct alignas(alignof(T)) Slot {
    unsigned char bytes[sizeof(T)];
  };
  static constexpr std::size_t kPad = (kLine - 1) / sizeof(Slot) + 1;

  // One side's line: its own index (written by it alone) and its last look at the other's.
  struct alignas(kLine) Side {
    std::atomic<std::size_t> index{0};
    std::size_t cached_other = 0;
  };

  T* slot(std::size_t i) {
    return std::launder(reinterpret_cast<T*>(storage_[kPad + i % capacity_].bytes));
  }

  template <class U>
  bool try_emplace(U&& item) {
    const std::size_t tail = write_.index.load(std::memory_order_relaxed);
    if (tail - write_.cached_other == capacity_) {
      write_.cached_other = read_.index.load(std::memory_order_acquire);
      if (tail - write_.cached_other == capacity_) return false;
    }
    put(tail, std::forward<U>(item));
    return true;
  }

  template <class U>
  void put(std::size_t tail, U&& item) {
    ::new (storage_[kPad + tail % capacity_].bytes) T(std::forward<U>(item));
    write_.index.store(tail + 1, std::memory_order_release);
    write_.index.notify_one();
  }

  T take(std::size_t head) {
    T* p = slot(head);
    T item = std::move(*p);
    p->~T();
    read_.index.store(head + 1, std::memory_order_release);
    read_.index.notify_one();
    return item;
  }

  Side write_;  // the producer's line
  Side read_;   // the consumer's line
  alignas(kLine) const std::size_t capacity_;
  Slot* storage_ = nullptr;
};

}  // namespace kata
