// Reference solution of the bounded_queue kata: one mutex, two condition variables.
//
// Why it is correct, in short:
//  - All shared state (items_, closed_) is read and written only with mutex_ held, so every method
//    is atomic with respect to every other: the linearization point of each call is the moment it
//    last holds the lock.
//  - A thread waits on a condition variable only in a loop that re-checks its condition under the
//    lock (the predicate form of wait). That makes spurious wake-ups and "stolen" wake-ups (another
//    thread took the item between the notify and this thread getting the lock) harmless.
//  - Every change that can make a waiter's condition true is followed by a notify, and the change
//    is made under the same mutex the waiter checks under, so no wake-up is lost between a waiter's
//    check and its wait.
//  - Producers and consumers wait on different condition variables, so notify_one wakes a thread
//    that can use the change (a producer's notify never lands on another producer). close() changes
//    every waiter's condition, so it must wake them all.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace solution {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("BoundedQueue: capacity must be positive");
  }

  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  bool push(T&& item) { return push_impl(std::move(item)); }
  bool push(const T& item) { return push_impl(item); }

  bool try_push(T&& item) { return try_push_impl(std::move(item)); }
  bool try_push(const T& item) { return try_push_impl(item); }

  template <class Rep, class Period>
  bool try_push_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    if (!not_full_.wait_for(lock, timeout, [&] { return has_room(); })) return false;
    return enqueue(std::move(item));
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return has_item_or_closed(); });
    return dequeue();
  }

  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    return dequeue();
  }

  template <class Rep, class Period>
  std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    // On timeout dequeue() finds the queue empty and returns nullopt.
    not_empty_.wait_for(lock, timeout, [&] { return has_item_or_closed(); });
    return dequeue();
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    // Every waiter's condition changed: wake them all, not one.
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  bool is_closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);  // the deque is being modified by other threads
    return items_.size();
  }

  std::size_t capacity() const { return capacity_; }  // immutable: no lock needed

 private:
  // "Room, or closed": either way a waiting producer must stop waiting.
  bool has_room() const { return closed_ || items_.size() < capacity_; }
  bool has_item_or_closed() const { return closed_ || !items_.empty(); }

  template <class U>
  bool push_impl(U&& item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return has_room(); });
    return enqueue(std::forward<U>(item));
  }

  template <class U>
  bool try_push_impl(U&& item) {
    std::lock_guard lock(mutex_);
    if (!has_room()) return false;
    return enqueue(std::forward<U>(item));
  }

  // Requires mutex_ held and has_room(). Moves from `item` only when it is really enqueued.
  template <class U>
  bool enqueue(U&& item) {
    if (closed_) return false;
    items_.push_back(std::forward<U>(item));
    // One consumer can take this one item. Notifying while holding the lock is also correct; it
    // is done here to keep the state change and its signal visibly together.
    not_empty_.notify_one();
    return true;
  }

  // Requires mutex_ held.
  std::optional<T> dequeue() {
    if (items_.empty()) return std::nullopt;
    std::optional<T> item(std::move(items_.front()));
    items_.pop_front();
    not_full_.notify_one();  // exactly one slot freed
    return item;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;   // signalled when a slot frees up (or on close)
  std::condition_variable not_empty_;  // signalled when an item arrives (or on close)
  std::deque<T> items_;                // guarded by mutex_
  bool closed_ = false;                // guarded by mutex_
};

}  // namespace solution
