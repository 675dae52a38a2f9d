// Reference solution of the spsc_ring kata: two monotonically growing indices, each written by one
// thread only, published with release and read with acquire; each side caches the other's index;
// the blocking calls sleep on the index they wait for with C++20 std::atomic::wait.
//
// Why it is correct (the happens-before argument):
//  - tail_ is written only by the producer, head_ only by the consumer; both only grow (size_t
//    wraps after 2^64 operations, and unsigned subtraction stays right across the wrap). Slot i of
//    the stream lives in slots_[i % capacity_]. Item i is in the ring while head_ <= i < tail_.
//  - Publication: the producer writes slot t, then stores tail_ = t + 1 with release. The consumer
//    reads tail_ with acquire; having seen a value > t, its load synchronizes-with that store (or a
//    later one of the same thread: release sequence of one writer's stores), so the slot write
//    happens-before the consumer's read of the slot. A relaxed store or load here leaves the two
//    slot accesses unordered: a data race, and TSan says so.
//  - Reuse: the consumer moves slot h out, then stores head_ = h + 1 with release. The producer
//    overwrites that slot only at t = h + capacity_, after an acquire load of head_ that saw > h:
//    the consumer's read happens-before the producer's write. Moving the slot out after the
//    store would let the producer overwrite an item not yet read.
//  - The cached indices: cached_head_ is the producer's last look at head_, cached_tail_ the
//    consumer's at tail_. The other's index only grows, so a stale cache only under-estimates the
//    room (or the items): it can make a call look again, never act on a slot it may not touch.
//    Each side reloads only when its cache says full (empty), so in steady state a push touches
//    no cache line the consumer writes, and a pop none the producer writes.
//  - Blocking: push() waits on head_ with wait(cached_head_): the wait compares head_ with the
//    value the full test saw, atomically with going to sleep, and returns as soon as it differs;
//    every pop stores head_ first and then calls head_.notify_one(). A pop between the full test
//    and the sleep changed head_, so the wait does not sleep; a pop after it is followed by the
//    notify: no lost wakeup. pop() is the mirror image on tail_. The notify must follow the
//    store: a notify sent before it wakes the sleeper, which sees the old value and sleeps again,
//    and then nothing wakes it.
//  - Padding: tail_ (with cached_head_) and head_ (with cached_tail_) are on cache lines of their
//    own, so the producer's stores do not invalidate the line the consumer writes (false sharing).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>

namespace solution {

template <class T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity)
      : capacity_(checked(capacity)), slots_(std::make_unique<T[]>(capacity)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  bool try_push(T&& item) {
    return try_publish([&](T& slot) { slot = std::move(item); });
  }
  bool try_push(const T& item) {
    return try_publish([&](T& slot) { slot = item; });
  }

  std::optional<T> try_pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);  // our own index
    if (empty(head)) return std::nullopt;
    return take(head);
  }

  void push(T item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    // Sleeps while head_ still holds the value the full test saw.
    while (full(tail)) head_.wait(cached_head_, std::memory_order_acquire);
    publish(tail, [&](T& slot) { slot = std::move(item); });
  }

  T pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    while (empty(head)) tail_.wait(cached_tail_, std::memory_order_acquire);
    return take(head);
  }

  std::size_t capacity() const { return capacity_; }

  std::size_t size_approx() const {
    // head_ first: tail_ read later is at least as new, so the difference never underflows; it
    // may exceed the capacity if the consumer popped between the loads, hence the clamp.
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    return std::min(tail - head, capacity_);
  }

 private:
  static constexpr std::size_t kLine = 64;  // std::hardware_destructive_interference_size on x86-64

  static std::size_t checked(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("SpscRing: capacity must be positive");
    return capacity;
  }

  // Producer: whether slot `tail` is still in use, looking at head_ again only when the cache
  // says so.
  bool full(std::size_t tail) {
    if (tail - cached_head_ < capacity_) return false;
    cached_head_ = head_.load(std::memory_order_acquire);
    return tail - cached_head_ == capacity_;
  }

  // Consumer: whether there is no item at `head`, the same way.
  bool empty(std::size_t head) {
    if (head != cached_tail_) return false;
    cached_tail_ = tail_.load(std::memory_order_acquire);
    return head == cached_tail_;
  }

  template <class Write>
  bool try_publish(Write write) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (full(tail)) return false;
    publish(tail, write);
    return true;
  }

  template <class Write>
  void publish(std::size_t tail, Write write) {
    write(slots_[tail % capacity_]);
    tail_.store(tail + 1, std::memory_order_release);
    tail_.notify_one();  // after the store: see the notes
  }

  T take(std::size_t head) {
    T item = std::move(slots_[head % capacity_]);
    head_.store(head + 1, std::memory_order_release);
    head_.notify_one();
    return item;
  }

  const std::size_t capacity_;
  const std::unique_ptr<T[]> slots_;
  // The producer's line: its index and its view of the consumer's.
  alignas(kLine) std::atomic<std::size_t> tail_{0};
  std::size_t cached_head_ = 0;
  // The consumer's line.
  alignas(kLine) std::atomic<std::size_t> head_{0};
  std::size_t cached_tail_ = 0;
  // The class is aligned to kLine, so its size is rounded up: nothing else shares head_'s line.
};

}  // namespace solution
