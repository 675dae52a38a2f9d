// KATA: spsc_ring. Make this class correct for one producer thread and one consumer thread, with
// no lock: std::atomic only. The contract is below; the tests are in tests/, the story and the
// hints in README.md. Run:
//   ./kata test spsc_ring
//
// SpscRing is a bounded FIFO ring buffer of `capacity` slots shared by exactly two threads: one
// producer, which alone calls try_push() and push(), and one consumer, which alone calls try_pop()
// and pop(). capacity() and size_approx() may be called by either. No mutex, no condition
// variable, no spin lock: std::atomic only (its C++20 wait()/notify_one() for the blocking
// calls). T is default-constructible and movable; its moves and its destructor do not throw.
//
// Guarantees:
//   - FIFO (level 1): try_pop() returns the oldest item not yet popped; exactly `capacity` items
//     fit: try_push() succeeds while fewer are in the ring and returns false, leaving its argument
//     untouched (not moved from), when `capacity` are. try_pop() on an empty ring returns
//     std::nullopt at once. With no call running, size_approx() is the number of items in the
//     ring.
//   - Publication (level 2): with the producer and the consumer running at once, every pushed
//     item is popped exactly once, in order, with its payload as the producer wrote it: a push
//     happens-before the pop that returns its item, and a pop happens-before the push that reuses
//     its slot (ThreadSanitizer checks both: a slot written or read without that order is a data
//     race, and the tsan variant fails it). try_push() and try_pop() never wait for the other
//     thread: a producer paused anywhere inside try_push() (inside T's move included) never stops
//     try_pop() from returning, nor a paused consumer try_push().
//   - Blocking (level 3): push() waits while the ring is full, pop() while it is empty, asleep
//     (std::atomic::wait), and each returns once the other side has made room or an item: no lost
//     wakeup. A blocked call does not spin: over 200 ms during which it stays blocked, its thread
//     is on a CPU or runnable in the kernel's run queue for less than 20 ms in all
//     (/proc/self/task/<tid>/schedstat).
//
//   Level 1: SpscRing(capacity), try_push, try_pop, capacity, size_approx; one thread.
//   Level 2: the same methods, one producer and one consumer at once: publication.
//   Level 3: push, pop: blocking, asleep, woken.
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
#pragma once

#include <cstddef>
#include <optional>

#include "kata/not_implemented.h"

namespace kata {

template <class T>
class SpscRing {
 public:
  // An empty ring of `capacity` slots. Throws std::invalid_argument if capacity is 0.
  explicit SpscRing(std::size_t capacity) {
    (void)capacity;
    throw NotImplemented("SpscRing::SpscRing");
  }

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Producer only. Appends `item` and returns true; returns false if the ring is full, and then
  // `item` is left as it was. Never waits for the consumer.
  bool try_push(T&& item) {
    (void)item;
    throw NotImplemented("SpscRing::try_push");
  }
  bool try_push(const T& item) {
    (void)item;
    throw NotImplemented("SpscRing::try_push");
  }

  // Consumer only. Removes and returns the oldest item; std::nullopt if the ring is empty. Never
  // waits for the producer.
  std::optional<T> try_pop() { throw NotImplemented("SpscRing::try_pop"); }

  // Level 3. Producer only. Appends `item`, first waiting (asleep) while the ring is full.
  void push(T item) {
    (void)item;
    throw NotImplemented("SpscRing::push");
  }

  // Level 3. Consumer only. Removes and returns the oldest item, first waiting (asleep) while the
  // ring is empty.
  T pop() { throw NotImplemented("SpscRing::pop"); }

  // The number of slots, as given to the constructor.
  std::size_t capacity() const { throw NotImplemented("SpscRing::capacity"); }

  // The number of items in the ring: exact when no other call runs, an estimate between 0 and
  // capacity() while the other thread pushes or pops. Either thread may call it.
  std::size_t size_approx() const { throw NotImplemented("SpscRing::size_approx"); }
};

}  // namespace kata
