// KATA: bounded_queue. Make this class correct and thread-safe. The contract is below; the tests
// are in tests/, the story and the hints in README.md. Run:  ./kata test bounded_queue
//
// BoundedQueue<T> is a blocking multi-producer multi-consumer FIFO with a fixed capacity.
// Every method may be called from any number of threads at once.
//
//   Level 1: push, pop, size, capacity.
//   Level 2: try_push, try_pop and their timed versions.
//   Level 3: close.
//
// Replace each `throw NotImplemented(...)` with your code; add members and includes as you need.
// The header policy (docs/header_policy.md) is checked before anything is built: standard
// library includes only, everything in namespace kata, no macros, #if, file or process calls.
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

  // Appends `item`, blocking while the queue is full. Returns false, leaving `item` untouched,
  // if the queue is (or becomes, while waiting) closed.
  bool push(T&& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::push(T&&)");
  }
  bool push(const T& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::push(const T&)");
  }

  // Appends `item` if there is room now; never blocks. False (item untouched) if full or closed.
  bool try_push(T&& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::try_push(T&&)");
  }
  bool try_push(const T& item) {
    (void)item;
    throw NotImplemented("BoundedQueue::try_push(const T&)");
  }

  // Like push, but waits at most `timeout` for room. False (item untouched) on timeout or close.
  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    (void)item, (void)timeout;
    throw NotImplemented("BoundedQueue::try_push_for");
  }

  // Removes and returns the oldest item, blocking while the queue is empty and open.
  // Returns std::nullopt only once the queue is closed and empty.
  std::optional<T> pop() { throw NotImplemented("BoundedQueue::pop"); }

  // Removes the oldest item if there is one now; never blocks.
  std::optional<T> try_pop() { throw NotImplemented("BoundedQueue::try_pop"); }

  // Like pop, but waits at most `timeout`. std::nullopt on timeout, or when closed and empty.
  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    (void)timeout;
    throw NotImplemented("BoundedQueue::try_pop_for");
  }

  // Closes the queue: every blocked push and pop wakes up; later pushes fail; pops drain what is
  // left, then return std::nullopt. Calling it again does nothing.
  void close() { throw NotImplemented("BoundedQueue::close"); }

  bool is_closed() const { throw NotImplemented("BoundedQueue::is_closed"); }

  // The number of items in the queue at some instant during the call: 0 <= size() <= capacity().
  std::size_t size() const { throw NotImplemented("BoundedQueue::size"); }

  std::size_t capacity() const { throw NotImplemented("BoundedQueue::capacity"); }
};

}  // namespace kata
