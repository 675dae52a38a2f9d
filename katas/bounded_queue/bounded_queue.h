// KATA: bounded_queue. Make this class correct and thread-safe. The contract is below; the tests
// are in tests/, the story and the hints in README.md. Run:  ./kata test bounded_queue
//
// BoundedQueue<T> is a blocking multi-producer multi-consumer FIFO with a fixed capacity. T need
// only be move-constructible (std::unique_ptr, a type without a default constructor); push(const
// T&) also copies it.
// Every method may be called from any number of threads at once, and each call takes effect at one
// instant between its start and its return: items come out in the order their pushes took effect,
// and a call that finds the queue full, empty or closed found it so at that instant.
//
//   Level 1: push, pop, size, capacity.
//   Level 2: try_push, try_pop and their timed versions.
//   Level 3: close, is_closed, and what closing does to every other method.
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
// The header policy (docs/header_policy.md) is checked before anything is built: standard
// library includes only, everything in namespace kata, no macros, #if, file or process calls.
// At run time: start threads only in your objects and end them by the time those are
// destroyed; the benchmark checks that, and the contract, on the very object it measures.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>

#include "kata/not_implemented.h"

namespace kata {

template <class T>
class BoundedQueue {
 public:
  // A queue holding at most `capacity` items. Throws std::invalid_argument if capacity is 0.
  explicit BoundedQueue(std::size_t capacity) {
    (void)capacity;
    throw NotImplemented("BoundedQueue::BoundedQueue");
  }

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Appends `item` and returns true, blocking while the queue is full: each slot a pop frees lets
  // one waiting push through. Level 3: returns false, leaving `item` untouched, if the queue is (or
  // becomes, while waiting) closed.
  bool push(T&& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::push(T&&)");
  }
  bool push(const T& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::push(const T&)");
  }

  // Appends `item` if there is room now; never blocks. False, leaving `item` untouched, if the
  // queue is full (level 3: or closed).
  bool try_push(T&& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::try_push(T&&)");
  }
  bool try_push(const T& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::try_push(const T&)");
  }

  // Like push, but waits for room only until `timeout` has passed: true as soon as there is room;
  // false, leaving `item` untouched, if the queue stayed full that long (it waits at least
  // `timeout`, then returns promptly). Level 3: false at once if closed, or when closed meanwhile.
  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    (void)item, (void)timeout;
    throw NotImplemented("BoundedQueue::try_push_for");
  }

  // Removes and returns the oldest item, blocking while the queue is empty: each item a push adds
  // lets one waiting pop through. Level 3: once the queue is closed, it still returns what is left,
  // then std::nullopt at once.
  std::optional<T> pop() { throw NotImplemented("BoundedQueue::pop"); }

  // Removes and returns the oldest item if there is one now; never blocks. std::nullopt if the
  // queue is empty.
  std::optional<T> try_pop() { throw NotImplemented("BoundedQueue::try_pop"); }

  // Like pop, but waits for an item only until `timeout` has passed: the item as soon as there is
  // one (with a zero timeout too, if one is there); std::nullopt if the queue stayed empty that
  // long (it waits at least `timeout`, then returns promptly). Level 3: std::nullopt at once when
  // the queue is closed and empty.
  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    (void)timeout;
    throw NotImplemented("BoundedQueue::try_pop_for");
  }

  // Closes the queue: every blocked push and pop, timed ones too, wakes up; later pushes fail; pops
  // drain what is left, then return std::nullopt. Calling it again does nothing.
  void close() { throw NotImplemented("BoundedQueue::close"); }

  // True once close() has been called.
  bool is_closed() const { throw NotImplemented("BoundedQueue::is_closed"); }

  // The number of items in the queue at some instant during the call: 0 <= size() <= capacity().
  std::size_t size() const { throw NotImplemented("BoundedQueue::size"); }

  // The capacity given to the constructor (not the room left).
  std::size_t capacity() const { throw NotImplemented("BoundedQueue::capacity"); }
};

}  // namespace kata
